"""The app factory: one `AsyncApp` with every listener registered, used by `nlsbot serve`,
`nlsbot socket`, the shell and the tests alike."""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncBoltRequest
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

import handlers
from bot.deps import Deps
from bot.infra.i18n import Translator, resolve_locale
from bot.infra.logs import note_request
from bot.services import prefs, requester
from bot.services.deliveries import KEY_LENGTH as DELIVERY_KEY_LENGTH
from bot.slack.http_session import PooledRespond
from bot.transport import claims, front_door, submissions
from bot.transport.admission import QueuedAck
from bot.transport.event_subscriptions import Listened, listened
from bot.transport.routing import RoutedApp
from handlers.context import Ctx
from handlers.support import fetch_profile, tell

log = logging.getLogger(__name__)
LOCAL_TOKEN = "xoxb-local-shell"
# How long a person's first request waits for their Slack locale (users.info, usually ~0.1 s),
# so that their first answer and first Home are in their language; of NLS_ACK_BUDGET's 2.5 s.
FIRST_CONTACT_SECONDS = 1.0
DB_ERRORS = (OperationalError, DBAPIError, PoolTimeout, ConnectionError, OSError)


class _ClientCarriesTheToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and, finding the `client` we give
    it too, warns at every start that the token "will be unused". The client is built from that
    same setting (with our base URL, retries and timeout), so the warning is true and intended, and
    only taught operators to ignore warnings: that one line is dropped, nothing else."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_ClientCarriesTheToken())


class DirectMiddleware(AsyncMiddleware):
    """A global middleware Bolt calls with (req, resp, next) as they are: registered as a plain
    function, Bolt would build its whole set of listener arguments for it on every request."""

    def __init__(self, func: Callable[[AsyncBoltRequest, BoltResponse, Any], Awaitable[BoltResponse | None]]) -> None:
        self.func = func

    async def async_process(self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Any) -> BoltResponse | None:
        return await self.func(req, resp, next)

    @property
    def name(self) -> str:
        return f"DirectMiddleware({self.func.__name__})"


