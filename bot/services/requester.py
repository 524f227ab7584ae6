"""Who is asking, in one statement: their directory entry, their preferences, and whether this
delivery (an event id, an interaction's trigger) was handled before.

It runs before every request. Asked as three statements it cost three times SQLAlchemy's
per-statement work, which was most of what the bot spends before acknowledging; here a one-row
anchor (the user id) is left-joined to the directory and the preferences, with the delivery check
as one more column. Nothing is cached: every request reads the directory as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, bindparam, exists, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.members import MEMBER_COLUMNS, Member, members_from_rows
from bot.services.prefs import PREF_COLUMNS, PrefView
from models import Organisation, Person, ProcessedDelivery, RoleGrant, UserPref


@dataclass(frozen=True)
class Requester:
    member: Member | None
    pref: PrefView | None
    seen_before: bool  # the delivery is in processed_deliveries already


def _statement(with_delivery: bool) -> Any:
    me = select(bindparam("user_id", type_=String).label("user_id")).subquery("me")
    seen = exists().where(ProcessedDelivery.key == bindparam("delivery_key")) if with_delivery else false()
    return (
        select(seen.label("seen"), *MEMBER_COLUMNS, *PREF_COLUMNS)
        .select_from(me)
        .outerjoin(Person, and_(Person.slack_user_id == me.c.user_id, Person.active))
        .outerjoin(Organisation, Person.organisation_id == Organisation.id)
        .outerjoin(RoleGrant, RoleGrant.person_id == Person.id)
        .outerjoin(UserPref, UserPref.slack_user_id == me.c.user_id)
    )


_WITH_DELIVERY, _WITHOUT_DELIVERY = _statement(True), _statement(False)  # built once (see members)
_MEMBER = slice(1, 1 + len(MEMBER_COLUMNS))
_PREF = slice(_MEMBER.stop, None)


async def identify(session: AsyncSession, user_id: str, delivery_key: str | None) -> Requester:
    params = {"user_id": user_id, "delivery_key": delivery_key}
    statement = _WITH_DELIVERY if delivery_key else _WITHOUT_DELIVERY
    rows = (await (await session.connection()).execute(statement, params)).all()
    people = [row[_MEMBER] for row in rows if row[_MEMBER][0] is not None]
    pref = rows[0][_PREF]
    return Requester(
        member=members_from_rows(people).get(user_id),
        pref=PrefView(*pref) if pref[0] is not None else None,
        seen_before=bool(rows[0].seen),
    )
