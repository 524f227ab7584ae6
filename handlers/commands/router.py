"""The `/nls` subcommand router. Slack gives the app one slash command; each feature module in
this package registers its subcommands with `@subcommand(...)`, and `/nls help` lists them.

Multi-word subcommands (`resource add`, `plan all`) win over their first word (`resource`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Reply
from handlers.context import Ctx


@dataclass
class CommandCall:
    """One `/nls …` invocation, handed to a subcommand handler."""

    nls: Ctx
    args: str
    body: dict[str, Any]
    ack: Any
    respond: Any
    client: AsyncWebClient

    @property
    def user_id(self) -> str:
        return self.body["user_id"]

    @property
    def channel_id(self) -> str | None:
        return self.body.get("channel_id")

    @property
    def trigger_id(self) -> str:
        return self.body["trigger_id"]

    @property
    def acked(self) -> bool:
        return self.ack.response is not None

    async def reply(self, message: str | Reply) -> None:
        """Answer privately: in the acknowledgement itself when still possible (no extra
        round trip), otherwise through the command's response_url."""
        reply = message if isinstance(message, Reply) else Reply(text=message)
        if not self.acked:
            await self.ack(**reply.as_message(), response_type="ephemeral")
        else:
            await self.respond(**reply.as_message(), response_type="ephemeral")


Handler = Callable[[CommandCall], Awaitable[None]]


@dataclass(frozen=True)
class Subcommand:
    words: tuple[str, ...]
    handler: Handler
    usage: str
    help_key: str | None
    order: int
    member_only: bool

    @property
    def name(self) -> str:
        return " ".join(self.words)


class Router:
    def __init__(self) -> None:
        self._routes: dict[tuple[str, ...], Subcommand] = {}

    def register(self, sub: Subcommand) -> None:
        if sub.words in self._routes:
            raise ValueError(f"/nls {sub.name} is registered twice")
        self._routes[sub.words] = sub

    def route(self, text: str) -> tuple[Subcommand | None, str]:
        words = text.split()
        for length in range(min(len(words), 3), 0, -1):
            sub = self._routes.get(tuple(w.lower() for w in words[:length]))
            if sub is not None:
                rest = text.strip().split(None, length)
                return sub, rest[length] if len(rest) > length else ""
        return None, text.strip()

    def listed(self) -> list[Subcommand]:
        return sorted((s for s in self._routes.values() if s.help_key), key=lambda s: (s.order, s.name))

    def names(self) -> set[str]:
        return {s.name for s in self._routes.values()}


ROUTER = Router()


def subcommand(
    name: str, *, usage: str | None = None, help_key: str | None = None, order: int = 100, member_only: bool = False
) -> Callable[[Handler], Handler]:
    """Register `handler` for `/nls <name>`. `help_key` (an i18n key) lists it in `/nls help`;
    `member_only` refuses people who are not in the directory, saying whom to ask."""

    def decorate(handler: Handler) -> Handler:
        words = tuple(name.split())
        ROUTER.register(Subcommand(words, handler, usage or name, help_key, order, member_only))
        return handler

    return decorate
