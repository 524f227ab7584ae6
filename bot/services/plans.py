"""Action plans: the strategic plan's directions and objectives, the annual action items that serve
them, who may change an item, and progress by direction and objective.

Every rule lives here, so a button, a modal, a job, the CLI and the shell share one check:
- an item's owners, NLS leads and admins may update it; anyone else gets a clear no, whatever
  button they pressed;
- only leads and admins add items or drop one; a dropped item is closed for good (add it again
  rather than resurrect it, so the log of what was decided stays true);
- "done" means 100 %; a progress note is at most `NOTE_LIMIT` characters; dates are in order.

Form errors name the modal input they belong to (`field=`), so the person sees them inline with
everything they typed still in place. Their parameters never carry user-written text (an item's
title could hold `<!channel>`); the person knows which item they pressed. The scheduled side (reminders, digests, the network
update) is in `bot.services.digest`; the plan's contributions to the digest and the Home are at
the end of this module.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.blocks import ids
from bot.services import audit
from bot.services.contributions import Fact, HomeAction, NeedsYou, Section, digest_section, lead_stats, needs_you
from bot.services.errors import Conflict, ImportFailed, Invalid, Mentions, NotAllowed, NotFound, RowError
from bot.services.members import SLACK_USER_ID, Member
from models import Person
from models.plans import (
    OPEN_STATUSES,
    ActionItem,
    ActionItemNote,
    ActionItemOwner,
    ItemStatus,
    PlanDirection,
    PlanObjective,
)

NOTE_LIMIT = 3000  # Slack's own limit for a text input; a longer note is refused, never cut
TITLE_LIMIT = 300
GROUP_LIMIT = 200
MAX_OWNERS = 10
SNOOZE_DAYS = (1, 7)
DUE_SOON_DAYS = 14  # "due soon" in digests and the Home
YEAR = re.compile(r"^(\d{4})-(\d{2})$")


# --- snapshots -------------------------------------------------------------------------------


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


def _objective_ref(objective: PlanObjective) -> ObjectiveRef:
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
        objective=_objective_ref(row.objective),
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


# --- permissions -----------------------------------------------------------------------------


def may_update(actor: Member | None, item: Item) -> bool:
    return actor is not None and (item.owned_by(actor) or actor.is_lead_or_admin)


def require_planner(actor: Member | None) -> Member:
    """Adding items (and dropping them) is for NLS leads and admins."""
    if actor is None or not actor.is_lead_or_admin:
        raise NotAllowed("plans.errors.add_needs_lead")
    return actor


def _check_may_update(actor: Member | None, item: Item, *, field: str | None = None) -> None:
    if not may_update(actor, item):
        raise NotAllowed("plans.errors.not_yours", field=field)
    if item.status is ItemStatus.DROPPED:
        raise Conflict("plans.errors.dropped", field=field)


# --- reading ---------------------------------------------------------------------------------


async def _item_row(session: AsyncSession, item_id: int, *, notes: bool = False) -> ActionItem:
    options = [*ITEM_LOAD, selectinload(ActionItem.notes)] if notes else list(ITEM_LOAD)
    # populate_existing: an item added in this session is loaded again, relationships and all
    query = select(ActionItem).where(ActionItem.id == item_id).options(*options)
    row = (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()
    if row is None:
        raise NotFound("plans.errors.no_item")
    return row


async def item_for_update(session: AsyncSession, *, actor: Member | None, item_id: int) -> Item:
    """The item someone pressed *Update* on, with its latest notes, if they may update it."""
    item = to_item(await _item_row(session, item_id, notes=True), notes=3)
    _check_may_update(actor, item)
    return item


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


@dataclass(frozen=True)
class DirectionInfo:
    number: int
    title: Bilingual
    objectives: tuple[ObjectiveRef, ...]


async def current_plan(session: AsyncSession) -> str | None:
    """The strategic plan now in force: the newest one loaded (plans are named by their years)."""
    return (await session.execute(select(func.max(PlanDirection.plan)))).scalar_one_or_none()


async def directions(session: AsyncSession, plan: str | None = None) -> list[DirectionInfo]:
    plan = plan or await current_plan(session)
    rows = await session.execute(
        select(PlanDirection)
        .where(PlanDirection.plan == plan)
        .options(selectinload(PlanDirection.objectives).selectinload(PlanObjective.direction))
        .order_by(PlanDirection.number)
    )
    return [
        DirectionInfo(d.number, Bilingual(d.title_en, d.title_fr), tuple(_objective_ref(o) for o in d.objectives))
        for d in rows.scalars()
    ]


@dataclass(frozen=True)
class Tally:
    """Counts over items that still count (dropped ones do not)."""

    total: int = 0
    done: int = 0
    in_progress: int = 0
    blocked: int = 0
    not_started: int = 0
    overdue: int = 0
    percent_sum: int = 0

    @property
    def ratio(self) -> float:
        """Overall progress: the mean of the items' percentages."""
        return self.percent_sum / (100 * self.total) if self.total else 0.0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: ObjectiveRef
    tally: Tally
    items: tuple[Item, ...] = ()  # filled when one direction is asked for


