"""`/nls help`: the subcommands a person can use, in their language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.blocks.common import Reply, context, escape, header, lines, mrkdwn
from bot.infra.i18n import Translator


class Listed(Protocol):
    @property
    def usage(self) -> str: ...
    @property
    def help_key(self) -> str | None: ...


def help_reply(subcommands: Sequence[Listed], t: Translator, *, unknown: str | None = None) -> Reply:
    entries = [f"`/nls {escape(s.usage)}` — {t(s.help_key)}" for s in subcommands if s.help_key]
    blocks = [header(t("help.title"))]
    if unknown and unknown.lower() != "help":
        blocks.append(mrkdwn(t("help.unknown", word=escape(unknown[:40]))))
    # Sections hold 3,000 characters; split the list so it never truncates mid-entry.
    chunk: list[str] = []
    for entry in entries:
        if sum(len(e) + 1 for e in chunk) + len(entry) > 2900:
            blocks.append(mrkdwn(lines(chunk)))
            chunk = []
        chunk.append(entry)
    if chunk:
        blocks.append(mrkdwn(lines(chunk)))
    blocks.append(context(t("help.footer")))
    return Reply(text=t("help.title"), blocks=blocks)
