"""Loading a strategic plan and its action items from a YAML document (`nlsbot import plan`, the
demo, the benches), all or nothing. The file format is documented in docs/plans.md.

The file is authoritative for the plan's shape (directions and objectives, matched by number) and
for each item's definition and owners (matched by `ref`), so importing the same file again changes
nothing; progress belongs to the people doing the work and is only set when an item is new. Every
error names the line to fix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services.errors import ImportFailed, RowError
from bot.services.members import SLACK_USER_ID
from bot.services.plans.adding import GROUP_LIMIT, MAX_OWNERS, TITLE_LIMIT
from bot.services.plans.items import YEAR, active_people, fiscal_year
from bot.services.plans.structure import directions
from models import Person
from models.plans import ActionItem, ActionItemOwner, ItemStatus, PlanDirection, PlanObjective


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
    people = await active_people(session, (uid for a in doc.actions for uid in a.owners))
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
