"""Adding an action item from Slack: what a lead types into the Add modal, checked field by field,
and the item it becomes. Only leads and admins add items (`access.require_planner`); every owner
must be an active person of the directory. The limits here hold for plan files too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.errors import Invalid, Mentions, NotFound
from bot.services.members import Member
from bot.services.plans.access import require_planner
from bot.services.plans.fields import PlanField
from bot.services.plans.items import Item, active_people, fiscal_year, item_row, to_item
from models.plans import ActionItem, ActionItemOwner, ItemStatus, PlanObjective

TITLE_LIMIT = 300
GROUP_LIMIT = 200
MAX_OWNERS = 10


@dataclass(frozen=True)
class ItemDraft:
    objective_id: int
    title: str
    owners: tuple[str, ...]  # Slack user ids
    working_group: str | None
    start: date
    due: date


def _date(raw: str | None, field: PlanField) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise Invalid("plans.errors.date", field=field) from None


def _text(raw: str | None, *, field: PlanField, limit: int, required: bool) -> str | None:
    text = " ".join((raw or "").split())
    if required and not text:
        raise Invalid("plans.errors.required", field=field)
    if len(text) > limit:
        raise Invalid("plans.errors.too_long", field=field, limit=limit, length=len(text))
    return text or None


def parse_draft(
    *,
    objective: str | None,
    title: str | None,
    owners: Sequence[str],
    working_group: str | None,
    start: str | None,
    due: str | None,
) -> ItemDraft:
    """What a lead typed into the Add modal, checked field by field."""
    if not (objective or "").isdigit():
        raise Invalid("plans.errors.objective", field=PlanField.OBJECTIVE)
    owners = tuple(dict.fromkeys(owners))
    if not owners:
        raise Invalid("plans.errors.no_owner", field=PlanField.OWNERS)
    if len(owners) > MAX_OWNERS:
        raise Invalid("plans.errors.too_many_owners", field=PlanField.OWNERS, limit=MAX_OWNERS)
    start_day, due_day = _date(start, PlanField.START), _date(due, PlanField.DUE)
    if due_day < start_day:
        raise Invalid("plans.errors.due_before_start", field=PlanField.DUE)
    return ItemDraft(
        objective_id=int(objective or 0),
        title=_text(title, field=PlanField.TITLE, limit=TITLE_LIMIT, required=True) or "",
        owners=owners,
        working_group=_text(working_group, field=PlanField.WORKING_GROUP, limit=GROUP_LIMIT, required=False),
        start=start_day,
        due=due_day,
    )


async def add_item(session: AsyncSession, *, actor: Member | None, draft: ItemDraft, now: datetime) -> Item:
    require_planner(actor)
    assert actor is not None
    objective = await session.get(PlanObjective, draft.objective_id)
    if objective is None:
        raise NotFound("plans.errors.objective", field=PlanField.OBJECTIVE)
    people = await active_people(session, draft.owners)
    unknown = [uid for uid in draft.owners if uid not in people]
    if unknown:
        raise Invalid("plans.errors.unknown_owner", field=PlanField.OWNERS, users=Mentions(unknown))
    row = ActionItem(
        objective_id=objective.id, year=fiscal_year(draft.start), title=draft.title,
        working_group=draft.working_group, start_date=draft.start, due_date=draft.due, status=ItemStatus.NOT_STARTED,
        percent=0, created_by=actor.slack_user_id, created_at=now, updated_at=now,
        owners=[ActionItemOwner(person_id=people[uid].id, added_at=now) for uid in draft.owners],
    )  # fmt: skip
    session.add(row)
    await session.flush()
    await audit.record(
        session, at=now, actor=actor.slack_user_id, action="plan.item_added", subject_type="action_item",
        subject_id=row.id,
    )  # fmt: skip
    return to_item(await item_row(session, row.id))
