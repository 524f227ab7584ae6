"""Buttons on an action item (in `/nls plan`, a reminder, a lead's digest, the Home): *Update*
opens the modal; *Snooze* pauses the presser's own reminders for a day or a week. Whoever presses,
the service decides whether they may."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.blocks import plans as plan_blocks
from bot.services import plans
from bot.services.errors import NotFound
from handlers.context import Ctx
from handlers.support import domain_errors, tell

SNOOZE_DAYS = {ids.PLAN_SNOOZE_1D: 1, ids.PLAN_SNOOZE_7D: 7}


def item_id(action: dict[str, Any]) -> int:
    """Button values carry the item id only."""
    value = str(action.get("value") or "")
    if not value.isdigit():
        raise NotFound("plans.errors.no_item")
    return int(value)


@domain_errors
async def on_update(ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await ack()
    deps = nls.deps
    async with deps.db.reader() as session:
        item = await plans.item_for_update(session, actor=nls.actor, item_id=item_id(action))
    today = deps.now().astimezone(deps.settings.timezone).date()
    can_drop = nls.actor is not None and nls.actor.is_lead_or_admin
    await client.views_open(
        trigger_id=body["trigger_id"], view=plan_blocks.update_modal(item, nls.t, today, can_drop=can_drop)
    )


@domain_errors
async def on_snooze(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    await ack()
    deps = nls.deps
    async with deps.db.transaction() as session:
        snoozed = await plans.snooze(
            session, actor=nls.actor, item_id=item_id(action), days=SNOOZE_DAYS[action["action_id"]], now=deps.now()
        )
    await tell(body, client, plan_blocks.snoozed_text(snoozed, nls.t), respond=respond)


def register(app: AsyncApp) -> None:
    app.action(ids.PLAN_UPDATE)(on_update)
    for action_id in SNOOZE_DAYS:
        app.action(action_id)(on_snooze)
