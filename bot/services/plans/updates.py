"""Progress updates: what an owner (or a lead) types into the Update modal, checked field by field,
and the update itself, logged as a note. "Done" means 100 %; a note is at most `NOTE_LIMIT`
characters, refused rather than cut."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.errors import Invalid, NotAllowed
from bot.services.members import Member
from bot.services.plans.access import check_may_update
from bot.services.plans.fields import PlanField
from bot.services.plans.items import Item, item_row, to_item
from models.plans import ActionItemNote, ItemStatus

NOTE_LIMIT = 3000  # Slack's own limit for a text input; a longer note is refused, never cut


@dataclass(frozen=True)
class ItemUpdate:
    status: ItemStatus
    percent: int
    note: str | None


def _percent(raw: str | int | None) -> int:
    text = str(raw if raw is not None else "").strip().removesuffix("%").strip()
    if not re.fullmatch(r"-?\d{1,4}", text):
        raise Invalid("plans.errors.percent_number", field=PlanField.PERCENT)
    value = int(text)
    if not 0 <= value <= 100:
        raise Invalid("plans.errors.percent_range", field=PlanField.PERCENT, value=value)
    return value


def parse_update(*, status: str | None, percent: str | int | None, note: str | None) -> ItemUpdate:
    """What someone typed into the Update modal, checked field by field."""
    try:
        chosen = ItemStatus(status or "")
    except ValueError:
        raise Invalid("plans.errors.status", field=PlanField.STATUS) from None
    text = (note or "").strip() or None
    if text is not None and len(text) > NOTE_LIMIT:
        raise Invalid("plans.errors.note_too_long", field=PlanField.NOTE, limit=NOTE_LIMIT, length=len(text))
    return ItemUpdate(status=chosen, percent=_percent(percent), note=text)


async def item_for_update(session: AsyncSession, *, actor: Member | None, item_id: int) -> Item:
    """The item someone pressed *Update* on, with its latest notes, if they may update it."""
    item = to_item(await item_row(session, item_id, notes=True), notes=3)
    check_may_update(actor, item)
    return item


async def update_item(
    session: AsyncSession, *, actor: Member | None, item_id: int, update: ItemUpdate, now: datetime
) -> Item:
    """Set an item's status and progress and log the note. "Done" means 100 %."""
    row = await item_row(session, item_id)
    item = to_item(row)
    check_may_update(actor, item, field=PlanField.STATUS)
    assert actor is not None
    if update.status is ItemStatus.DROPPED and not actor.is_lead_or_admin:
        raise NotAllowed("plans.errors.drop_needs_lead", field=PlanField.STATUS)
    percent = 100 if update.status is ItemStatus.DONE else update.percent
    row.status, row.percent, row.updated_at = update.status, percent, now
    session.add(
        ActionItemNote(
            item_id=row.id, at=now, author=actor.slack_user_id, status=update.status, percent=percent, text=update.note
        )
    )
    await audit.record(
        session, at=now, actor=actor.slack_user_id, action="plan.item_updated", subject_type="action_item",
        subject_id=row.id, status=update.status.value, percent=percent,
    )  # fmt: skip
    return replace(item, status=update.status, percent=percent)
