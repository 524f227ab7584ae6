"""The operator's export (`nlsbot polls export`): one row per option, and an open poll's ballots."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.polls.ballots import OpenBallot, open_ballots
from bot.services.polls.records import PollView, get_poll
from bot.services.polls.tallies import Results, _count, final_results, turnout


@dataclass(frozen=True)
class ExportRow:
    position: int
    option: str
    votes: int  # ballots choosing it; first preferences for ranked kinds
    percent: float
    elected: bool
    extra: dict[str, Any] = field(default_factory=dict)


async def export_results(session: AsyncSession, poll_id: int, *, today: date) -> tuple[Results, list[ExportRow]]:
    """One row per option in the poll's order: the final count for a closed poll, else the count
    so far of an open ballot (the CLI is an operator's tool). A secret poll has no count until it
    closes, for the operator too: a count that moves as receipts arrive would reveal choices."""
    final = await final_results(session, poll_id)
    if final is not None:
        res = final
    else:
        poll = await get_poll(session, poll_id)
        tally = await _count(session, poll)
        voted, size = await turnout(session, poll, today=today)
        res = Results(poll, tally, size, voted, final=False)
    total = res.count.ballots
    rows = [
        ExportRow(i, option, res.count.votes[i], res.count.votes[i] / total if total else 0.0, i in res.count.winners)
        for i, option in enumerate(res.poll.options)
    ]
    return res, rows


async def export_open_ballots(session: AsyncSession, poll_id: int) -> tuple[PollView, list[OpenBallot]]:
    """The ballots of an open poll with their voters; refused for secret polls."""
    poll = await get_poll(session, poll_id)
    return poll, await open_ballots(session, poll)
