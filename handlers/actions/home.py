"""App Home buttons that belong to the Home itself: the language toggle."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.services import prefs
from handlers.context import Ctx
from handlers.home import publish_home
from handlers.support import domain_errors


@domain_errors
async def on_language(ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await ack()
    user_id = body["user"]["id"]
    async with nls.deps.db.transaction() as session:
        await prefs.choose_locale(session, user_id, action.get("value", ""))
    await publish_home(nls.deps, client, user_id)


def register(app: AsyncApp) -> None:
    app.action(re.compile(f"^{ids.HOME_LANG}_(en|fr)$"))(on_language)
