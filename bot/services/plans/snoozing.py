"""Snoozing: an owner pauses their own reminders for an item for a day or a week (the reminders
themselves are worked out in `bot.services.digest`). What falls due meanwhile comes after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import Conflict, Invalid, NotAllowed
from bot.services.members import Member
from bot.services.plans.items import Item, item_row, to_item
from models.plans import ItemStatus

SNOOZE_DAYS = (1, 7)


@dataclass(frozen=True)
class Snoozed:
    item: Item
    days: int
    until: datetime


async def snooze(session: AsyncSession, *, actor: Member | None, item_id: int, days: int, now: datetime) -> Snoozed:
    """Pause the actor's own reminders for an item; what falls due meanwhile comes after."""
    if days not in SNOOZE_DAYS:
        raise Invalid("plans.errors.snooze_days")
    row = await item_row(session, item_id)
    item = to_item(row)
    mine = next((o for o in row.owners if actor is not None and o.person_id == actor.person_id), None)
    if mine is None:
        raise NotAllowed("plans.errors.snooze_not_owner")
    if item.status is ItemStatus.DROPPED:
        raise Conflict("plans.errors.dropped")
    if item.status is ItemStatus.DONE:
        raise Conflict("plans.errors.done_no_reminders")
    mine.snoozed_until = now + timedelta(days=days)
    return Snoozed(item=item, days=days, until=mine.snoozed_until)