def web_client(deps: Deps, *, token: str | None = None) -> AsyncWebClient:
    """The Web API client every outbound call uses: `SLACK_API_URL`, retries on connection
    errors, 429 (honouring Retry-After) and 5xx, and a timeout well under Slack's patience."""
    return AsyncWebClient(
        token=token or deps.settings.slack_bot_token or LOCAL_TOKEN,
        base_url=deps.settings.slack_api_url,
        timeout=deps.settings.slack_timeout,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(deps: Deps, *, signing_secret: str | None = None, client: AsyncWebClient | None = None) -> NlsApp:
    app = NlsApp(
        deps,
        client=client or web_client(deps),
        signing_secret=signing_secret or deps.settings.slack_signing_secret or "",
        # Verified once, before anything else: by the front door, or by NlsApp.async_dispatch.
        request_verification_enabled=False,
        raise_error_for_unhandled_request=True,
    )
    background: set[asyncio.Task[None]] = set()

    async def request_context(req: AsyncBoltRequest, resp: BoltResponse, next: Any) -> BoltResponse | None:
        note_request(_describe(req.body))
        try:
            claim = claims.current()
            view_key = claim.view_key if claim is not None else None
            loaded = await _open_request(deps, _replay_key(req.body), req.context.user_id, view_key)
        except DB_ERRORS:
            log.warning("database unavailable while loading request context")
            note_request(outcome="db_unavailable")
            return apology(req.body, deps.translator(), "errors.db_unavailable")
        if loaded is None:
            note_request(outcome="duplicate")
            return BoltResponse(status=200, body="")  # a Slack retry or a replayed request: done already
        ctx, stale, first_contact = loaded
        profile = None
        if first_contact and ctx.user_id:  # answer a newcomer in their language from the first word
            profile = await fetch_profile(req.context.client, ctx.user_id, seconds=FIRST_CONTACT_SECONDS)
            if profile is not None:
                language = resolve_locale(None, profile.get("locale"), deps.settings.nls_locale)
                ctx = dataclasses.replace(ctx, t=Translator(language))
        req.context["nls"] = ctx
        req.context["ack"] = QueuedAck(deps.work)
        session = req.context.client.session if req.context.client else None
        if session is not None and req.context.response_url:
            req.context["respond"] = PooledRespond(req.context.response_url, session)
        response = await next()
        if stale and ctx.user_id:
            # In a context of its own: it is not the request's work (no acknowledgement deadline, and
            # its write must not be taken for a modal's effect, bot.transport.submissions).
            task = asyncio.create_task(
                _refresh_profile(deps, req.context.client, ctx.user_id, profile), context=contextvars.Context()
            )
            background.add(task)
            task.add_done_callback(background.discard)
        return response

    app.middleware(DirectMiddleware(request_context))

    @app.error
    async def on_error(
        error: Exception, body: dict[str, Any], client: AsyncWebClient, context: Any, respond: Any, response: Any
    ) -> BoltResponse | None:
        ctx: Ctx | None = context.get("nls")
        t = ctx.t if ctx else deps.translator()
        if isinstance(error, claims.Replayed):  # applied already, by an earlier delivery or another process
            note_request(outcome="duplicate")
            return BoltResponse(status=200, body="") if response is not None else None
        if isinstance(error, BoltUnhandledRequestError) and body.get("type") == "event_callback":
            # An event we subscribe to that no listener wants (a bot's message, an edit of an
            # ordinary message, a join): routine, a debug line, not a warning per message.
            log.debug("event for no listener: %s", _describe(body))
            note_request(outcome="ignored")
            return BoltResponse(status=200, body="")
        if isinstance(error, BoltUnhandledRequestError):
            log.warning("unhandled request: %s", _describe(body))
            note_request(outcome="unhandled")
            return apology(body, t, "errors.unknown_action")
        is_db = _is_database_error(error)
        note_request(outcome="db_unavailable" if is_db else "error")
        log.error("listener failed: %s (%s)", _describe(body), type(error).__name__, exc_info=not is_db)
        key = "errors.db_unavailable" if is_db else "errors.unexpected"
        if response is not None:  # not acknowledged yet: the answer goes in the acknowledgement
            return apology(body, t, key)
        try:
            await tell(body, client, t(key), respond=respond)
        except Exception:  # the user could not be told; the log above is what remains
            log.warning("could not tell the user about a failure: %s", _describe(body))
        return None

    handlers.register(app)
    return app


class NlsApp(RoutedApp):
    """Bolt's app, with each request's claims set up around its dispatch (bot.transport.claims): HTTP, Socket
    Mode and the shell all come through `async_dispatch`. Bolt runs global middleware before the
    listener, not around it, so only here is the answer of a modal submission in hand. Listeners
    are found by the ids the request carries (bot.transport.routing)."""

    def __init__(self, deps: Deps, *, signing_secret: str, **kwargs: Any) -> None:
        super().__init__(signing_secret=signing_secret, **kwargs)
        self.deps = deps
        self.signing_secret = signing_secret
        self.answers: submissions.RecentAnswers[BoltResponse] = submissions.RecentAnswers()
        self.listened: list[Listened] = []  # every event listener's reach, for the manifest check

    def event(self, event: Any, matchers: Any = None, middleware: Any = None) -> Any:
        """Bolt's, recording what the listener hears (bot.transport.event_subscriptions): wherever a listener
        is registered, the manifest check sees it."""
        self.listened.append(listened(event, matchers))
        return super().event(event, matchers, middleware)

    def message(self, keyword: Any = "", matchers: Any = None, middleware: Any = None) -> Any:
        self.listened.append(listened("message", matchers))
        return super().message(keyword, matchers, middleware)

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        refused = front_door.unverified_refusal(req, self.signing_secret)
        if refused is not None:
            return refused
        claim = claims.Claim(
            delivery_key=_replay_key(req.body),
            received_at=self.deps.now(),
            written_here=self.deps.deliveries.written_here,
            view_key=_submitted_view(req.body),
            today=self.deps.today(),
        )
        with claims.expecting(claim):
            if claim.view_key is None:
                return await super().async_dispatch(req)
            return await self._submit_once(req, claim, claim.view_key)

    async def _submit_once(self, req: AsyncBoltRequest, claim: claims.Claim, key: str) -> BoltResponse:
        """A modal submission is applied once per view key, and a second Submit answered as the
        first was (bot.transport.submissions): from this process's memory, else an empty
        acknowledgement (a view applied by another process or before a restart: `_open_request`)."""
        turn = await self.answers.turn(key, wait_seconds=self.deps.settings.ack_budget)
        if turn.answer is not None:
            note_request(outcome="duplicate")
            return _copy(turn.answer)
        if not turn.first:
            # The first is still at work past this one's own deadline, and may yet save nothing (a
            # write refused as too late): an empty acknowledgement would close the modal as if it
            # had saved. Judged on its own instead; the view's claim decides which of them saves.
            return await super().async_dispatch(req)
        kept: BoltResponse | None = None
        try:
            response = await super().async_dispatch(req)
            if claim.claimed:
                kept = _copy(response)
            return response
        finally:
            self.answers.done(key, kept)


def _copy(response: BoltResponse) -> BoltResponse:
    return BoltResponse(status=response.status, body=response.body, headers=dict(response.headers))


def _is_database_error(error: Exception) -> bool:
    """The database is out of reach. aiohttp's connection errors are OSErrors too, but they come
    from calling Slack (Bolt's first `auth.test` included), and "try again in a minute, the
    database is down" would send people and operators the wrong way."""
    return isinstance(error, DB_ERRORS) and not isinstance(error, aiohttp.ClientError)


async def _open_request(
    deps: Deps, replay_key: str | None, user_id: str | None, view_key: str | None = None
) -> tuple[Ctx, bool, bool] | None:
    """Before every listener, in one statement: who is asking (directory entry and language) and
    whether this delivery was handled before (None then); for a modal submission, in the same
    read, whether its view was applied already (None then too: by another process, or before a
    restart). The delivery is recorded just after, in a batch (bot.transport.deliveries), so no
    request waits for a write here. Also returned: whether the cached Slack profile is stale, and
    whether nothing at all says which language they read."""
    if replay_key is None and user_id is None and view_key is None:
        return Ctx(deps=deps, user_id=None, actor=None, t=deps.translator()), False, False
    async with deps.db.reader(snapshot=False) as session:
        who = await requester.identify(session, user_id or "", replay_key)
        applied = view_key is not None and await submissions.was_applied(session, view_key)
    if who.seen_before or applied or (replay_key and not deps.deliveries.accept(replay_key, deps.now())):
        return None
    language = prefs.language(who.pref, deps.settings.nls_locale)
    ctx = Ctx(deps=deps, user_id=user_id, actor=who.member if user_id else None, t=Translator(language))
    pref = who.pref
    first_contact = pref is None or (pref.locale is None and pref.profile_fetched_at is None)
    return ctx, bool(user_id) and prefs.profile_is_stale(pref, deps.now()), bool(user_id) and first_contact


async def _refresh_profile(
    deps: Deps, client: AsyncWebClient, user_id: str, fetched: dict[str, Any] | None = None
) -> None:
    """Cache the person's Slack locale and time zone (used for language and reminder hours).
    Runs after the acknowledgement (with the profile fetched before it, on first contact);
    a failure only means we try again next time."""
    user = fetched if fetched is not None else await fetch_profile(client, user_id, seconds=deps.settings.slack_timeout)
    if user is None:
        return
    try:
        async with deps.db.transaction() as session:
            await prefs.store_profile(session, user_id, locale=user.get("locale"), tz=user.get("tz"), now=deps.now())
    except Exception:
        log.info("profile refresh failed for a user", exc_info=True)


def apology(body: dict[str, Any], t: Translator, key: str) -> BoltResponse:
    """An answer Slack accepts within its 3 seconds when we cannot do what was asked: an inline
    error on a modal (what the person typed stays), an ephemeral message for commands and buttons,
    a plain acknowledgement for events."""
    message = t(key)
    if body.get("type") == "view_submission":
        first_input = next(
            (b["block_id"] for b in (body.get("view") or {}).get("blocks", []) if b.get("type") == "input"), None
        )
        if first_input:
            return _json({"response_action": "errors", "errors": {first_input: message}})
    if body.get("command") or body.get("type") in ("block_actions", "shortcut", "message_action"):
        return _json({"response_type": "ephemeral", "replace_original": False, "text": message})
    return BoltResponse(status=200, body="")


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


def _submitted_view(body: dict[str, Any]) -> str | None:
    """The key a view submission is applied once by: the view's id and its hash. A double click
    or a replay sends both unchanged; a form that answered `response_action: update` (a step of a
    wizard, a form shown again) has a new hash, and its next Submit is a new submission."""
    view = body.get("view") if body.get("type") == "view_submission" else None
    view_id = view.get("id") if isinstance(view, dict) else None
    if not isinstance(view_id, str) or not view_id:
        return None
    view_hash = view.get("hash")
    key = f"{view_id}:{view_hash}" if isinstance(view_hash, str) and view_hash else view_id
    return key if len(key) <= 64 else view_id[:64]


def _replay_key(body: dict[str, Any]) -> str | None:
    """Slack retries events with the same `event_id`; every user interaction (command, button,
    modal submission, shortcut) carries a fresh `trigger_id`, so the same one twice is a replay.
    A key longer than the table's column is stored and looked up as its SHA-256, the same way
    both times (it used to be cut when stored and looked up whole, so it never matched)."""
    if body.get("event_id"):
        key = f"event:{body['event_id']}"
    elif body.get("trigger_id"):
        key = f"trigger:{body['trigger_id']}"
    else:
        return None
    return key if len(key) <= DELIVERY_KEY_LENGTH else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _describe(body: dict[str, Any]) -> str:
    """What a log line may say about a request: its kind and ids, never its text or values."""
    kind = body.get("type") or ("command" if body.get("command") else "unknown")
    detail = body.get("command") or body.get("callback_id") or (body.get("view") or {}).get("callback_id")
    if body.get("actions"):
        detail = body["actions"][0].get("action_id")
    if body.get("event"):
        detail = body["event"].get("type")
    return f"{kind}:{detail}"
