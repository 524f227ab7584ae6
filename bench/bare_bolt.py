"""The floor: a bare Bolt AsyncApp behind the same Starlette adapter and uvicorn, whose listeners
only acknowledge. Whatever the bot costs above this is ours.

One listener of each kind bench.scenarios sends (`KINDS`: command, action, view submission,
event), so each scenario's ratio sets the bot beside Bolt doing the same kind of work: an event
is acknowledged by Bolt before its listener runs, a command or an action by the listener, and
each kind is parsed and matched its own way. It imports nothing of the bot's, so that its
memory and start-up are Bolt's alone."""

from __future__ import annotations

import argparse
import re
from typing import Any

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def build(secret: str, api_url: str) -> Starlette:
    app = AsyncApp(client=AsyncWebClient(token="xoxb-bench", base_url=api_url), signing_secret=secret)

    async def just_ack(ack: Any) -> None:
        await ack()

    app.command("/nls")(just_ack)
    app.action(re.compile(".*"))(just_ack)
    app.view(re.compile(".*"))(just_ack)
    app.event(re.compile(".*"))(just_ack)
    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    uvicorn.run(build(args.secret, args.api_url), host="127.0.0.1", port=args.port, log_level="warning")
