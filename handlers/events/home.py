"""`app_home_opened`: publish the person's Home, and welcome them the first time."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from handlers.context import Ctx
from handlers.home import publish_home, welcome_if_first
from handlers.support import take_turn


async def on_home_opened(ack: Any, event: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await take_turn(ack)
    user_id = event["user"]
    if event.get("tab", "home") == "home":
        await publish_home(nls.deps, client, user_id, nls.t)
    await welcome_if_first(nls.deps, client, user_id, nls.t)


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(on_home_opened)
