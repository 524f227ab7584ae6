"""HTTP mode: an ASGI app with all Slack traffic on `POST /slack/events`, `GET /healthz`
(the process is up) and `GET /readyz` (the database answers, and the bot may send: after an
uninstall or a revoked bot token it answers 503 with why, bot.services.workspace)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from slack_bolt.adapter.starlette.async_handler import to_starlette_response
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.deps import Deps
from bot.infra.logs import RequestLog, note_request
from bot.runtime import Background
from bot.slack import standing
from bot.transport import deadline, envelope, front_door

log = logging.getLogger(__name__)


def worker_app() -> Starlette:
    """The ASGI app of one `nlsbot serve --workers N` process, built from the environment
    (each worker has its own engine and pool; none runs the scheduler)."""
    from bot.app import build_app
    from bot.infra.db import Database
    from bot.infra.logs import configure_logging
    from bot.infra.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_level)
    deps = Deps(settings=settings, db=Database(settings.database_url, pool_size=settings.db_pool_size))
    app = build_app(deps)
    return create_web_app(deps, app, Background(deps, app.client, scheduler=False))


def refuse(refusal: front_door.Refusal) -> Response:
    """One WARNING line naming why (never the body), and the status Slack's retry logic expects."""
    log.warning("Slack request refused: %s", refusal.reason)
    note_request(outcome="rejected")
    return JSONResponse({"error": refusal.reason}, status_code=refusal.status)


def create_web_app(deps: Deps, app: AsyncApp, background: Background | None = None) -> Starlette:
    in_flight = 0

    async def events(request: Request) -> Response:
        with deadline.ack_clock(deps.settings.ack_budget):
            body = await front_door.read_body(request, seconds=deps.settings.body_seconds)
            if isinstance(body, front_door.Refusal):
                return refuse(body)
            secret = deps.settings.slack_signing_secret
            refusal = front_door.signature_refusal(request.headers, body, secret) if secret else None
            if refusal is not None:
                return refuse(refusal)
            return await dispatch(request, body, verified=bool(secret))

    async def dispatch(request: Request, body: bytes, *, verified: bool) -> Response:
        # Past NLS_MAX_IN_FLIGHT requests being served at once the process is behind, and every
        # request more would make all of them late (they share one CPU): refuse it at once, before
        # any parsing, so the others are answered in time. Slack shows the person an error for it
        # (nothing was done, they try again) and delivers a refused event again later. Counted only
        # now, with a whole signed body in hand: a slow or half-sent client never holds a slot.
        nonlocal in_flight
        if in_flight >= deps.settings.max_in_flight:
            note_request(outcome="shed")
            return JSONResponse({"error": "busy"}, status_code=503, headers={"Retry-After": "1"})
        in_flight += 1
        try:
            checked = envelope.check_envelope(body, request.headers.get("content-type", ""))
            if isinstance(checked, str):  # signed, but not a shape a listener can rely on (bot.transport.envelope)
                return refuse(front_door.Refusal(400, f"malformed envelope: {checked}"))
            bolt_request = front_door.CheckedRequest(request, checked, verified=verified)
            return to_starlette_response(await app.async_dispatch(bolt_request))
        except ValueError:  # a body Bolt cannot read after all (the envelope check parsed it): touch nothing
            log.warning("unparseable Slack request refused")
            return JSONResponse({"error": "malformed request"}, status_code=400)
        finally:
            in_flight -= 1

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        if not await deps.db.ping():
            return JSONResponse({"status": "database unavailable"}, status_code=503)
        state = await standing.current(deps)
        if state is None:
            return JSONResponse({"status": "ready"})
        t = deps.translator()
        detail = t("workspace.parked", **standing.why(state, t, deps))
        body = {"status": "inactive", "reason": state.reason, "since": state.since.isoformat(), "detail": detail}
        return JSONResponse(body, status_code=503)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if background is not None:
            await background.start()
        try:
            yield
        finally:
            if background is not None:
                await background.stop()

    web = Starlette(
        routes=[
            Route("/slack/events", events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    web.add_middleware(RequestLog)
    return web
