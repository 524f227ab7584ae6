"""Who may change an item: its owners, NLS leads and admins may update it; only leads and admins add
or drop one; a dropped item is closed for good. Every path that changes an item (a button, a
modal, the shell) asks here, so whatever someone pressed, the answer is the same."""

from __future__ import annotations

from bot.services.errors import Conflict, NotAllowed
from bot.services.members import Member
from bot.services.plans.fields import PlanField
from bot.services.plans.items import Item
from models.plans import ItemStatus


def may_update(actor: Member | None, item: Item) -> bool:
    return actor is not None and (item.owned_by(actor) or actor.is_lead_or_admin)


def require_planner(actor: Member | None) -> Member:
    """Adding items (and dropping them) is for NLS leads and admins."""
    if actor is None or not actor.is_lead_or_admin:
        raise NotAllowed("plans.errors.add_needs_lead")
    return actor


def check_may_update(actor: Member | None, item: Item, *, field: PlanField | None = None) -> None:
    """Refuse anyone who may not update `item`, and everyone once it is dropped (`field`: the input
    the refusal is shown next to, when it answers a form)."""
    if not may_update(actor, item):
        raise NotAllowed("plans.errors.not_yours", field=field)
    if item.status is ItemStatus.DROPPED:
        raise Conflict("plans.errors.dropped", field=field)
