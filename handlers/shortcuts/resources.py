"""The message shortcut "Save as NLS resource": the add form, prefilled from the message."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.blocks import resources as blocks
from bot.services import resources
from handlers.context import Ctx
from handlers.support import domain_errors


def register(app: AsyncApp) -> None:
    app.message_shortcut(ids.SHORTCUT_SAVE_RESOURCE)(on_save_message)


@domain_errors
async def on_save_message(ack: Any, body: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await ack()
    resources.require_contributor(nls.actor)
    values = blocks.values_from_message(body.get("message") or {})
    view = blocks.form_view(nls.t, values=values, owner_id=body["user"]["id"])
    await client.views_open(trigger_id=body["trigger_id"], view=view)
