"""App Home buttons that belong to the Home itself: the language toggle and the quick buttons
(New poll, Add resource; Share feedback is the feedback feature's own button)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.blocks import polls as poll_blocks
from bot.blocks import resources as resource_blocks
from bot.services import members, prefs
from bot.services.errors import NotInDirectory
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


@domain_errors
async def on_new_poll(ack: Any, body: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    """The same form as `/nls poll`; from the Home there is no current channel, so it asks."""
    await ack()
    view = poll_blocks.create_modal(nls.t, channel_id=None, now=nls.deps.now())
    await client.views_open(trigger_id=body["trigger_id"], view=view)


@domain_errors
async def on_add_resource(ack: Any, body: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    """The same form as `/nls resource add`, for members of the directory."""
    await ack()
    if nls.actor is None:
        async with nls.deps.db.reader() as session:
            raise NotInDirectory(contacts=await members.directory_contacts(session))
    view = resource_blocks.form_view(nls.t, values={}, owner_id=nls.actor.slack_user_id)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: AsyncApp) -> None:
    app.action(re.compile(f"^{ids.HOME_LANG}_(en|fr)$"))(on_language)
    app.action(ids.HOME_NEW_POLL)(on_new_poll)
    app.action(ids.HOME_ADD_RESOURCE)(on_add_resource)
