"""The membership directory: who is who, which organisation holds which vote and seat.

Services return frozen snapshots (`Member`, `OrgSummary`) rather than ORM objects, so callers can
render them after the session has closed, with no lazy loading under asyncio.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator
from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.errors import DomainError, ImportFailed, Mentions, NotFound, NotInDirectory, RowError
from bot.services import audit
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
            .where(RoleGrant.role == Role.REP, RoleGrant.organisation_id == organisation_id)
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
            _person_query().join(RoleGrant).where(RoleGrant.role == Role.REP, RoleGrant.organisation_id.in_(ids))
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


class MemberRow(BaseModel):
    """One CSV row, validated before anything is written."""

    org: str
    kind: OrgKind
    province: str
    slack_user_id: str
    name: str
    roles: frozenset[Role]
    term_ends: date | None = None

    @field_validator("org", "name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if len(value) > 200:
            raise ValueError("is longer than 200 characters")
        return value

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: str) -> str:
        return value.strip().upper()

    @field_validator("province")
    @classmethod
    def _province(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in PROVINCES:
            raise ValueError(f"unknown province/territory {value!r} (use a code such as ON, QC, BC)")
        return code

    @field_validator("slack_user_id")
    @classmethod
    def _user(cls, value: str) -> str:
        value = value.strip()
        if not SLACK_USER_ID.match(value):
            raise ValueError(f"{value!r} is not a Slack user id (like U012AB3CD)")
        return value

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, value: str | Iterable[str]) -> frozenset[str]:
        items = value.split(";") if isinstance(value, str) else value
        names = {item.strip().lower() for item in items if item.strip()}
        unknown = names - {r.value for r in Role}
        if unknown:
            raise ValueError(f"unknown role(s) {', '.join(sorted(unknown))}; use {', '.join(r.value for r in Role)}")
        return frozenset(names)

    @field_validator("term_ends", mode="before")
    @classmethod
    def _term(cls, value: str | date | None) -> str | date | None:
        return None if isinstance(value, str) and not value.strip() else value


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(x) for x in err["loc"])
    message = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def parse_member_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> list[tuple[int, MemberRow]]:
    """Validate every row and the rules that span rows; raise `ImportFailed` naming each bad line."""
    parsed: list[tuple[int, MemberRow]] = []
    errors: list[RowError] = []
    for line, raw in rows:
        missing = [c for c in CSV_COLUMNS if c not in raw and c != "term_ends"]
        if missing:
            errors.append(RowError(line, f"missing column(s): {', '.join(missing)}"))
            continue
        try:
            parsed.append((line, MemberRow.model_validate({k: (v or "") for k, v in raw.items() if k})))
        except ValidationError as exc:
            errors.append(RowError(line, _first_error(exc)))
    errors.extend(_cross_row_errors(parsed))
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.line))
    return parsed


def _cross_row_errors(parsed: list[tuple[int, MemberRow]]) -> list[RowError]:
    errors: list[RowError] = []
    seen_user: dict[str, int] = {}
    org_shape: dict[str, tuple[int, OrgKind, str]] = {}
    holders: dict[tuple[str, Role], int] = {}
    for line, row in parsed:
        if row.slack_user_id in seen_user:
            errors.append(RowError(line, f"{row.slack_user_id} already appears on line {seen_user[row.slack_user_id]}"))
        seen_user.setdefault(row.slack_user_id, line)
        first = org_shape.setdefault(row.org.casefold(), (line, row.kind, row.province))
        if (first[1], first[2]) != (row.kind, row.province):
            errors.append(
                RowError(line, f"{row.org} is {first[1]}/{first[2]} on line {first[0]}, {row.kind}/{row.province} here")
            )
        for role in (Role.REP, Role.EXEC):
            if role in row.roles:
                other = holders.setdefault((row.org.casefold(), role), line)
                if other != line:
                    what = "voting representative (rep)" if role is Role.REP else "Executive Committee seat (exec)"
                    errors.append(RowError(line, f"{row.org} already has its {what} on line {other}"))
        if Role.EXEC in row.roles and row.term_ends is None:
            errors.append(RowError(line, "an exec member needs term_ends (the end of their two-year term)"))
        if Role.EXEC in row.roles and Role.EX_OFFICIO in row.roles:
            errors.append(RowError(line, "a person is either a voting (exec) or a non-voting (ex-officio) member"))
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
    await _check_holders_outside_file(session, parsed, people, orgs)
    seat_changes = _seat_changes(parsed, people)
    if seat_changes and not allow_seat_changes:
        raise ImportFailed([RowError(line, message) for line, message, _ in seat_changes])
    for _, _, details in seat_changes:
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
        elif (person.name, person.organisation_id, person.active) != (row.name, org.id, True):
            person.name, person.organisation_id, person.active = row.name, org.id, True
            report.people_updated += 1
        _apply_roles(person, row, org.id, today)
    await session.flush()
    return report


async def _check_holders_outside_file(
    session: AsyncSession,
    parsed: list[tuple[int, MemberRow]],
    people: dict[str, Person],
    orgs: dict[str, Organisation],
) -> None:
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
        for role in row.roles & {Role.REP, Role.EXEC}:
            current = holder.get((org.id, role))
            if current and current[0] != row.slack_user_id:
                errors.append(
                    RowError(
                        line,
                        f"{row.org}'s {role.value} is held by {current[1]} ({current[0]}), who is not in this file; "
                        f"list them without {role.value} to move it",
                    )
                )
    if errors:
        raise ImportFailed(errors)


def _seat_changes(
    parsed: list[tuple[int, MemberRow]], people: dict[str, Person]
) -> list[tuple[int, str, dict[str, object]]]:
    """Executive Committee seats the file would end or re-term. A seat is elected for a term and
    moves by `/nls exec transfer`; an import changes one only when the operator says so."""
    changes = []
    for line, row in parsed:
        person = people.get(row.slack_user_id)
        seat = next((g for g in person.grants if g.role is Role.EXEC), None) if person else None
        if seat is None:
            continue
        details: dict[str, object] = {"organisation_id": seat.organisation_id, "holder": row.slack_user_id}
        if Role.EXEC not in row.roles:
            message = (
                f"{row.name} holds an Executive Committee seat (term ends {seat.term_end}); this line would end it"
            )
            changes.append((line, message + " — use /nls exec transfer, or --seat-changes", {**details, "ended": True}))
        elif row.term_ends != seat.term_end:
            message = f"{row.name}'s seat term ends {seat.term_end}; this line would make it {row.term_ends}"
            changes.append((line, message + " — pass --seat-changes to change an elected term", {
                **details, "term_end_from": str(seat.term_end), "term_end_to": str(row.term_ends)}))  # fmt: skip
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