@dataclass(frozen=True)
class DirectionProgress:
    number: int
    title: Bilingual
    objectives: tuple[ObjectiveProgress, ...]

    @property
    def tally(self) -> Tally:
        return sum((o.tally for o in self.objectives), Tally())


@dataclass(frozen=True)
class PlanProgress:
    plan: str | None
    years: tuple[str, ...]
    directions: tuple[DirectionProgress, ...]

    @property
    def tally(self) -> Tally:
        return sum((d.tally for d in self.directions), Tally())


def _overdue_case(today: date) -> Any:
    return case((and_(ActionItem.due_date < today, ActionItem.status.in_(OPEN_STATUSES)), 1), else_=0)


async def _tallies(session: AsyncSession, today: date, year: str | None) -> dict[int, Tally]:
    """Per objective, in one grouped query whatever the number of items."""
    query = (
        select(
            ActionItem.objective_id,
            ActionItem.status,
            func.count(),
            func.coalesce(func.sum(ActionItem.percent), 0),
            func.coalesce(func.sum(_overdue_case(today)), 0),
        )
        .where(ActionItem.status != ItemStatus.DROPPED)
        .group_by(ActionItem.objective_id, ActionItem.status)
    )
    if year:
        query = query.where(ActionItem.year == year)
    tallies: dict[int, Tally] = defaultdict(Tally)
    for objective_id, status, count, percent_sum, overdue in (await session.execute(query)).all():
        # Tally's per-status fields are named after the statuses (dropped ones are not counted)
        tallies[objective_id] += Tally(
            total=count, overdue=int(overdue), percent_sum=int(percent_sum), **{status.value: count}
        )
    return tallies


async def _items_by_objective(
    session: AsyncSession, objective_ids: Sequence[int], year: str | None
) -> dict[int, list[Item]]:
    query = (
        select(ActionItem)
        .where(ActionItem.objective_id.in_(objective_ids), ActionItem.status != ItemStatus.DROPPED)
        .options(*ITEM_LOAD)
        .order_by(ActionItem.due_date, ActionItem.id)
    )
    if year:
        query = query.where(ActionItem.year == year)
    grouped: dict[int, list[Item]] = defaultdict(list)
    for row in (await session.execute(query)).scalars():
        grouped[row.objective_id].append(to_item(row))
    return grouped


