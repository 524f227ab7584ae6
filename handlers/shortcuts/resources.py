"""The message shortcut "Save as NLS resource": the add form, prefilled from the message."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.blocks import resource_sources as source_blocks
from bot.blocks import resources as blocks
from bot.services import resources
from bot.services.resources.sources import Source
from handlers.context import Ctx
from handlers.support import domain_errors


def register(app: AsyncApp) -> None:
    app.message_shortcut(ids.SHORTCUT_SAVE_RESOURCE)(on_save_message)


@domain_errors
async def on_save_message(ack: Any, body: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await ack()
    resources.require_contributor(nls.actor)
    message = body.get("message") or {}
    values = blocks.values_from_message(message)
    channel_id, message_ts = (body.get("channel") or {}).get("id"), message.get("ts") or body.get("message_ts")
    metadata = None
    if channel_id and message_ts:  # the resource will follow the message (bot.services.resources.sources)
        metadata = source_blocks.source_metadata(Source.of_message(str(channel_id), str(message_ts), values))
    view = blocks.form_view(nls.t, values=values, owner_id=body["user"]["id"], metadata=metadata)
    await client.views_open(trigger_id=body["trigger_id"], view=view)
