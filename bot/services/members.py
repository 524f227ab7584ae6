"""The membership directory: who is who, which organisation holds which vote and seat.

Services return frozen snapshots (`Member`, `OrgSummary`) rather than ORM objects, so callers can
render them after the session has closed, with no lazy loading under asyncio.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services import audit
from bot.services.errors import DomainError, ImportFailed, Mentions, NotFound, NotInDirectory, RowError
from bot.services.imports import CellProblem, in_file_order, missing_columns, read_date
from models import Organisation, OrgKind, Person, Role, RoleGrant

# Province/territory code → region used for slates, reserved seats and summaries.
PROVINCES: dict[str, str] = {
    "NL": "atlantic", "NS": "atlantic", "NB": "atlantic", "PE": "atlantic",
    "QC": "quebec", "ON": "ontario",
    "MB": "prairies", "SK": "prairies", "AB": "prairies",
    "BC": "bc",
    "YT": "north", "NT": "north", "NU": "north",
}  # fmt: skip
REGIONS = ("atlantic", "quebec", "ontario", "prairies", "bc", "north")
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
CSV_COLUMNS = ("org", "kind", "province", "slack_user_id", "name", "roles", "term_ends")


def region_of(province: str) -> str:
    return PROVINCES[province.upper()]


@dataclass(frozen=True)
class OrgInfo:
    id: int
    name: str
    kind: OrgKind
    province: str
    region: str


@dataclass(frozen=True)
class Grant:
    role: Role
    organisation_id: int | None = None
    term_start: date | None = None
    term_end: date | None = None


@dataclass(frozen=True)
class Member:
    """A person in the directory, with their organisation and roles, as of one read."""

    person_id: int
    slack_user_id: str
    name: str
    org: OrgInfo | None
    grants: tuple[Grant, ...] = ()

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def grant(self, role: Role) -> Grant | None:
        return next((g for g in self.grants if g.role is role), None)

    @property
    def term_end(self) -> date | None:
        """The end of this person's Executive Committee seat, if they hold one."""
        seat = self.grant(Role.EXEC)
        return seat.term_end if seat else None

    @property
    def is_lead_or_admin(self) -> bool:
        return self.has(Role.LEAD, Role.ADMIN)

    @property
    def is_rep(self) -> bool:
        return self.has(Role.REP)

    def is_voting_exec(self, on: date) -> bool:
        """An Executive Committee member with voting rights on `on` (a term covering that day)."""
        seat = self.grant(Role.EXEC)
        if seat is None:
            return False
        return (seat.term_start is None or seat.term_start <= on) and (seat.term_end is None or on <= seat.term_end)


@dataclass(frozen=True)
class OrgSummary:
    org: OrgInfo
    rep: Member | None
    people: int


@dataclass
class ImportReport:
    organisations_created: int = 0
    people_created: int = 0
    people_updated: int = 0
    rows: int = 0


# --- reading -------------------------------------------------------------------------------


def _org_info(org: Organisation | None) -> OrgInfo | None:
    if org is None:
        return None
    return OrgInfo(id=org.id, name=org.name, kind=org.kind, province=org.province, region=org.region)


def to_member(person: Person) -> Member:
    return Member(
        person_id=person.id,
        slack_user_id=person.slack_user_id,
        name=person.name,
        org=_org_info(person.organisation),
        grants=tuple(
            Grant(role=g.role, organisation_id=g.organisation_id, term_start=g.term_start, term_end=g.term_end)
            for g in person.grants
        ),
    )


def _person_query():
    return select(Person).options(selectinload(Person.grants), selectinload(Person.organisation))


MEMBER_COLUMNS = (
    Person.id,
    Person.slack_user_id,
    Person.name,
    Organisation.id,
    Organisation.name,
    Organisation.kind,
    Organisation.province,
    Organisation.region,
    RoleGrant.role,
    RoleGrant.organisation_id,
    RoleGrant.term_start,
    RoleGrant.term_end,
)


def members_from_rows(rows: Iterable[Any]) -> dict[str, Member]:
    """Assemble Members from (person × organisation × grant) rows of one joined query."""
    people: dict[str, tuple[Any, list[Grant]]] = {}
    for row in rows:
        pid, uid, name, oid, oname, kind, province, region, role, grant_org, start, end = row
        entry = people.setdefault(uid, ((pid, name, oid, oname, kind, province, region), []))
        if role is not None:
            entry[1].append(Grant(role=role, organisation_id=grant_org, term_start=start, term_end=end))
    return {
        uid: Member(
            person_id=p[0],
            slack_user_id=uid,
            name=p[1],
            org=OrgInfo(id=p[2], name=p[3], kind=p[4], province=p[5], region=p[6]) if p[2] is not None else None,
            grants=tuple(sorted(grants, key=lambda g: g.role.value)),
        )
        for uid, (p, grants) in people.items()
    }


def _member_query():
    return (
        select(*MEMBER_COLUMNS)
        .outerjoin(Organisation, Person.organisation_id == Organisation.id)
        .outerjoin(RoleGrant, RoleGrant.person_id == Person.id)
        .where(Person.active)
    )