async def progress(
    session: AsyncSession, *, today: date, direction: int | None = None, year: str | None = None
) -> PlanProgress:
    """Progress of the current strategic plan by direction and objective (optionally one
    direction, with its items; optionally one annual action plan)."""
    if year is not None and not YEAR.match(year):
        raise Invalid("plans.errors.year", year=year)
    plan = await current_plan(session)
    chosen = [d for d in await directions(session, plan) if direction is None or d.number == direction]
    if direction is not None and not chosen:
        raise NotFound("plans.errors.no_direction", number=direction)
    tallies = await _tallies(session, today, year)
    items: dict[int, list[Item]] = {}
    if direction is not None:
        items = await _items_by_objective(session, [o.id for o in chosen[0].objectives], year)
    years = (await session.execute(select(ActionItem.year).distinct().order_by(ActionItem.year))).scalars()
    return PlanProgress(
        plan=plan,
        years=tuple(years),
        directions=tuple(
            DirectionProgress(
                d.number,
                d.title,
                tuple(
                    ObjectiveProgress(o, tallies.get(o.id, Tally()), tuple(items.get(o.id, ()))) for o in d.objectives
                ),
            )
            for d in chosen
        ),
    )


@dataclass(frozen=True)
class Attention:
    """Open items that need a lead's eye: overdue, blocked, or due within `DUE_SOON_DAYS`."""

    total: int
    overdue: int
    due_soon: int
    blocked: int
    items: tuple[Item, ...]  # the most urgent first, at most the `limit` asked for


def _attention_filter(today: date) -> Any:
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    return and_(
        ActionItem.status.in_(OPEN_STATUSES),
        (ActionItem.due_date <= horizon) | (ActionItem.status == ItemStatus.BLOCKED),
    )


async def attention(session: AsyncSession, *, today: date, limit: int) -> Attention:
    """Counts in one query and the first `limit` items in another, whatever the data size."""
    due_soon = and_(ActionItem.due_date >= today, ActionItem.due_date <= today + timedelta(days=DUE_SOON_DAYS))
    total, overdue, soon, blocked = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(_overdue_case(today)), 0),
                func.coalesce(func.sum(case((due_soon, 1), else_=0)), 0),
                func.coalesce(func.sum(case((ActionItem.status == ItemStatus.BLOCKED, 1), else_=0)), 0),
            ).where(_attention_filter(today))
        )
    ).one()
    items = await _first_items(session, _attention_filter(today), ActionItem.due_date, ActionItem.id, limit=limit)
    return Attention(int(total), int(overdue), int(soon), int(blocked), items)


async def completed_since(session: AsyncSession, since: datetime, *, limit: int) -> tuple[int, tuple[Item, ...]]:
    """Items marked done since `since` (how many, and the latest few)."""
    done = and_(ActionItem.status == ItemStatus.DONE, ActionItem.updated_at >= since)
    count = (await session.execute(select(func.count()).where(done))).scalar_one()
    return int(count), await _first_items(session, done, ActionItem.updated_at.desc(), limit=limit)


async def _first_items(session: AsyncSession, where: Any, *order: Any, limit: int) -> tuple[Item, ...]:
    """The first `limit` items matching `where` (no query at all when none are wanted)."""
    if limit <= 0:
        return ()
    rows = await session.execute(select(ActionItem).where(where).options(*ITEM_LOAD).order_by(*order).limit(limit))
    return tuple(to_item(row) for row in rows.scalars())


# --- changing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemUpdate:
    status: ItemStatus
    percent: int
    note: str | None


def _percent(raw: str | int | None) -> int:
    text = str(raw if raw is not None else "").strip().removesuffix("%").strip()
    if not re.fullmatch(r"-?\d{1,4}", text):
        raise Invalid("plans.errors.percent_number", field=ids.PLAN_PERCENT)
    value = int(text)
    if not 0 <= value <= 100:
        raise Invalid("plans.errors.percent_range", field=ids.PLAN_PERCENT, value=value)
    return value


def parse_update(*, status: str | None, percent: str | int | None, note: str | None) -> ItemUpdate:
    """What someone typed into the Update modal, checked field by field."""
    try:
        chosen = ItemStatus(status or "")
    except ValueError:
        raise Invalid("plans.errors.status", field=ids.PLAN_STATUS) from None
    text = (note or "").strip() or None
    if text is not None and len(text) > NOTE_LIMIT:
        raise Invalid("plans.errors.note_too_long", field=ids.PLAN_NOTE, limit=NOTE_LIMIT, length=len(text))
    return ItemUpdate(status=chosen, percent=_percent(percent), note=text)


