"""The real app behind uvicorn on a loopback port, spoken to over HTTP: the `bot` fixture, and a
second process's worth of app (its own Deps, the same database) for tests of a restart."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn

from bot.app import build_app
from bot.deps import Deps
from bot.runtime import Background
from bot.slack.localslack.server import LocalSlack
from bot.transport.web import create_web_app
from tests.support.slackbot import BotClient


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def serving(deps: Deps, slack: LocalSlack) -> AsyncIterator[BotClient]:
    app = build_app(deps)
    web = create_web_app(deps, app, Background(deps, app.client, scheduler=False))
    sock = _free_socket()
    server = uvicorn.Server(uvicorn.Config(web, log_config=None, access_log=False, lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        port = sock.getsockname()[1]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            yield BotClient(http=http, slack=slack)
    finally:
        server.should_exit = True
        await task
        sock.close()
