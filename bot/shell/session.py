"""The shell's engine: the real app, the real database, requests signed as Slack signs them, and
the bot's Web API calls answered by the local Slack server and turned into text.

Everything the REPL does goes through here, so it can also be driven from a test."""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.app import LOCAL_TOKEN, build_app
from bot.deps import Deps
from bot.services import prefs
from bot.shell import payloads
from bot.shell.forms import state_values
from bot.shell.render import Pressable, Renderer, Surface
from bot.slack.localslack.server import Call, LocalSlack
from models import Person

QUIET_FOR = 0.25  # the app is considered done once no Web API call arrived for this long
SETTLE_LIMIT = 10.0
SHELL_CHANNEL = "CSHELL"


@dataclass
class Outcome:
    """What one user action produced: text to show, and a modal waiting to be filled, if any."""

    lines: list[str] = field(default_factory=list)
    modal: dict[str, Any] | None = None


class ShellSession:
    def __init__(self, deps: Deps, *, user_id: str) -> None:
        self.deps = deps
        self.user_id = user_id
        self.secret = secrets.token_hex(16)
        self.slack = LocalSlack(users=self._profile)
        self.names: dict[str, str] = {}
        self.ids_by_name: dict[str, str] = {}
        self.renderer = Renderer(self.names)
        self.app: AsyncApp | None = None
        self._calls: asyncio.Queue[Call] = asyncio.Queue()
        self.modal: dict[str, Any] | None = None

    async def start(self) -> ShellSession:
        await self.slack.start()
        self.slack.on_call(self._calls.put_nowait)
        client = AsyncWebClient(token=LOCAL_TOKEN, base_url=self.slack.base_url)
        self.app = build_app(self.deps, signing_secret=self.secret, client=client)
        await self.refresh_names()
        return self

    async def stop(self) -> None:
        await self.slack.stop()

    @property
    def client(self) -> AsyncWebClient:
        assert self.app is not None
        return self.app.client

    # --- directory names for @mentions ------------------------------------------------------

    async def refresh_names(self) -> None:
        async with self.deps.db.reader() as session:
            rows = (await session.execute(select(Person.slack_user_id, Person.name))).all()
        self.names.clear()
        self.ids_by_name.clear()
        for uid, name in rows:
            self.names[uid] = name
            self.ids_by_name[uid.lower()] = uid
            self.ids_by_name.setdefault(name.split()[0].lower(), uid)
            self.ids_by_name.setdefault(name.lower().replace(" ", ""), uid)
        # Everyone in the directory is "in" the shell's channel, so channel polls work here too.
        self.slack.channel_members[SHELL_CHANNEL] = sorted(self.names)

    async def locale(self) -> str:
        """The language of whoever is typing (their `/nls lang`), for what the shell itself says."""
        async with self.deps.db.reader() as session:
            pref = await prefs.get_pref(session, self.user_id)
        return prefs.language(pref, self.deps.settings.nls_locale)

    def resolve_user(self, token: str) -> str | None:
        key = token.strip().lstrip("@").lower()
        return self.ids_by_name.get(key) or (
            token.strip().lstrip("@") if token.strip().lstrip("@")[:1] in "UW" else None
        )

    def with_mentions(self, text: str) -> str:
        """`@amina` → `<@U…|amina>`, as Slack sends mentions when the command escapes them."""
        words = []
        for word in text.split(" "):
            uid = self.resolve_user(word) if word.startswith("@") else None
            words.append(f"<@{uid}|{word[1:]}>" if uid else word)
        return " ".join(words)

    def _profile(self, user_id: str) -> dict[str, Any] | None:
        name = self.names.get(user_id)
        return {"name": name.split()[0].lower(), "real_name": name} if name else None

    # --- dispatching --------------------------------------------------------------------------

    async def _dispatch(self, body: str) -> tuple[int, str]:
        assert self.app is not None
        request = AsyncBoltRequest(body=body, headers=payloads.sign(body, self.secret))
        response = await self.app.async_dispatch(request)
        return response.status, response.body

    async def command(self, text: str) -> Outcome:
        line = text.strip()
        if line.startswith("/"):
            command, _, rest = line.partition(" ")
            body = payloads.slash_command(
                self.user_id, self.with_mentions(rest), response_url=self.slack.response_url(), channel_id=SHELL_CHANNEL,
                command=command,
            )  # fmt: skip
        elif line.startswith("dm "):
            body = payloads.direct_message(self.user_id, self.with_mentions(line[3:]))
        elif line.startswith("@bot "):
            body = payloads.app_mention(self.user_id, self.with_mentions(line[5:]), channel_id=SHELL_CHANNEL)
        elif line == "home":
            body = payloads.app_home_opened(self.user_id)
        elif line.startswith("shortcut "):
            return await self.shortcut(line[len("shortcut ") :])
        else:
            return Outcome(["  (type `help` for what the shell understands)"])
        return await self._run(body)

    async def shortcut(self, spec: str) -> Outcome:
        callback_id, _, text = spec.partition(" ")
        if text:
            message = {
                "type": "message",
                "user": self.user_id,
                "text": text,
                "ts": f"{asyncio.get_running_loop().time():.6f}",
            }
            body = payloads.message_action(
                self.user_id, callback_id, message, channel_id=SHELL_CHANNEL, response_url=self.slack.response_url()
            )
        else:
            body = payloads.shortcut(self.user_id, callback_id)
        return await self._run(body)

    async def press(self, number: int) -> Outcome:
        pressables = self.renderer.pressables
        if not 1 <= number <= len(pressables):
            return Outcome([f"  (no button [{number}] on screen)"])
        item: Pressable = pressables[number - 1]
        surface = item.surface
        if surface.kind == "view":
            body = payloads.block_actions(self.user_id, item.action, block_id=item.block_id, view=surface.view)
        else:
            body = payloads.block_actions(
                self.user_id, item.action, block_id=item.block_id, response_url=self.slack.response_url(),
                channel_id=surface.channel or SHELL_CHANNEL, message_ts=surface.ts,
                message={"ts": surface.ts, "text": "", "blocks": surface.blocks}, ephemeral=surface.kind == "ephemeral",
            )  # fmt: skip
        return await self._run(body)

    async def submit(self, answers: dict[str, str | None]) -> Outcome:
        """Submit the open modal with these answers (block_id → typed text)."""
        assert self.modal is not None, "no modal is open"
        view = self.modal
        values = state_values(view, answers, self.resolve_user, tz=self.deps.settings.timezone)
        body = payloads.view_submission(self.user_id, view, values)
        self.modal = None
        return await self._run(body)

    def cancel_modal(self) -> None:
        self.modal = None

    async def _run(self, body: str) -> Outcome:
        self.renderer.reset()
        outcome = Outcome()
        status, answer = await self._dispatch(body)
        self._render_ack(status, answer, body, outcome)
        await self._settle(outcome)
        return outcome

    def _render_ack(self, status: int, answer: str, body: str, outcome: Outcome) -> None:
        if status == 401:
            outcome.lines.append("  (the app refused the request's signature)")
            return
        if not answer or status != 200:
            return
        try:
            data = json.loads(answer)
        except ValueError:
            data = {"text": answer}
        if data.get("response_action") == "errors":
            errors = data.get("errors", {})
            outcome.lines.extend(f"  ✗ {block}: {message}" for block, message in errors.items())
            if self.modal is None and body.startswith("payload="):
                from urllib.parse import unquote

                view = json.loads(unquote(body[len("payload=") :]))["view"]
                self.modal = {**view, "_errors": errors}
                outcome.modal = self.modal
            return
        if data.get("response_action") in ("update", "push") and data.get("view"):
            self._show_modal(data["view"], outcome)
            return
        if data.get("text") or data.get("blocks"):
            surface = Surface("ephemeral", channel=SHELL_CHANNEL, ts="ack", blocks=data.get("blocks", []))
            outcome.lines.append(self.renderer.message("only you can see this", data, surface))

    def _show_modal(self, view: dict[str, Any], outcome: Outcome) -> None:
        view = {**view, "id": view.get("id") or f"VSHELL{secrets.token_hex(3)}"}
        self.modal = view
        outcome.modal = view
        outcome.lines.append(self.renderer.view(view, Surface("view", view=view)))

    async def more(self, patience: float) -> Outcome:
        """What the app shows next, waiting up to `patience` seconds for it to begin: on a busy
        machine the work after an acknowledgement can start later than `_settle` waits."""
        outcome = Outcome()
        try:
            call = await asyncio.wait_for(self._calls.get(), patience)
        except TimeoutError:
            return outcome
        self._render_call(call, outcome)
        await self._settle(outcome)
        return outcome

    async def _settle(self, outcome: Outcome) -> None:
        """Show what the app does after its acknowledgement, until it falls quiet."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_LIMIT
        while loop.time() < deadline:
            try:
                call = await asyncio.wait_for(self._calls.get(), QUIET_FOR)
            except TimeoutError:
                return
            self._render_call(call, outcome)

    def _render_call(self, call: Call, outcome: Outcome) -> None:
        args, r = call.args, self.renderer
        if call.method == "response_url":
            if args.get("delete_original"):
                return
            kind = "ephemeral" if args.get("response_type", "ephemeral") == "ephemeral" else "message"
            title = "only you can see this" if kind == "ephemeral" else "posted in #shell"
            outcome.lines.append(
                r.message(title, args, Surface(kind, SHELL_CHANNEL, "resp", blocks=args.get("blocks", [])))
            )
        elif call.method in ("chat.postMessage", "chat.update"):
            channel = str(args.get("channel"))
            where = f"DM to @{self.names.get(channel, channel)}" if channel[:1] in "UWD" else f"#{channel.lower()}"
            if channel[:1] == "D":
                where = f"DM to @{self.names.get('U' + channel[1:], channel)}"
            verb = "updated in" if call.method == "chat.update" else "posted to"
            ts = args.get("ts") or self._last_ts(channel)
            outcome.lines.append(
                r.message(f"{verb} {where}", args, Surface("message", channel, ts, blocks=args.get("blocks") or []))
            )
        elif call.method == "chat.postEphemeral":
            outcome.lines.append(
                r.message("only you can see this", args, Surface("ephemeral", str(args.get("channel")), "eph"))
            )
        elif call.method in ("views.open", "views.push", "views.update"):
            stored = self.slack.views.get(args.get("view_id") or "") or self._latest_view(args["view"])
            self._show_modal(stored, outcome)
        elif call.method == "views.publish" and args.get("user_id") == self.user_id:
            view = self.slack.home_views[self.user_id]
            outcome.lines.append(r.view(view, Surface("view", view=view)))

    def _last_ts(self, channel: str) -> str | None:
        key = "D" + channel[1:] if channel[:1] in "UW" else channel
        stamps = [ts for (ch, ts) in self.slack.messages if ch == key]
        return stamps[-1] if stamps else None

    def _latest_view(self, view: dict[str, Any]) -> dict[str, Any]:
        for stored in reversed(list(self.slack.views.values())):
            if stored.get("callback_id") == view.get("callback_id"):
                return stored
        return view
