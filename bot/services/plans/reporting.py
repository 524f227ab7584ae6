"""How the plan stands: progress by direction and objective (`/nls plan all`, a lead's Home, the
digests), the open items that need a lead's eye, and what was completed lately. Each is a fixed
number of grouped queries, whatever the number of items."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import Invalid, NotFound
from bot.services.plans.items import ITEM_LOAD, YEAR, Bilingual, Item, ObjectiveRef, to_item
from bot.services.plans.structure import current_plan, directions
from models.plans import OPEN_STATUSES, ActionItem, ItemStatus

DUE_SOON_DAYS = 14  # "due soon" in digests and the Home


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
