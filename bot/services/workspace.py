"""The workspace's standing: active, or inactive since Slack said the app was uninstalled or its
bot token revoked (models.workspace).

While inactive nothing is sent (bot.slack.sender parks every due message: kept pending, never
attempted) and scheduled jobs skip, because each attempt with a dead token only fails, for ever.
A start whose SLACK_BOT_TOKEN Slack accepts again means the app was reinstalled (or its token
rotated): `reactivate` then drops the parked messages that lost their meaning meanwhile
(bot.services.stale_messages), each with an audit row, and lets the rest go out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, outbox, stale_messages
from bot.services.sql import insert_if_absent
from models.workspace import SINGLE_ROW, WorkspaceState

UNINSTALLED = "app_uninstalled"
TOKEN_REVOKED = "tokens_revoked"

_STATE = select(WorkspaceState.inactive_since, WorkspaceState.inactive_reason).where(
    WorkspaceState.id == bindparam("row")
)


@dataclass(frozen=True)
class Inactive:
    since: datetime
    reason: str  # UNINSTALLED or TOKEN_REVOKED


@dataclass(frozen=True)
class Resumed:
    """What a reinstall found: how long the bot was silent, and what it does with what waited."""

    was: Inactive
    resumed: int  # parked messages that go out now
    dropped: int  # parked messages given up as stale (each with an audit row)


async def inactive(session: AsyncSession) -> Inactive | None:
    """Why the bot may not send now, or None when it may (no row yet means it never stopped)."""
    row = (await session.execute(_STATE, {"row": SINGLE_ROW})).first()
    if row is None or row.inactive_since is None:
        return None
    return Inactive(row.inactive_since, row.inactive_reason or UNINSTALLED)


async def _state_row(session: AsyncSession, now: datetime) -> WorkspaceState:
    await insert_if_absent(session, WorkspaceState, {"id": SINGLE_ROW, "changed_at": now}, ["id"])
    return (
        await session.execute(select(WorkspaceState).where(WorkspaceState.id == SINGLE_ROW).with_for_update())
    ).scalar_one()


async def mark_inactive(session: AsyncSession, *, reason: str, team_id: str | None, now: datetime) -> bool:
    """Stop every send: Slack said the app is gone or its bot token dead. False when it was
    already inactive (Slack sends `tokens_revoked` and `app_uninstalled` together; the first
    one's time and reason are kept)."""
    state = await _state_row(session, now)
    if state.inactive_since is not None:
        return False
    state.inactive_since, state.inactive_reason, state.team_id, state.changed_at = now, reason, team_id, now
    await audit.record(
        session, at=now, actor=None, action="workspace.inactive", subject_type="workspace", subject_id=team_id,
        reason=reason,
    )  # fmt: skip
    return True


async def reactivate(session: AsyncSession, *, now: datetime, today: date) -> Resumed | None:
    """Slack accepts the bot token again: sends resume. Parked messages that are stale are
    dropped (kept in the ledger as failed, with why, and audited one by one); None if the bot
    was not inactive. `today` is the network's date, by which the occasions are judged."""
    state = await _state_row(session, now)
    if state.inactive_since is None:
        return None
    was = Inactive(state.inactive_since, state.inactive_reason or UNINSTALLED)
    state.inactive_since, state.inactive_reason, state.changed_at = None, None, now
    parked = await outbox.waiting(session)
    stale = await stale_messages.stale(session, parked, now=now, today=today)
    for message_id, why in sorted(stale.items()):
        await outbox.drop(session, [message_id], why=why)
        await audit.record(
            session, at=now, actor=None, action="outbox.dropped_stale", subject_type="outbound_message",
            subject_id=message_id, key=parked[message_id], why=why, inactive_since=was.since.isoformat(),
        )  # fmt: skip
    await audit.record(
        session, at=now, actor=None, action="workspace.active", subject_type="workspace", subject_id=state.team_id,
        was=was.reason, resumed=len(parked) - len(stale), dropped=len(stale),
    )  # fmt: skip
    return Resumed(was, resumed=len(parked) - len(stale), dropped=len(stale))
