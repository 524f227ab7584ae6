"""A Slack Web API stand-in on loopback.

The shell uses it so the real app can run with no workspace (its Web API calls are answered here
and shown in the terminal); the tests use it as the one thing faked, at the network boundary.
It answers like Slack: POST `/api/<method>` with a form or JSON body and a bearer token, replies
`{"ok": ...}` with Slack's success shapes and error codes, checks required arguments (from
Slack's per-method reference, committed in the package: see `bot.slack.localslack.reference`) and Block
Kit limits that slack_sdk does not check itself, and can be told to fail the next calls, of a method
or of a method to one channel (429 with Retry-After, 500, a hang), to exercise retries. Asked to
(`rate_limits=True`), it enforces Slack's rate limits too (`bot.slack.localslack.ratelimits`).
`response_url` POSTs are accepted under `/response/<n>`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from bot.slack.localslack.limits import check_message_blocks, check_view
from bot.slack.localslack.ratelimits import RateLimits
from bot.slack.localslack.reference import MethodSpec

BOT_USER_ID = "UNLSBOT01"
BOT_ID = "BNLSBOT01"
TEAM_ID = "TNLS00001"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    token: str | None = None
    peer: Any = None  # the caller's (host, port): the same port twice means a reused connection
    ref: str | None = None  # for a response_url POST, the `<n>` of `/response/<n>`


@dataclass
class Failure:
    status: int
    error: str
    retry_after: int | None = None
    hang_seconds: float = 0.0
    channel: str | None = None  # only a call to this channel, else the method's next call
    where: Callable[[dict[str, Any]], bool] | None = None  # only a call whose arguments pass this


class LocalSlack:
    def __init__(
        self,
        *,
        spec: MethodSpec | None = None,
        latency: float = 0.0,
        users: Callable[[str], dict[str, Any] | None] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limits: bool = False,
    ) -> None:
        self.spec = spec or MethodSpec.load()
        self.rate_limits = RateLimits(self.spec) if rate_limits else None
        self.latency = latency
        self.user_lookup = users
        self.host, self.port = host, port
        self.calls: list[Call] = []
        self.channel_members: dict[str, list[str]] = {}
        self.user_profiles: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._failures: dict[str, list[Failure]] = {}
        self._listeners: list[Callable[[Call], Awaitable[None] | None]] = []
        self._changed = asyncio.Condition()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self, *, routes: Iterable[web.RouteDef] = ()) -> LocalSlack:
        """Serve on the host and port given; `routes` are added beside Slack's (a benchmark's own)."""
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{n}", self._response_url)
        app.router.add_routes(list(routes))
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/api/"

    def response_url(self) -> str:
        return f"http://{self.host}:{self.port}/response/{next(self._ids)}"

    # --- test and shell controls ---------------------------------------------------------

    def fail_next(
        self, method: str, *, status: int = 429, error: str = "ratelimited", retry_after: int | None = 1,
        times: int = 1, hang_seconds: float = 0.0, channel: str | None = None,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:  # fmt: skip
        """Answer the next `times` calls of `method` (to `channel`, and whose arguments pass
        `where`, when given) with an error (a 429 carries Retry-After). Failures are used in the
        order they were asked for."""
        retry = retry_after if status == 429 else None
        self._failures.setdefault(method, []).extend(
            Failure(status, error, retry, hang_seconds, channel, where) for _ in range(times)
        )

    def on_call(self, listener: Callable[[Call], Awaitable[None] | None]) -> None:
        self._listeners.append(listener)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(
        self, method: str, predicate: Callable[[Call], bool] | None = None, *, timeout: float = 20.0, count: int = 1
    ) -> list[Call]:
        """Wait until `count` calls of `method` (matching `predicate`) have arrived.

        Listeners keep running after Slack's ack, so tests wait for the call instead of sleeping.
        """

        def matching() -> list[Call]:
            return [c for c in self.calls if c.method == method and (predicate is None or predicate(c))]

        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(matching()) >= count)
        return matching()

    # --- HTTP ----------------------------------------------------------------------------

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        for listener in self._listeners:
            result = listener(call)
            if asyncio.iscoroutine(result):
                await result
        async with self._changed:
            self._changed.notify_all()

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.latency:
            await asyncio.sleep(self.latency)
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return web.Response(status=400, text="invalid_payload")
        problems = check_message_blocks(payload.get("blocks"))
        if problems:
            return web.Response(status=400, text="invalid_blocks")
        await self._record(Call("response_url", payload, peer=_peer(request), ref=request.match_info["n"]))
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _read_args(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or args.pop("token", None)
        if self.latency:
            await asyncio.sleep(self.latency)
        failure = self._next_failure(method, args)
        if failure is not None:
            await self._record(Call(method, {**args, "_failed": failure.status}, token=token))
            if failure.hang_seconds:
                await asyncio.sleep(failure.hang_seconds)
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            return web.json_response({"ok": False, "error": failure.error}, status=failure.status, headers=headers)
        known = self.spec.methods.get(method)
        if known is None:
            return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
        if not token:
            return web.json_response({"ok": False, "error": "not_authed"})
        over = self.rate_limits.check(method, args) if self.rate_limits else None
        if over is not None:
            self.calls.append(Call(method, {**args, "_failed": 429, "_over_limit": over}, token=token))
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(over)}
            )
        missing = [a for a in known.required if args.get(a) in (None, "")]
        if method in ("views.open", "views.push") and not (args.get("trigger_id") or args.get("interactivity_pointer")):
            missing.append("trigger_id")
        if missing:
            return web.json_response({"ok": False, "error": "invalid_arguments", "missing": missing})
        call = Call(method, args, token=token, peer=_peer(request))
        body = self._answer(method, args)
        if body.get("ok"):
            await self._record(call)
        else:
            self.calls.append(Call(method, {**args, "_error": body["error"]}, token=token))
        return web.json_response(body)

    def _next_failure(self, method: str, args: dict[str, Any]) -> Failure | None:
        failures = self._failures.get(method, [])
        channel = str(args.get("channel", ""))
        for index, failure in enumerate(failures):
            if failure.channel in (None, channel) and (failure.where is None or failure.where(args)):
                return failures.pop(index)
        return None

    # --- answers ---------------------------------------------------------------------------

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        return handler(args) if handler else {"ok": True}

    def _next_ts(self) -> str:
        return f"{1_700_000_000 + next(self._ts)}.000100"

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True, "url": "https://nls-local.slack.com/", "team": "NLS (local)", "user": "nlsbot",
            "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False,
        }  # fmt: skip

    def _post(self, args: dict[str, Any], *, ephemeral: bool = False) -> dict[str, Any]:
        text, blocks = args.get("text"), args.get("blocks")
        if not text and not blocks and not args.get("attachments"):
            return {"ok": False, "error": "no_text"}
        problems = check_message_blocks(blocks)
        if problems:
            return {"ok": False, "error": "invalid_blocks", "problems": problems}
        if text and len(text) > 40_000:
            return {"ok": False, "error": "msg_too_long"}
        channel = str(args["channel"])
        if channel.startswith(("U", "W")):
            channel = "D" + channel[1:]  # a user id posts to the app's DM with that user
        ts = self._next_ts()
        message = {"type": "message", "text": text or "", "blocks": blocks or [], "ts": ts, "bot_id": BOT_ID}
        if ephemeral:
            return {"ok": True, "message_ts": ts}
        self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._post(args)

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._post(args, ephemeral=True)

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args["channel"]), str(args["ts"]))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        problems = check_message_blocks(args.get("blocks"))
        if problems:
            return {"ok": False, "error": "invalid_blocks", "problems": problems}
        self.messages[key].update(text=args.get("text", ""), blocks=args.get("blocks") or [])
        return {
            "ok": True,
            "channel": key[0],
            "ts": key[1],
            "text": args.get("text", ""),
            "message": self.messages[key],
        }

    def _m_chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args["channel"]), str(args["ts"]))
        if self.messages.pop(key, None) is None:
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _view(self, args: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view = args["view"]
        problems = check_view(view)
        if problems:
            return {"ok": False, "error": "invalid_arguments", "problems": problems}
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = {**view, "id": view_id, "hash": f"h{next(self._ids)}", "state": {"values": {}}}
        self.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args)

    def _m_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args)

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id")
        if not view_id and not args.get("external_id"):
            return {"ok": False, "error": "invalid_arguments"}
        if view_id and view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        return self._view(args, view_id)

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        if args["view"].get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        answer = self._view(args, f"VHOME{args['user_id']}")
        if answer["ok"]:
            self.home_views[str(args["user_id"])] = answer["view"]
        return answer

    def _profile(self, user_id: str) -> dict[str, Any] | None:
        if user_id in self.user_profiles:
            return self.user_profiles[user_id]
        found = self.user_lookup(user_id) if self.user_lookup else None
        if found is None and user_id.startswith(("U", "W")):
            found = {"name": user_id.lower(), "real_name": user_id}
        if found is None:
            return None
        return {"id": user_id, "team_id": TEAM_ID, "tz": "America/Toronto", "locale": "en-US", **found}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        profile = self._profile(str(args["user"]))
        return {"ok": True, "user": profile} if profile else {"ok": False, "error": "user_not_found"}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users") or "")
        if not users and not args.get("channel"):
            return {"ok": False, "error": "users_list_not_supplied"}
        first = users.split(",")[0]
        return {"ok": True, "channel": {"id": "D" + first[1:] if first else args["channel"]}}

    def _m_conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args["channel"])
        if channel not in self.channel_members:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "members": self.channel_members[channel], "response_metadata": {"next_cursor": ""}}

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args["channel"])
        return {"ok": True, "channel": {"id": channel, "name": channel.lower(), "is_member": True}}


def _peer(request: web.Request) -> Any:
    return request.transport.get_extra_info("peername") if request.transport else None


async def _read_args(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    args: dict[str, Any] = dict(request.query)
    content_type = request.headers.get("Content-Type", "")
    if raw:
        if "json" in content_type or raw.lstrip().startswith(b"{"):
            args.update(json.loads(raw))
        else:
            args.update(parse_qsl(raw.decode(), keep_blank_values=True))
    for key in ("blocks", "view", "attachments"):  # form bodies carry these as JSON strings
        if isinstance(args.get(key), str) and args[key]:
            try:
                args[key] = json.loads(args[key])
            except ValueError:
                args[key] = {"_unparseable": args[key]}
    return args
