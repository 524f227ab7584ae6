"""Socket Mode with the same front-door discipline as HTTP (bot.transport.web): past NLS_MAX_IN_FLIGHT
requests being handled at once the next one is shed, and every request runs under the
acknowledgement deadline (bot.transport.deadline), so an overloaded process never saves a form that Slack
has already told the person failed.

A shed Socket Mode request is left unacknowledged, which is what a 503 is over HTTP: Slack shows
the person an error for an interaction (nothing was done) and delivers an event again later. The
signature and body checks of bot.transport.front_door do not apply: over the app's own authenticated
websocket, Slack's envelopes arrive parsed.
"""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.deps import Deps
from bot.slack.credentials import socket_mode_url
from bot.startup_errors import StartupError
from bot.transport import deadline

log = logging.getLogger(__name__)


class _SaidByItsCaller(logging.Filter):
    """slack_sdk logs "Failed to retrieve WSS URL" and raises; what catches it says it again: the
    start in its one line (bot.slack.credentials), a reconnect in its "Failed to connect … Retrying"."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to retrieve WSS URL")


_SAID_BY_ITS_CALLER = _SaidByItsCaller()


class GuardedSocketModeHandler(AsyncSocketModeHandler):
    def __init__(self, app: AsyncApp, app_token: str, deps: Deps) -> None:
        super().__init__(app, app_token)
        self.client.logger.addFilter(_SAID_BY_ITS_CALLER)
        self.deps = deps
        self.in_flight = 0

    async def check_app_token(self) -> None:
        """Ask for the first connection's address before connecting: slack_sdk's own connect loop
        retries a refused app token forever, so a wrong SLACK_APP_TOKEN stops the start here in
        one line instead (bot.slack.credentials). The address Slack gives is the one connected to."""
        try:
            url = await socket_mode_url(self.client)
        except StartupError:
            await self.client.aiohttp_client_session.close()  # opened with the client, unused now
            raise
        if url is not None:
            self.client.wss_uri = url

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        if self.in_flight >= self.deps.settings.max_in_flight:
            log.warning("Socket Mode request shed: %d in flight (NLS_MAX_IN_FLIGHT)", self.in_flight)
            return
        self.in_flight += 1
        try:
            with deadline.ack_clock(self.deps.settings.ack_budget):
                await super().handle(client, req)
        finally:
            self.in_flight -= 1