async def update_item(
    session: AsyncSession, *, actor: Member | None, item_id: int, update: ItemUpdate, now: datetime
) -> Item:
    """Set an item's status and progress and log the note. "Done" means 100 %."""
    row = await _item_row(session, item_id)
    item = to_item(row)
    _check_may_update(actor, item, field=ids.PLAN_STATUS)
    assert actor is not None
    if update.status is ItemStatus.DROPPED and not actor.is_lead_or_admin:
        raise NotAllowed("plans.errors.drop_needs_lead", field=ids.PLAN_STATUS)
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


@dataclass(frozen=True)
class Snoozed:
    item: Item
    days: int
    until: datetime


async def snooze(session: AsyncSession, *, actor: Member | None, item_id: int, days: int, now: datetime) -> Snoozed:
    """Pause the actor's own reminders for an item; what falls due meanwhile comes after."""
    if days not in SNOOZE_DAYS:
        raise Invalid("plans.errors.snooze_days")
    row = await _item_row(session, item_id)
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


@dataclass(frozen=True)
class ItemDraft:
    objective_id: int
    title: str
    owners: tuple[str, ...]  # Slack user ids
    working_group: str | None
    start: date
    due: date


def _date(raw: str | None, field: str) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise Invalid("plans.errors.date", field=field) from None


def _text(raw: str | None, *, field: str, limit: int, required: bool) -> str | None:
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
        raise Invalid("plans.errors.objective", field=ids.PLAN_OBJECTIVE)
    owners = tuple(dict.fromkeys(owners))
    if not owners:
        raise Invalid("plans.errors.no_owner", field=ids.PLAN_OWNERS)
    if len(owners) > MAX_OWNERS:
        raise Invalid("plans.errors.too_many_owners", field=ids.PLAN_OWNERS, limit=MAX_OWNERS)
    start_day, due_day = _date(start, ids.PLAN_START), _date(due, ids.PLAN_DUE)
    if due_day < start_day:
        raise Invalid("plans.errors.due_before_start", field=ids.PLAN_DUE)
    return ItemDraft(
        objective_id=int(objective or 0),
        title=_text(title, field=ids.PLAN_TITLE, limit=TITLE_LIMIT, required=True) or "",
        owners=owners,
        working_group=_text(working_group, field=ids.PLAN_WORKING_GROUP, limit=GROUP_LIMIT, required=False),
        start=start_day,
        due=due_day,
    )


async def _people(session: AsyncSession, slack_user_ids: Iterable[str]) -> dict[str, Person]:
    """Active people of the directory among these Slack ids (unknown ones are simply absent)."""
    wanted = list(set(slack_user_ids))
    if not wanted:
        return {}
    rows = await session.execute(select(Person).where(Person.slack_user_id.in_(wanted), Person.active))
    return {p.slack_user_id: p for p in rows.scalars()}


async def add_item(session: AsyncSession, *, actor: Member | None, draft: ItemDraft, now: datetime) -> Item:
    require_planner(actor)
    assert actor is not None
    objective = await session.get(PlanObjective, draft.objective_id)
    if objective is None:
        raise NotFound("plans.errors.objective", field=ids.PLAN_OBJECTIVE)
    people = await _people(session, draft.owners)
    unknown = [uid for uid in draft.owners if uid not in people]
    if unknown:
        raise Invalid("plans.errors.unknown_owner", field=ids.PLAN_OWNERS, users=Mentions(unknown))
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
    return to_item(await _item_row(session, row.id))


# --- import ----------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TextIn(_Strict):
    en: str = Field(min_length=1, max_length=1000)
    fr: str = Field(min_length=1, max_length=1000)


