"""The Update and Add modals. What was typed is checked by the service before the acknowledgement,
so a problem shows inline next to its input, with everything typed still there; once saved, the
modal turns into a confirmation and the Homes of the people concerned are refreshed."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.blocks import plans as plan_blocks
from bot.services import plans
from bot.services.errors import NotFound
from handlers.context import Ctx
from handlers.home import refresh_homes
from handlers.support import form_errors


def _state(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    """The submitted value of one input (blocks and actions share their id in plan modals)."""
    return ((view.get("state") or {}).get("values") or {}).get(block_id, {}).get(block_id) or {}


def _text(view: dict[str, Any], block_id: str) -> str | None:
    return _state(view, block_id).get("value")


def _choice(view: dict[str, Any], block_id: str) -> str | None:
    return (_state(view, block_id).get("selected_option") or {}).get("value")


@form_errors(fields=plan_blocks.FIELD_BLOCKS)
async def on_update_submit(
    ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, nls: Ctx
) -> None:
    update = plans.parse_update(
        status=_choice(view, ids.PLAN_STATUS), percent=_text(view, ids.PLAN_PERCENT), note=_text(view, ids.PLAN_NOTE)
    )
    metadata = str(view.get("private_metadata") or "")
    if not metadata.isdigit():
        raise NotFound("plans.errors.no_item")
    deps = nls.deps
    async with deps.db.transaction() as session:
        item = await plans.update_item(session, actor=nls.actor, item_id=int(metadata), update=update, now=deps.now())
    await _saved(ack, client, nls, item)


@form_errors(fields=plan_blocks.FIELD_BLOCKS)
async def on_add_submit(ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    draft = plans.parse_draft(
        objective=_choice(view, ids.PLAN_OBJECTIVE),
        title=_text(view, ids.PLAN_TITLE),
        owners=_state(view, ids.PLAN_OWNERS).get("selected_users") or [],
        working_group=_text(view, ids.PLAN_WORKING_GROUP),
        start=_state(view, ids.PLAN_START).get("selected_date"),
        due=_state(view, ids.PLAN_DUE).get("selected_date"),
    )
    deps = nls.deps
    async with deps.db.transaction() as session:
        item = await plans.add_item(session, actor=nls.actor, draft=draft, now=deps.now())
    await _saved(ack, client, nls, item, added=True)


async def _saved(ack: Any, client: AsyncWebClient, nls: Ctx, item: plans.Item, *, added: bool = False) -> None:
    today = nls.deps.now().astimezone(nls.deps.settings.timezone).date()
    await ack(response_action="update", view=plan_blocks.done_view(item, nls.t, today, added=added))
    concerned = [o.slack_user_id for o in item.owners] + ([nls.user_id] if nls.user_id else [])
    await refresh_homes(nls.deps, client, concerned)


async def on_done(ack: Any) -> None:
    """The confirmation has no submit button in Slack; the local shell may still submit it."""
    await ack()


def register(app: AsyncApp) -> None:
    app.view(ids.PLAN_UPDATE_FORM)(on_update_submit)
    app.view(ids.PLAN_ADD_FORM)(on_add_submit)
    app.view(ids.PLAN_DONE)(on_done)