# Built once: this runs before every request, and a prebuilt statement with a bound parameter is
# found compiled in SQLAlchemy's cache instead of being assembled and keyed again each time.
_MEMBER_BY_USER = _member_query().where(Person.slack_user_id == bindparam("slack_user_id"))


async def get_member(session: AsyncSession, slack_user_id: str) -> Member | None:
    """One directory entry in one query: it runs before every request, so it stays a single
    indexed join rather than an ORM load with eager-loading round trips."""
    rows = (await (await session.connection()).execute(_MEMBER_BY_USER, {"slack_user_id": slack_user_id})).all()
    return members_from_rows(rows).get(slack_user_id)


async def get_members(session: AsyncSession, slack_user_ids: Iterable[str]) -> dict[str, Member]:
    ids = list(set(slack_user_ids))
    if not ids:
        return {}
    return members_from_rows((await session.execute(_member_query().where(Person.slack_user_id.in_(ids)))).all())


async def require_member(session: AsyncSession, slack_user_id: str) -> Member:
    """The directory entry of someone using a member-only feature, or a refusal that says
    whom to ask to be added."""
    member = await get_member(session, slack_user_id)
    if member is None:
        raise NotInDirectory(contacts=await directory_contacts(session))
    return member


async def directory_contacts(session: AsyncSession) -> Mentions:
    """Mentions of the people who maintain the directory (admins, else leads), for "ask …"."""
    rows = (
        await session.execute(
            select(Person.slack_user_id, RoleGrant.role)
            .join(RoleGrant)
            .where(RoleGrant.role.in_([Role.ADMIN, Role.LEAD]), Person.active)
            .order_by(RoleGrant.role, Person.name)
        )
    ).all()
    admins = [uid for uid, role in rows if role is Role.ADMIN]
    chosen = admins or [uid for uid, _ in rows]
    return Mentions(dict.fromkeys(chosen))


async def members_with_role(session: AsyncSession, role: Role) -> list[Member]:
    people = (
        await session.execute(
            _person_query().join(RoleGrant).where(RoleGrant.role == role, Person.active).order_by(Person.name)
        )
    ).scalars()
    return [to_member(p) for p in people]


async def rep_of(session: AsyncSession, organisation_id: int) -> Member | None:
    person = (
        await session.execute(
            _person_query()
            .join(RoleGrant)
            .where(RoleGrant.role == Role.REP, RoleGrant.organisation_id == organisation_id, Person.active)
        )
    ).scalar_one_or_none()
    return to_member(person) if person else None


async def list_organisations(session: AsyncSession, province: str | None = None) -> list[OrgSummary]:
    """Member organisations (optionally in one province/territory) with their rep and head count,
    in three queries whatever the size of the directory."""
    query = select(Organisation).order_by(Organisation.province, Organisation.name)
    if province:
        code = province.upper()
        if code not in PROVINCES:
            raise DomainError("members.unknown_province", province=province)
        query = query.where(Organisation.province == code)
    orgs = list((await session.execute(query)).scalars())
    ids = [o.id for o in orgs]
    counts = dict(
        (
            await session.execute(
                select(Person.organisation_id, func.count())
                .where(Person.organisation_id.in_(ids), Person.active)
                .group_by(Person.organisation_id)
            )
        ).all()
    )
    reps = (
        await session.execute(
            _person_query()
            .join(RoleGrant)
            .where(RoleGrant.role == Role.REP, RoleGrant.organisation_id.in_(ids), Person.active)
        )
    ).scalars()
    rep_by_org = {p.organisation_id: to_member(p) for p in reps}
    return [
        OrgSummary(org=_org_info(o), rep=rep_by_org.get(o.id), people=counts.get(o.id, 0))  # type: ignore[arg-type]
        for o in orgs
    ]


async def whois(session: AsyncSession, slack_user_id: str) -> Member:
    member = await get_member(session, slack_user_id)
    if member is None:
        raise NotFound("members.not_found", user=slack_user_id)
    return member


# --- import / export ----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    """One CSV row, validated before anything is written."""

    org: str
    kind: OrgKind
    province: str
    slack_user_id: str
    name: str
    roles: frozenset[Role]
    term_ends: date | None = None


NAME_LIMIT = 200


def _named(empty_key: str) -> Callable[[str], str]:
    def read(cell: str) -> str:
        text = cell.strip()
        if not text:
            raise CellProblem(empty_key)
        if len(text) > NAME_LIMIT:
            raise CellProblem("imports.members.too_long", length=len(text), max=NAME_LIMIT)
        return text

    return read


_KIND_IN_FRENCH = {"PLI": OrgKind.LIP, "PZI": OrgKind.ZIP}  # partenariat local / zonal en immigration


def _kind(cell: str) -> OrgKind:
    code = cell.strip().upper()
    try:
        return _KIND_IN_FRENCH.get(code) or OrgKind(code)
    except ValueError:
        raise CellProblem("imports.members.kind", value=cell.strip(), allowed=" / ".join(OrgKind)) from None


