"""Which parked messages lost their meaning while the app could not send (it was uninstalled, or
its bot token revoked): judged by the ledger key's occasion, at reinstall.

A key names its occasion (`bot.services.outbox`), so the rule is per kind: a poll reminder is
stale once its poll closed or its deadline passed (nobody can vote any more); an owner's "due in
a week" or "due tomorrow" once the due date went by, and any owner's reminder once the item is
done or cancelled; a consultation's invitation or reminder once it closed or its deadline passed;
a nominee's request to accept once the round stopped taking nominations; a term-end warning once
the term ended; a lead's weekly digest once a newer week began; the monthly network update once
its month ended. Everything else (a DM telling someone what changed, an invitation) still
says something true, and goes out late rather than never.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.digest import DIGEST_PREFIX, NETWORK_PREFIX, REMINDER_PREFIX
from bot.services.sql import chunks
from models.feedback import Consultation, ConsultationStatus
from models.nominations import Nomination, NominationRound, RoundStatus
from models.plans import OPEN_STATUSES, ActionItem
from models.polls import Poll, PollStatus

POLL_REMINDER_PREFIX = "poll-reminder"  # bot.services.polls.reminder_key
CONSULT_PREFIXES = ("consult-invite", "consult-reminder")  # bot.services.consultations
BEFORE_DUE = ("week-before", "day-before")  # owners' reminder kinds that a passed due date belies


async def stale(session: AsyncSession, keys: Mapping[int, str], *, now: datetime, today: date) -> dict[int, str]:
    """Of the parked messages `keys` (id -> ledger key), those no longer worth sending, with why
    (a short English phrase kept in the ledger and the audit log)."""
    parts = {message_id: key.split(":") for message_id, key in keys.items()}
    by_kind: dict[str, dict[int, list[str]]] = {}
    for message_id, fields in parts.items():
        by_kind.setdefault(fields[0], {})[message_id] = fields[1:]
    found: dict[int, str] = {}
    for kind, judge in _JUDGES.items():
        if kind in by_kind:
            found.update(await judge(session, by_kind[kind], now, today))
    return found


def _ids(fields: Mapping[int, list[str]]) -> list[int]:
    return sorted({int(f[0]) for f in fields.values() if f and f[0].isdigit()})


async def _poll_reminders(
    session: AsyncSession, fields: Mapping[int, list[str]], now: datetime, today: date
) -> dict[int, str]:
    polls: dict[int, tuple[PollStatus, datetime]] = {}
    for chunk in chunks(_ids(fields)):
        rows = await session.execute(select(Poll.id, Poll.status, Poll.closes_at).where(Poll.id.in_(chunk)))
        polls.update((poll_id, (status, closes)) for poll_id, status, closes in rows.all())
    found = {}
    for message_id, (poll_id, *_) in fields.items():
        status, closes = polls.get(int(poll_id) if poll_id.isdigit() else -1, (None, None))
        if status is not PollStatus.OPEN or closes is None or closes <= now:
            found[message_id] = "the poll is closed"
    return found


async def _consultation_asks(
    session: AsyncSession, fields: Mapping[int, list[str]], now: datetime, today: date
) -> dict[int, str]:
    """An invitation or a reminder to answer asks for something nobody can do once it closed."""
    open_until: dict[int, datetime] = {}
    for chunk in chunks(_ids(fields)):
        rows = await session.execute(
            select(Consultation.id, Consultation.deadline).where(
                Consultation.id.in_(chunk), Consultation.status == ConsultationStatus.OPEN
            )
        )
        open_until.update((consultation_id, deadline) for consultation_id, deadline in rows.all())
    found = {}
    for message_id, (consultation_id, *_) in fields.items():
        deadline = open_until.get(int(consultation_id) if consultation_id.isdigit() else -1)
        if deadline is None or deadline <= now:
            found[message_id] = "the consultation is closed"
    return found


async def _nomination_asks(
    session: AsyncSession, fields: Mapping[int, list[str]], now: datetime, today: date
) -> dict[int, str]:
    """"Will you accept?" means nothing once the round stopped taking nominations; the other
    nomination notices (accepted, declined, withdrawn) still tell what happened."""
    asks = {message_id: rest for message_id, rest in fields.items() if rest[1:2] == ["ask"]}
    taking: set[int] = set()
    for chunk in chunks(_ids(asks)):
        rows = await session.execute(
            select(Nomination.id)
            .join(NominationRound, NominationRound.id == Nomination.round_id)
            .where(Nomination.id.in_(chunk), NominationRound.status == RoundStatus.OPEN)
        )
        taking.update(rows.scalars())
    return {
        message_id: "the round no longer takes nominations"
        for message_id, (nomination_id, *_) in asks.items()
        if not (nomination_id.isdigit() and int(nomination_id) in taking)
    }


async def _term_warnings(
    session: AsyncSession, fields: Mapping[int, list[str]], now: datetime, today: date
) -> dict[int, str]:
    """"Your term ends in 30 days", sent after it ended, is not true any more."""
    return {
        message_id: "the term has ended"
        for message_id, rest in fields.items()
        if (day := _day(rest[1] if len(rest) > 1 else "")) is not None and day < today
    }


async def _owner_reminders(
    session: AsyncSession, fields: Mapping[int, list[str]], now: datetime, today: date
) -> dict[int, str]:
    items: dict[int, tuple[bool, date]] = {}
    for chunk in chunks(_ids(fields)):
        rows = await session.execute(
            select(ActionItem.id, ActionItem.status, ActionItem.due_date).where(ActionItem.id.in_(chunk))
        )
        items.update((item_id, (status in OPEN_STATUSES, due)) for item_id, status, due in rows.all())
    found = {}
    for message_id, (item_id, *rest) in fields.items():
        is_open, due = items.get(int(item_id) if item_id.isdigit() else -1, (False, None))
        kind = rest[1] if len(rest) > 1 else ""
        if not is_open or due is None:
            found[message_id] = "the action item is closed"
        elif kind in BEFORE_DUE and due < today:
            found[message_id] = "the action item is past its due date"
    return found


async def _lead_digests(
    session: AsyncSession, fields: Mapping[int, list[str]], now: datetime, today: date
) -> dict[int, str]:
    return {
        message_id: "a newer week began"
        for message_id, rest in fields.items()
        if (day := _day(rest[-1] if rest else "")) is None or today - day >= timedelta(days=7)
    }


async def _network_updates(
    session: AsyncSession, fields: Mapping[int, list[str]], now: datetime, today: date
) -> dict[int, str]:
    return {
        message_id: "its month ended"
        for message_id, rest in fields.items()
        if (rest[0] if rest else "") != f"{today:%Y-%m}"
    }


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


Judge = Callable[[AsyncSession, Mapping[int, list[str]], datetime, date], Awaitable[dict[int, str]]]
_JUDGES: dict[str, Judge] = {
    POLL_REMINDER_PREFIX: _poll_reminders,
    **dict.fromkeys(CONSULT_PREFIXES, _consultation_asks),
    "nomination": _nomination_asks,  # bot.services.nominations: nomination:{id}:{occasion}
    "exec-term": _term_warnings,  # bot.services.terms: exec-term:{org}:{term_end}:{stage}d:{user}
    REMINDER_PREFIX: _owner_reminders,
    DIGEST_PREFIX: _lead_digests,
    NETWORK_PREFIX: _network_updates,
}
