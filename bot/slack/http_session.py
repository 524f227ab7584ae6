"""One pooled HTTP session for everything the process sends to Slack: Web API calls and replies
to a command's or a button's `response_url`.

slack_sdk and Bolt open a fresh aiohttp session, and so a fresh TCP and TLS connection, for every
call unless given one. Under load that setup was a measurable share of each request's CPU, and
against slack.com every reply paid a TLS handshake. The serving process opens this session when
it starts and closes it after in-flight work has drained (see `bot.runtime.Background`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient


def attach_session(client: AsyncWebClient, *, traces: Sequence[aiohttp.TraceConfig] = ()) -> None:
    """Give `client` (and so every per-request copy Bolt makes of it) a pooled session. The
    session's timeout is the client's: slack_sdk applies only the session's own. `traces` hook
    into every request (the work slots step aside while Slack answers, see bot.transport.admission)."""
    if client.session is None or client.session.closed:
        client.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=client.timeout), trace_configs=list(traces)
        )


async def close_session(client: AsyncWebClient) -> None:
    if client.session is not None:
        await client.session.close()
        client.session = None


class PooledRespond(AsyncRespond):
    """Bolt's `respond`, over the shared session; the same arguments, the same message."""

    def __init__(self, response_url: str, session: aiohttp.ClientSession) -> None:
        super().__init__(response_url=response_url)
        self.session = session

    async def __call__(self, text: str | dict[str, Any] = "", **fields: Any) -> WebhookResponse:
        client = AsyncWebhookClient(url=self.response_url or "", session=self.session)
        if isinstance(text, dict):
            return await client.send_dict(text)
        return await client.send_dict({"text": text, **{k: v for k, v in fields.items() if v is not None}})