def _province(cell: str) -> str:
    code = cell.strip().upper()
    if code not in PROVINCES:
        raise CellProblem("imports.members.province", value=cell.strip(), allowed=", ".join(PROVINCES))
    return code


def _slack_user_id(cell: str) -> str:
    user = cell.strip()
    if not SLACK_USER_ID.match(user):
        raise CellProblem("imports.members.slack_user_id", value=user)
    return user


def _roles(cell: str) -> frozenset[Role]:
    names = {item.strip().lower() for item in cell.split(";") if item.strip()}
    unknown = sorted(names - set(Role))
    if unknown:
        raise CellProblem(
            "imports.members.roles", count=len(unknown), value=", ".join(unknown), allowed=", ".join(Role)
        )
    return frozenset(Role(name) for name in names)


# How each column is read; every cell is read, so every problem of a row is told at once.
_CELLS: dict[str, Callable[[str], Any]] = {
    "org": _named("imports.members.org_empty"), "kind": _kind, "province": _province,
    "slack_user_id": _slack_user_id, "name": _named("imports.members.name_empty"), "roles": _roles,
    "term_ends": read_date,
}  # fmt: skip


def _read_row(line: int, raw: dict[str, str]) -> tuple[MemberRow | None, list[RowError]]:
    values: dict[str, Any] = {}
    problems: list[RowError] = []
    for column, read in _CELLS.items():
        try:
            values[column] = read(raw.get(column) or "")
        except CellProblem as problem:
            problems.append(problem.at(line, column))
    roles = values.get("roles", frozenset())
    if Role.EXEC in roles and "term_ends" in values and values["term_ends"] is None:
        problems.append(RowError.of(line, "imports.members.exec_needs_term", column="term_ends"))
    if {Role.EXEC, Role.EX_OFFICIO} <= roles:
        problems.append(RowError.of(line, "imports.members.exec_and_ex_officio", column="roles"))
    return (None if problems else MemberRow(**values)), problems


def parse_member_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> list[tuple[int, MemberRow]]:
    """Validate every cell of every row and the rules that span rows; raise `ImportFailed`
    naming every problem by line and column."""
    rows = list(rows)
    header = missing_columns(rows, [c for c in CSV_COLUMNS if c != "term_ends"], header=CSV_COLUMNS)
    if header:
        raise ImportFailed(header)
    parsed: list[tuple[int, MemberRow]] = []
    errors: list[RowError] = []
    for line, raw in rows:
        row, problems = _read_row(line, raw)
        errors.extend(problems)
        if row is not None:
            parsed.append((line, row))
    errors.extend(_cross_row_errors(parsed))
    if errors:
        raise ImportFailed(in_file_order(errors, CSV_COLUMNS))
    return parsed


def _cross_row_errors(parsed: list[tuple[int, MemberRow]]) -> list[RowError]:
    errors: list[RowError] = []
    seen_user: dict[str, int] = {}
    org_shape: dict[str, tuple[int, OrgKind, str]] = {}
    holders: dict[tuple[str, Role], int] = {}
    for line, row in parsed:
        if row.slack_user_id in seen_user:
            errors.append(RowError.of(line, "imports.members.same_person", column="slack_user_id",
                                      user=row.slack_user_id, other=seen_user[row.slack_user_id]))  # fmt: skip
        seen_user.setdefault(row.slack_user_id, line)
        first, kind, province = org_shape.setdefault(row.org.casefold(), (line, row.kind, row.province))
        for column, key, there, here in (
            ("kind", "imports.members.other_kind", kind, row.kind),
            ("province", "imports.members.other_province", province, row.province),
        ):
            if there != here:
                errors.append(RowError.of(line, key, column=column, org=row.org, there=str(there), other=first,
                                          here=str(here)))  # fmt: skip
        for role, key in ((Role.REP, "imports.members.second_rep"), (Role.EXEC, "imports.members.second_exec")):
            if role in row.roles:
                other = holders.setdefault((row.org.casefold(), role), line)
                if other != line:
                    errors.append(RowError.of(line, key, column="roles", org=row.org, other=other))
    return errors


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


async def export_members(session: AsyncSession) -> list[dict[str, str]]:
    people = (
        await session.execute(
            _person_query()
            .join(Organisation, isouter=True)
            .where(Person.active)
            .order_by(Organisation.name, Person.name)
        )
    ).scalars()
    rows = []
    for person in people:
        member = to_member(person)
        seat = member.grant(Role.EXEC)
        rows.append(
            {
                "org": member.org.name if member.org else "",
                "kind": member.org.kind.value if member.org else "",
                "province": member.org.province if member.org else "",
                "slack_user_id": member.slack_user_id,
                "name": member.name,
                "roles": ";".join(sorted(r.value for r in member.roles)),
                "term_ends": seat.term_end.isoformat() if seat and seat.term_end else "",
            }
        )
    return rows


def group_by_province(orgs: Iterable[OrgSummary]) -> dict[str, list[OrgSummary]]:
    grouped: dict[str, list[OrgSummary]] = defaultdict(list)
    for summary in orgs:
        grouped[summary.org.province].append(summary)
    return dict(grouped)
