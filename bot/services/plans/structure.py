"""The strategic plan's shape: its directions and their objectives, as loaded from the plan file
(`bot.services.plans.importing`). Action items hang off the objectives."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services.plans.items import Bilingual, ObjectiveRef, objective_ref
from models.plans import PlanDirection, PlanObjective


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
        DirectionInfo(d.number, Bilingual(d.title_en, d.title_fr), tuple(objective_ref(o) for o in d.objectives))
        for d in rows.scalars()
    ]