class ObjectiveIn(_Strict):
    number: int = Field(ge=1, le=99)
    text: TextIn


class DirectionIn(_Strict):
    number: int = Field(ge=1, le=99)
    title: TextIn
    objectives: list[ObjectiveIn] = []


class ActionIn(_Strict):
    ref: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
    objective: str = Field(pattern=r"^\d{1,2}\.\d{1,2}$")
    title: str = Field(min_length=1, max_length=TITLE_LIMIT)
    owners: list[str] = Field(min_length=1, max_length=MAX_OWNERS)
    working_group: str | None = Field(default=None, max_length=GROUP_LIMIT)
    start: date
    due: date
    year: str | None = Field(default=None, pattern=YEAR.pattern)
    status: ItemStatus = ItemStatus.NOT_STARTED
    percent: int = Field(default=0, ge=0, le=100)

    @field_validator("owners")
    @classmethod
    def _slack_ids(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not SLACK_USER_ID.match(v)]
        if bad:
            raise ValueError(f"{', '.join(bad)} is not a Slack user id (like U012AB3CD)")
        return value

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        return value.strip().lower().replace(" ", "_").replace("-", "_") if isinstance(value, str) else value


class PlanIn(_Strict):
    plan: str = Field(pattern=r"^\d{4}-\d{4}$")
    directions: list[DirectionIn] = []
    actions: list[ActionIn] = []


class PlanImportFailed(ImportFailed):
    key = "plans.import_failed"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0

    def __str__(self) -> str:
        return f"{self.created} new, {self.updated} updated"


@dataclass
class PlanImportReport:
    plan: str
    directions: Counts = field(default_factory=Counts)
    objectives: Counts = field(default_factory=Counts)
    actions: Counts = field(default_factory=Counts)

    def __str__(self) -> str:
        return (
            f"strategic plan {self.plan}: directions {self.directions}; objectives {self.objectives}; "
            f"action items {self.actions}"
        )


DocPath = tuple[str | int, ...]
Locate = Callable[[DocPath], int]


def _validation_errors(exc: ValidationError, locate: Locate) -> list[RowError]:
    errors = []
    for err in exc.errors():
        path = tuple(err["loc"])
        where = ".".join(str(p) for p in path)
        errors.append(RowError(locate(path), f"{where}: {str(err['msg']).removeprefix('Value error, ')}"))
    return errors


def _duplicates(values: Iterable[Any]) -> set[Any]:
    return {value for value, n in Counter(values).items() if n > 1}


def _structure_errors(doc: PlanIn, locate: Locate) -> list[RowError]:
    errors = []
    for n in _duplicates(d.number for d in doc.directions):
        errors.append(RowError(locate(("directions",)), f"direction {n} appears twice"))
    for i, d in enumerate(doc.directions):
        for n in _duplicates(o.number for o in d.objectives):
            errors.append(RowError(locate(("directions", i)), f"objective {d.number}.{n} appears twice"))
    for ref in _duplicates(a.ref for a in doc.actions):
        errors.append(RowError(locate(("actions",)), f"action item ref {ref!r} appears twice"))
    return errors


async def _action_errors(
    session: AsyncSession, doc: PlanIn, known_objectives: set[str], locate: Locate
) -> tuple[list[RowError], dict[str, Person]]:
    people = await _people(session, (uid for a in doc.actions for uid in a.owners))
    errors = []
    for i, action in enumerate(doc.actions):
        if action.objective not in known_objectives:
            errors.append(
                RowError(locate(("actions", i, "objective")), f"actions.{i}.objective: no objective {action.objective}")
            )
        unknown = [uid for uid in action.owners if uid not in people]
        if unknown:
            errors.append(
                RowError(
                    locate(("actions", i, "owners")),
                    f"actions.{i}.owners: {', '.join(unknown)} not in the member directory",
                )
            )
        if action.due < action.start:
            errors.append(RowError(locate(("actions", i, "due")), f"actions.{i}.due: {action.due} is before start"))
    return errors, people


