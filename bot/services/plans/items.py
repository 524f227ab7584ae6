"""An action item as the rest of the bot sees it: frozen snapshots (`Item` and the parts it is made
of) that stay safe to render after the session has closed, how they are read, and the fiscal year
an item falls in."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services.errors import NotFound
from bot.services.members import Member
from models import Person
from models.plans import OPEN_STATUSES, ActionItem, ActionItemOwner, ItemStatus, PlanObjective

YEAR = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Bilingual:
    en: str
    fr: str

    def in_(self, locale: str) -> str:
        return self.fr if locale == "fr" else self.en


@dataclass(frozen=True)
class ObjectiveRef:
    id: int
    direction: int
    number: int
    text: Bilingual

    @property
    def code(self) -> str:
        return f"{self.direction}.{self.number}"


@dataclass(frozen=True)
class Owner:
    person_id: int
    slack_user_id: str
    name: str


@dataclass(frozen=True)
class Note:
    at: datetime
    author: str | None
    status: ItemStatus
    percent: int
    text: str | None


@dataclass(frozen=True)
class Item:
    """An action item as of one read, safe to render after the session has closed."""

    id: int
    title: str
    objective: ObjectiveRef
    year: str
    owners: tuple[Owner, ...]
    working_group: str | None
    start: date
    due: date
    status: ItemStatus
    percent: int
    notes: tuple[Note, ...] = ()  # the newest few, oldest first, when the caller asked for them

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due < today

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def owned_by(self, member: Member | None) -> bool:
        return member is not None and any(o.person_id == member.person_id for o in self.owners)


ITEM_LOAD = (
    selectinload(ActionItem.owners).selectinload(ActionItemOwner.person),
    selectinload(ActionItem.objective).selectinload(PlanObjective.direction),
)


def objective_ref(objective: PlanObjective) -> ObjectiveRef:
    return ObjectiveRef(
        id=objective.id,
        direction=objective.direction.number,
        number=objective.number,
        text=Bilingual(objective.text_en, objective.text_fr),
    )


def to_item(row: ActionItem, *, notes: int = 0) -> Item:
    """Snapshot an item loaded with `ITEM_LOAD` (and its notes, when `notes` > 0)."""
    owners = sorted(
        (Owner(o.person.id, o.person.slack_user_id, o.person.name) for o in row.owners), key=lambda o: o.name
    )
    return Item(
        id=row.id,
        title=row.title,
        objective=objective_ref(row.objective),
        year=row.year,
        owners=tuple(owners),
        working_group=row.working_group,
        start=row.start_date,
        due=row.due_date,
        status=row.status,
        percent=row.percent,
        notes=tuple(Note(n.at, n.author, n.status, n.percent, n.text) for n in row.notes[-notes:]) if notes else (),
    )


def fiscal_year(day: date) -> str:
    """The annual action plan a date falls in: the federal fiscal year, April to March."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


async def item_row(session: AsyncSession, item_id: int, *, notes: bool = False) -> ActionItem:
    """The row a change starts from (services only: callers get `Item` snapshots)."""
    options = [*ITEM_LOAD, selectinload(ActionItem.notes)] if notes else list(ITEM_LOAD)
    # populate_existing: an item added in this session is loaded again, relationships and all
    query = select(ActionItem).where(ActionItem.id == item_id).options(*options)
    row = (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()
    if row is None:
        raise NotFound("plans.errors.no_item")
    return row


async def my_items(session: AsyncSession, *, actor: Member) -> list[Item]:
    """The caller's items (dropped ones left out), soonest due first."""
    rows = await session.execute(
        select(ActionItem)
        .join(ActionItemOwner)
        .where(ActionItemOwner.person_id == actor.person_id, ActionItem.status != ItemStatus.DROPPED)
        .options(*ITEM_LOAD)
        .order_by(ActionItem.due_date, ActionItem.id)
    )
    return [to_item(row) for row in rows.scalars()]


async def active_people(session: AsyncSession, slack_user_ids: Iterable[str]) -> dict[str, Person]:
    """Active people of the directory among these Slack ids (unknown ones are simply absent): who
    may own an item, whether added in the Add modal or by a plan file."""
    wanted = list(set(slack_user_ids))
    if not wanted:
        return {}
    rows = await session.execute(select(Person).where(Person.slack_user_id.in_(wanted), Person.active))
    return {p.slack_user_id: p for p in rows.scalars()}
