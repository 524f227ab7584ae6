"""Reading the membership directory: who is who, which organisation holds which vote and seat.

Every read returns frozen snapshots (`Member`, `OrgSummary`, see `snapshots`), assembled from as
few queries as the question needs; the lookup that runs before every request is one indexed join.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services.errors import DomainError, Mentions, NotFound, NotInDirectory
from bot.services.members.geography import PROVINCES
from bot.services.members.snapshots import Grant, Member, OrgInfo, OrgSummary
from models import Organisation, Person, Role, RoleGrant


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


def person_query():
    """People with their grants and organisation loaded up front, for `to_member` after the query."""
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


async def maintainers(session: AsyncSession) -> list[str]:
    """The people who maintain the directory: its admins, else the NLS leads, by name."""
    rows = (
        await session.execute(
            select(Person.slack_user_id, RoleGrant.role)
            .join(RoleGrant)
            .where(RoleGrant.role.in_([Role.ADMIN, Role.LEAD]), Person.active)
            .order_by(RoleGrant.role, Person.name)
        )
    ).all()
    admins = [uid for uid, role in rows if role is Role.ADMIN]
    return admins or list(dict.fromkeys(uid for uid, _ in rows))


async def directory_contacts(session: AsyncSession) -> Mentions:
    """Mentions of the people who maintain the directory, for "ask …"."""
    return Mentions(dict.fromkeys(await maintainers(session)))


async def members_with_role(session: AsyncSession, role: Role) -> list[Member]:
    people = (
        await session.execute(
            person_query().join(RoleGrant).where(RoleGrant.role == role, Person.active).order_by(Person.name)
        )
    ).scalars()
    return [to_member(p) for p in people]


async def rep_of(session: AsyncSession, organisation_id: int) -> Member | None:
    person = (
        await session.execute(
            person_query()
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
            person_query()
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


def group_by_province(orgs: Iterable[OrgSummary]) -> dict[str, list[OrgSummary]]:
    grouped: dict[str, list[OrgSummary]] = defaultdict(list)
    for summary in orgs:
        grouped[summary.org.province].append(summary)
    return dict(grouped)
