"""People who leave the workspace (deactivated in Slack) and come back.

A deactivated person is marked inactive in the directory, never deleted: their roles stay on
their row, so the directory stops counting them at once (the directory lookups, the network
electorate's reps and the Executive Committee's seats read only active people) and a reactivation
restores everything as it was. What cannot wait is a vote or a seat they held: their
organisation has no voting representative, or an empty seat, until someone acts, so the
organisation's staff and the Secretariat's admins are told what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, terms
from models import Organisation, Person, Role, RoleGrant


@dataclass(frozen=True)
class Departure:
    """Who left, and the organisation's vote or seat they held (by organisation name), if any."""

    person_id: int
    slack_user_id: str
    name: str
    vote_of: str | None
    seat_of: str | None
    organisation_ids: tuple[int, ...]

    @property
    def leaves_a_gap(self) -> bool:
        return self.vote_of is not None or self.seat_of is not None


async def _person(session: AsyncSession, slack_user_id: str) -> Person | None:
    """Locked for this transaction: a retried or concurrent delivery of the same change waits and
    then finds it done, so only one of them tells anyone."""
    query = select(Person).where(Person.slack_user_id == slack_user_id).with_for_update()
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


async def mark_departed(session: AsyncSession, slack_user_id: str, *, now: datetime) -> Departure | None:
    """Mark a person deactivated in Slack inactive. None when they are not in the directory or
    were marked already (nobody is told twice)."""
    person = await _person(session, slack_user_id)
    if person is None or not person.active:
        return None
    person.active = False
    rows = (
        await session.execute(
            select(RoleGrant.role, RoleGrant.organisation_id, Organisation.name)
            .join(Organisation, Organisation.id == RoleGrant.organisation_id)
            .where(RoleGrant.person_id == person.id, RoleGrant.role.in_([Role.REP, Role.EXEC]))
        )
    ).all()
    held = {role: org_name for role, _, org_name in rows}
    orgs = {org_id for _, org_id, _ in rows} | ({person.organisation_id} if person.organisation_id else set())
    await audit.record(
        session, at=now, actor=None, action="person.departed", subject_type="person", subject_id=person.id,
        user=slack_user_id, held=sorted(role.value for role in held),
    )  # fmt: skip
    return Departure(
        person_id=person.id,
        slack_user_id=slack_user_id,
        name=person.name,
        vote_of=held.get(Role.REP),
        seat_of=held.get(Role.EXEC),
        organisation_ids=tuple(sorted(orgs)),
    )


async def mark_returned(session: AsyncSession, slack_user_id: str, *, now: datetime) -> bool:
    """A reactivated person is active again, with the roles they had (a vote or seat nobody took
    over meanwhile is theirs again). True only for the call that restored them."""
    person = await _person(session, slack_user_id)
    if person is None or person.active:
        return False
    person.active = True
    await audit.record(
        session, at=now, actor=None, action="person.returned", subject_type="person", subject_id=person.id,
        user=slack_user_id,
    )  # fmt: skip
    return True


async def notices_of(
    session: AsyncSession, departure: Departure, *, now: datetime, default_locale: str
) -> list[terms.Notice]:
    """A DM, each in their own language, to the active staff of the organisations whose vote or
    seat is left empty and to the Secretariat's admins; none when nothing was held."""
    if not departure.leaves_a_gap:
        return []
    rows = await session.execute(
        select(Person.slack_user_id)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(
            Person.active,
            (RoleGrant.role == Role.ADMIN)
            | ((RoleGrant.role == Role.STAFF) & Person.organisation_id.in_(departure.organisation_ids)),
        )
        .order_by(Person.name)
    )
    stamp = now.strftime("%Y%m%dT%H%M%S")
    return await terms.notices_to(
        session, list(rows.scalars()), key=lambda uid: f"departure:{departure.person_id}:{stamp}:{uid}",
        occasion="departure", subject=departure, default_locale=default_locale,
    )  # fmt: skip
