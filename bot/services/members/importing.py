"""Writing a checked members CSV into the directory: organisations and people upserted, roles
set as the file says, all or nothing.

The rules that need the database (a vote or seat held by someone the file leaves out, an
Executive Committee seat the file would end or re-term) are checked here, after the file's own
(`csv_rows`), and before the first write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services import audit
from bot.services.errors import ImportFailed, RowError
from bot.services.imports import in_file_order
from bot.services.members.csv_rows import CSV_COLUMNS, MemberRow, parse_member_rows
from bot.services.members.geography import region_of
from models import Organisation, Person, Role, RoleGrant


@dataclass
class ImportReport:
    organisations_created: int = 0
    people_created: int = 0
    people_updated: int = 0
    rows: int = 0


async def import_members(
    session: AsyncSession,
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    today: date,
    now: datetime | None = None,
    allow_seat_changes: bool = False,
) -> ImportReport:
    """Create or update organisations and people from CSV rows, all or nothing.

    The file is authoritative for the roles of the people it lists (roles it omits are removed);
    people it does not list are left alone. Re-importing the same file changes nothing.
    """
    parsed = parse_member_rows(rows)
    report = ImportReport(rows=len(parsed))
    orgs = {o.name.casefold(): o for o in (await session.execute(select(Organisation))).scalars()}
    for _, row in parsed:
        org = orgs.get(row.org.casefold())
        if org is None:
            org = Organisation(name=row.org, kind=row.kind, province=row.province, region=region_of(row.province))
            session.add(org)
            orgs[row.org.casefold()] = org
            report.organisations_created += 1
        else:
            org.kind, org.province, org.region = row.kind, row.province, region_of(row.province)
    await session.flush()

    people = {
        p.slack_user_id: p
        for p in (
            await session.execute(
                select(Person)
                .options(selectinload(Person.grants))
                .where(Person.slack_user_id.in_([r.slack_user_id for _, r in parsed]))
            )
        ).scalars()
    }
    problems = await _holders_outside_file(session, parsed, people, orgs)
    seat_changes = _seat_changes(parsed, people)
    if not allow_seat_changes:
        problems.extend(error for error, _ in seat_changes)
    if problems:
        raise ImportFailed(in_file_order(problems, CSV_COLUMNS))
    for _, details in seat_changes:
        await audit.record(
            session, at=now or datetime.combine(today, time.min, UTC), actor=None, action="seat.changed_by_import",
            subject_type="organisation", subject_id=details["organisation_id"], **details,
        )  # fmt: skip
    # Seats and votes move between people here; release the ones leaving first, so the
    # one-per-organisation indexes never see two holders inside this transaction.
    await _release_moving_grants(session, parsed, people)
    for _, row in parsed:
        org = orgs[row.org.casefold()]
        person = people.get(row.slack_user_id)
        if person is None:
            person = Person(slack_user_id=row.slack_user_id, name=row.name, organisation_id=org.id, grants=[])
            session.add(person)
            people[row.slack_user_id] = person
            report.people_created += 1
        elif (person.name, person.organisation_id) != (row.name, org.id):
            # `active` is left as it is: it follows Slack (bot.services.departures), and the file
            # naming a deactivated person, as it must to move their vote, does not bring them back.
            person.name, person.organisation_id = row.name, org.id
            report.people_updated += 1
        _apply_roles(person, row, org.id, today)
    await session.flush()
    return report


async def _holders_outside_file(
    session: AsyncSession,
    parsed: list[tuple[int, MemberRow]],
    people: dict[str, Person],
    orgs: dict[str, Organisation],
) -> list[RowError]:
    """A vote or seat held by someone the file does not list cannot be given to another person
    silently: the file must list the current holder too (without the role) to move it."""
    held = (
        await session.execute(
            select(RoleGrant.organisation_id, RoleGrant.role, Person.slack_user_id, Person.name)
            .join(Person)
            .where(RoleGrant.role.in_([Role.REP, Role.EXEC]), Person.slack_user_id.not_in(list(people) or [""]))
        )
    ).all()
    holder = {(org_id, role): (uid, name) for org_id, role, uid, name in held}
    errors = []
    for line, row in parsed:
        org = orgs[row.org.casefold()]
        for role in sorted(row.roles & {Role.REP, Role.EXEC}):
            current = holder.get((org.id, role))
            if current and current[0] != row.slack_user_id:
                errors.append(RowError.of(line, "imports.members.held_outside_file", column="roles", org=row.org,
                                          role=role.value, holder=current[1], user=current[0]))  # fmt: skip
    return errors


def _seat_changes(
    parsed: list[tuple[int, MemberRow]], people: dict[str, Person]
) -> list[tuple[RowError, dict[str, object]]]:
    """Executive Committee seats the file would end or re-term, each with what the audit records.
    A seat is elected for a term and moves by `/nls exec transfer`; an import changes one only
    when the operator says so."""
    changes = []
    for line, row in parsed:
        person = people.get(row.slack_user_id)
        seat = next((g for g in person.grants if g.role is Role.EXEC), None) if person else None
        if seat is None:
            continue
        details: dict[str, object] = {"organisation_id": seat.organisation_id, "holder": row.slack_user_id}
        end = str(seat.term_end)
        if Role.EXEC not in row.roles:
            error = RowError.of(line, "imports.members.seat_ended", column="roles", name=row.name, end=end)
            changes.append((error, {**details, "ended": True}))
        elif row.term_ends != seat.term_end:
            error = RowError.of(line, "imports.members.seat_retermed", column="term_ends", name=row.name, end=end,
                                new_end=str(row.term_ends))  # fmt: skip
            changes.append((error, {**details, "term_end_from": end, "term_end_to": str(row.term_ends)}))
    return changes


async def _release_moving_grants(
    session: AsyncSession, parsed: list[tuple[int, MemberRow]], people: dict[str, Person]
) -> None:
    changed = False
    for _, row in parsed:
        person = people.get(row.slack_user_id)
        if person is None:
            continue
        for grant in list(person.grants):
            if grant.role not in row.roles:
                person.grants.remove(grant)
                changed = True
    if changed:
        await session.flush()


def _apply_roles(person: Person, row: MemberRow, organisation_id: int, today: date) -> None:
    current = {g.role: g for g in person.grants}
    for role in row.roles:
        grant = current.get(role)
        scoped = organisation_id if role in (Role.REP, Role.EXEC, Role.STAFF) else None
        if grant is None:
            grant = RoleGrant(role=role, organisation_id=scoped)
            person.grants.append(grant)
        grant.organisation_id = scoped
        if role is Role.EXEC:
            if grant.term_start is None:
                grant.term_start = today
            grant.term_end = row.term_ends
