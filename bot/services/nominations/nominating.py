"""Nominating: who can stand in a round and who can put them forward.

Any LIP/ZIP staff member nominates a member organisation's staff member (or themselves) with a
statement. Not eligible: committee members (they run the round), ex-officio members (they sit
without a vote), anyone whose organisation keeps a seat well beyond the election (one seat per
organisation; a seat ending within `RENEWAL_WINDOW` of it is up for renewal), and a second
nominee of an organisation already in the round. The nominee is then asked to accept or decline.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, members, terms
from bot.services.errors import Conflict, Invalid, NotAllowed
from bot.services.members import Member
from bot.services.nominations.fields import NominationField
from bot.services.nominations.permissions import require_staff
from bot.services.nominations.reading import get_nomination, get_round, nominations_in
from bot.services.nominations.shapes import NominationView, RoundView
from bot.services.sql import insert_if_absent
from bot.services.terms import Notice
from models import Role
from models.nominations import IN_PLAY, Nomination, NominationStatus

STATEMENT_LIMIT = 1000
# A seat whose term ends within this long after the election is up for renewal in it (the first
# term-end warning goes this long before the end, so the committee opens the round in time).
RENEWAL_WINDOW = timedelta(days=max(terms.WARN_BEFORE_DAYS))


def clean_statement(text: str | None) -> str:
    statement = (text or "").strip()
    if not statement:
        raise Invalid("nominations.error.statement_missing", field=NominationField.STATEMENT)
    if len(statement) > STATEMENT_LIMIT:
        raise Invalid("nominations.error.statement_too_long", field=NominationField.STATEMENT, limit=STATEMENT_LIMIT)
    return statement


async def check_nominee(session: AsyncSession, round_: RoundView, nominee: Member | None, user_id: str) -> Member:
    """The nominee if they can stand in this round, else the rule that says no and why."""
    if nominee is None or nominee.org is None:
        raise NotAllowed("nominations.error.nominee_not_staff", field=NominationField.NOMINEE, user=user_id)
    if nominee.has(Role.NOMINATIONS):
        raise NotAllowed("nominations.error.nominee_on_committee", field=NominationField.NOMINEE, user=user_id)
    if nominee.has(Role.EX_OFFICIO):
        raise NotAllowed("nominations.error.nominee_ex_officio", field=NominationField.NOMINEE, user=user_id)
    renewable_until = (round_.election_closes_at + RENEWAL_WINDOW).date()
    for holder in await _seat_holders(session, nominee):
        end = holder.term_end
        if end is None or end > renewable_until:
            key = (
                "nominations.error.nominee_seated"
                if holder.person_id == nominee.person_id
                else "nominations.error.org_seated"
            )
            raise NotAllowed(
                key, field=NominationField.NOMINEE, user=user_id, holder=holder.slack_user_id, org=nominee.org.name,
                end=end.isoformat() if end else "—",
            )  # fmt: skip
    return nominee


async def _seat_holders(session: AsyncSession, nominee: Member) -> list[Member]:
    """Who holds a seat that would clash: the nominee's own, and their organisation's."""
    org_id = nominee.org.id if nominee.org else None
    return [
        m
        for m in await members.members_with_role(session, Role.EXEC)
        if m.person_id == nominee.person_id or m.grant(Role.EXEC).organisation_id == org_id  # type: ignore[union-attr]
    ]


async def nominate(
    session: AsyncSession, *, round_id: int, nominee_user: str, statement: str | None, actor: Member | None,
    now: datetime, default_locale: str,
) -> tuple[NominationView, list[Notice]]:  # fmt: skip
    """Nominate someone (or oneself) in an open round; the nominee is asked to accept or decline."""
    nominator = await require_staff(session, actor)
    round_ = await get_round(session, round_id, lock=True)
    nominee = await check_can_nominate(session, round_, nominee_user, now=now)
    text = clean_statement(statement)
    nomination_id = await insert_if_absent(
        session, Nomination,
        {
            "round_id": round_.id, "nominee_id": nominee.person_id, "organisation_id": nominee.org.id,  # type: ignore[union-attr]
            "nominated_by": nominator.slack_user_id, "statement": text, "status": NominationStatus.PENDING,
            "created_at": now,
        },
        ["round_id", "nominee_id"],
    )  # fmt: skip
    if nomination_id is None:  # unreachable under the round lock; the constraint is the backstop
        raise Conflict("nominations.error.already_nominated", field=NominationField.NOMINEE, user=nominee_user)
    await audit.record(
        session, at=now, actor=nominator.slack_user_id, action="nominations.nominated", subject_type="nomination",
        subject_id=nomination_id, round_id=round_.id, nominee=nominee_user, organisation_id=nominee.org.id,  # type: ignore[union-attr]
    )  # fmt: skip
    nomination = await get_nomination(session, nomination_id)
    notices = await terms.notices_to(
        session, [nominee_user], key=lambda uid: f"nomination:{nomination_id}:ask", occasion="ask",
        subject=(round_, nomination), default_locale=default_locale,
    )  # fmt: skip
    return nomination, notices


async def check_can_nominate(session: AsyncSession, round_: RoundView, nominee_user: str, *, now: datetime) -> Member:
    """Whether this person can be nominated in this round now (asked before the modal opens too,
    so nobody writes a statement for a nomination that would be refused)."""
    if not round_.taking_nominations(now):
        raise Conflict("nominations.error.closed", number=round_.id)
    nominee = await check_nominee(session, round_, await members.get_member(session, nominee_user), nominee_user)
    await _check_not_in_round(session, round_, nominee)
    return nominee


async def _check_not_in_round(session: AsyncSession, round_: RoundView, nominee: Member) -> None:
    """Once per person per round; one nominee in play per organisation, said with the reason."""
    for other in await nominations_in(session, round_.id):
        if other.nominee_person_id == nominee.person_id:
            raise Conflict(
                "nominations.error.already_nominated", field=NominationField.NOMINEE, user=nominee.slack_user_id
            )
        if other.org.id == nominee.org.id and other.status in IN_PLAY:  # type: ignore[union-attr]
            raise Conflict(
                "nominations.error.org_has_nominee", field=NominationField.NOMINEE, org=other.org.name,
                other=other.nominee_user_id,
            )  # fmt: skip