async def _upsert_structure(session: AsyncSession, doc: PlanIn, report: PlanImportReport) -> dict[str, PlanObjective]:
    """Directions and objectives by number; those the file does not mention are left alone."""
    existing = {
        d.number: d
        for d in (
            await session.execute(
                select(PlanDirection)
                .where(PlanDirection.plan == doc.plan)
                .options(selectinload(PlanDirection.objectives))
            )
        ).scalars()
    }
    for d_in in doc.directions:
        direction = existing.get(d_in.number)
        if direction is None:
            direction = PlanDirection(plan=doc.plan, number=d_in.number, title_en="", title_fr="", objectives=[])
            session.add(direction)
            existing[d_in.number] = direction
            report.directions.created += 1
        elif (direction.title_en, direction.title_fr) != (d_in.title.en, d_in.title.fr):
            report.directions.updated += 1
        direction.title_en, direction.title_fr = d_in.title.en, d_in.title.fr
        objectives = {o.number: o for o in direction.objectives}
        for o_in in d_in.objectives:
            objective = objectives.get(o_in.number)
            if objective is None:
                objective = PlanObjective(number=o_in.number, text_en="", text_fr="")
                direction.objectives.append(objective)
                report.objectives.created += 1
            elif (objective.text_en, objective.text_fr) != (o_in.text.en, o_in.text.fr):
                report.objectives.updated += 1
            objective.text_en, objective.text_fr = o_in.text.en, o_in.text.fr
    await session.flush()
    return {f"{d.number}.{o.number}": o for d in existing.values() for o in d.objectives}


def _apply_action(row: ActionItem, action: ActionIn, objective: PlanObjective) -> bool:
    """Set the file's definition of an item on `row`; True if anything changed. Progress (status,
    percent, notes) belongs to the people doing the work and is only set when the item is new."""
    values = {
        "objective_id": objective.id,
        "year": action.year or fiscal_year(action.start),
        "title": action.title,
        "working_group": action.working_group,
        "start_date": action.start,
        "due_date": action.due,
    }
    changed = any(getattr(row, k) != v for k, v in values.items())
    for key, value in values.items():
        setattr(row, key, value)
    return changed


def _apply_owners(row: ActionItem, owner_ids: Sequence[str], people: Mapping[str, Person], now: datetime) -> bool:
    """The file is authoritative for owners; an owner who stays keeps their snooze."""
    wanted = {people[uid].id for uid in owner_ids}
    current = {o.person_id for o in row.owners}
    if wanted == current:
        return False
    row.owners = [o for o in row.owners if o.person_id in wanted] + [
        ActionItemOwner(person_id=pid, added_at=now) for pid in sorted(wanted - current)
    ]
    return True


async def import_plan(
    session: AsyncSession, data: Any, *, now: datetime, locate: Locate = lambda path: 0
) -> PlanImportReport:
    """Load a strategic plan and action items from a parsed YAML document, all or nothing.

    Directions and objectives are matched by number and action items by `ref`, so importing the
    same file again changes nothing. `locate` maps a path in the document to its line number,
    so every error names the line to fix.
    """
    try:
        doc = PlanIn.model_validate(data if isinstance(data, dict) else {})
    except ValidationError as exc:
        raise PlanImportFailed(_validation_errors(exc, locate)) from None
    errors = _structure_errors(doc, locate)
    existing = {o.code for d in await directions(session, doc.plan) for o in d.objectives}
    in_file = {f"{d.number}.{o.number}" for d in doc.directions for o in d.objectives}
    action_errors, people = await _action_errors(session, doc, existing | in_file, locate)
    errors += action_errors
    if errors:
        raise PlanImportFailed(sorted(errors, key=lambda e: e.line))
    report = PlanImportReport(plan=doc.plan)
    objectives = await _upsert_structure(session, doc, report)
    refs = [a.ref for a in doc.actions]
    rows = {
        r.ref: r
        for r in (
            await session.execute(
                select(ActionItem).where(ActionItem.ref.in_(refs)).options(selectinload(ActionItem.owners))
            )
        ).scalars()
    }
    for action in doc.actions:
        row = rows.get(action.ref)
        if row is None:
            row = ActionItem(
                ref=action.ref, status=action.status, percent=100 if action.status is ItemStatus.DONE else action.percent,
                created_at=now, updated_at=now, owners=[],
            )  # fmt: skip
            session.add(row)
            report.actions.created += 1
            _apply_action(row, action, objectives[action.objective])
            _apply_owners(row, action.owners, people, now)
            continue
        changed = _apply_action(row, action, objectives[action.objective])
        if _apply_owners(row, action.owners, people, now) or changed:
            row.updated_at = now
            report.actions.updated += 1
    await session.flush()
    return report


