"""The one thing stood in for in Socket Mode tests: the websocket client, the network boundary,
as a recorder of what would be sent back to Slack."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from slack_sdk.socket_mode.response import SocketModeResponse


@dataclass
class Websocket:
    """What Slack would receive over the app's websocket."""

    sent: list[SocketModeResponse] = field(default_factory=list)
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("socket-test"))

    async def send_socket_mode_response(self, response: SocketModeResponse) -> None:
        self.sent.append(response)
