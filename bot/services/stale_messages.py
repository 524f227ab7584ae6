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
from typing import Any

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


def _id_of(field: str) -> int:
    return int(field) if field.isdigit() else -1


async def _rows_by_id(
    session: AsyncSession, id_column: Any, columns: tuple[Any, ...], ids: list[int], *where: Any
) -> dict[int, tuple[Any, ...]]:
    """The rows of `ids` (in chunks, under the drivers' parameter limits): id -> the other columns."""
    found: dict[int, tuple[Any, ...]] = {}
    for chunk in chunks(ids):
        rows = await session.execute(select(id_column, *columns).where(id_column.in_(chunk), *where))
        found.update((row[0], tuple(row[1:])) for row in rows.all())
    return found


async def _poll_reminders(
    session: AsyncSession, fields: Mapping[int, list[str]], now: datetime, today: date
) -> dict[int, str]:
    polls = await _rows_by_id(session, Poll.id, (Poll.status, Poll.closes_at), _ids(fields))
    found = {}
    for message_id, (poll_id, *_) in fields.items():
        status, closes = polls.get(_id_of(poll_id), (None, None))
        if status is not PollStatus.OPEN or closes is None or closes <= now:
            found[message_id] = "the poll is closed"
    return found


async def _consultation_asks(
    session: AsyncSession, fields: Mapping[int, list[str]], now: datetime, today: date
) -> dict[int, str]:
    """An invitation or a reminder to answer asks for something nobody can do once it closed."""
    open_until = await _rows_by_id(
        session, Consultation.id, (Consultation.deadline,), _ids(fields), Consultation.status == ConsultationStatus.OPEN
    )
    return {
        message_id: "the consultation is closed"
        for message_id, (consultation_id, *_) in fields.items()
        if (deadline := open_until.get(_id_of(consultation_id))) is None or deadline[0] <= now
    }


async def _nomination_asks(
    session: AsyncSession, fields: Mapping[int, list[str]], now: datetime, today: date
) -> dict[int, str]:
    """"Will you accept?" means nothing once the round stopped taking nominations; the other
    nomination notices (accepted, declined, withdrawn) still tell what happened."""
    asks = {message_id: rest for message_id, rest in fields.items() if rest[1:2] == ["ask"]}
    taking = await _rows_by_id(
        session, Nomination.id, (), _ids(asks),
        NominationRound.id == Nomination.round_id, NominationRound.status == RoundStatus.OPEN,
    )  # fmt: skip
    return {
        message_id: "the round no longer takes nominations"
        for message_id, (nomination_id, *_) in asks.items()
        if _id_of(nomination_id) not in taking
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
    items = await _rows_by_id(session, ActionItem.id, (ActionItem.status, ActionItem.due_date), _ids(fields))
    found = {}
    for message_id, (item_id, *rest) in fields.items():
        status, due = items.get(_id_of(item_id), (None, None))
        kind = rest[1] if len(rest) > 1 else ""
        if status not in OPEN_STATUSES or due is None:
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