# --- contributions to the digest and the Home ------------------------------------------------


async def _has_items(session: AsyncSession) -> bool:
    return (await session.execute(select(ActionItem.id).limit(1))).first() is not None


@digest_section
async def digest_facts(session: AsyncSession, since: datetime, now: datetime) -> Section | None:
    """The plan's headline numbers for the leads' digest (the digest itself lists the items,
    each with its Update button, and the progress by direction)."""
    if not await _has_items(session):
        return None
    found = await attention(session, today=now.date(), limit=0)
    completed, _ = await completed_since(session, since, limit=0)
    notes = (await session.execute(select(func.count()).where(ActionItemNote.at >= since))).scalar_one()
    return Section(
        order=10,
        title=Fact("plans.section.title"),
        headline=(
            Fact("plans.section.overdue", {"count": found.overdue}),
            Fact("plans.section.due_soon", {"count": found.due_soon, "days": DUE_SOON_DAYS}),
            Fact("plans.section.blocked", {"count": found.blocked}),
        ),
        details=(
            Fact("plans.section.completed", {"count": completed}),
            Fact("plans.section.updates", {"count": int(notes)}),
        ),
        more=Fact("plans.section.more"),
    )


@lead_stats
async def lead_numbers(session: AsyncSession, now: datetime) -> Section | None:
    """The plan at a glance on a lead's Home: overall progress, overdue, and each direction."""
    today = now.date()
    found = await progress(session, today=today)
    total = found.tally
    if total.total == 0:
        return None
    return Section(
        order=10,
        title=Fact("plans.section.title"),
        headline=(
            Fact(
                "plans.stats.overall", {"percent": round(100 * total.ratio), "done": total.done, "count": total.total}
            ),
            Fact("plans.section.overdue", {"count": total.overdue}),
            Fact("plans.section.blocked", {"count": total.blocked}),
        ),
        details=tuple(
            Fact(
                "plans.stats.direction",
                {
                    "number": d.number,
                    "percent": round(100 * d.tally.ratio),
                    "done": d.tally.done,
                    "count": d.tally.total,
                },
            )
            for d in found.directions
        ),
        more=Fact("plans.section.more"),
    )


@needs_you
async def my_due_items(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    """A person's own items that are overdue or due within a week, each with its Update button.
    `due` is the end of the due day in UTC (the same calendar day everywhere in Canada)."""
    horizon = now.date() + timedelta(days=7)
    rows = await session.execute(
        select(ActionItem.id, ActionItem.title, ActionItem.due_date)
        .join(ActionItemOwner)
        .where(
            ActionItemOwner.person_id == member.person_id,
            ActionItem.status.in_(OPEN_STATUSES),
            ActionItem.due_date <= horizon,
        )
        .order_by(ActionItem.due_date)
        .limit(20)
    )
    return [
        NeedsYou(
            fact=Fact("plans.needs_you", {"title": title}),
            due_day=due,
            action=HomeAction.UPDATE_ITEM,
            action_label=Fact("plans.button.update"),
            value=str(item_id),
        )
        for item_id, title, due in rows.all()
    ]
