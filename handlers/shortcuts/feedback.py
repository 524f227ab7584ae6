"""The global shortcut "Share feedback" (declared in manifest.yml): the feedback modal from
anywhere in Slack."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from handlers.context import Ctx
from handlers.support import domain_errors
from handlers.views.feedback import open_feedback_modal


def register(app: AsyncApp) -> None:
    app.shortcut(ids.SHORTCUT_SHARE_FEEDBACK)(on_share_feedback)


@domain_errors
async def on_share_feedback(ack: Any, body: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await ack()
    await open_feedback_modal(client, body["trigger_id"], nls)
