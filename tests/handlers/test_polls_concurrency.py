"""Integrity under load, over signed HTTP: 100 ballots fired at once from 80 organisations — every
rep once, ten other staff members of those organisations, ten reps pressing twice — count exactly
one ballot per organisation and lose none, secret or open, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.services import polls
from models.polls import PollOpenBallot, PollReceipt, PollSealedBallot
from tests.support.polls import NOW, load_network, open_poll, rep_id, staff_id
from tests.support.slackbot import text_of

ORGS = 80


@pytest.mark.parametrize("secret", [True, False], ids=["secret", "open"])
async def test_a_hundred_ballots_at_once_count_one_per_organisation(bot, deps, clock, secret):
    clock.set(NOW)
    await load_network(deps, ORGS)
    poll = await open_poll(deps, secret=secret, options=("A", "B", "C"))
    choice = {rep_id(n): n % 3 + 1 for n in range(ORGS)}
    requests = [(rep_id(n), choice[rep_id(n)]) for n in range(ORGS)]
    requests += [(staff_id(n), 1) for n in range(10)]  # another staff member of the same organisation
    requests += [(rep_id(n), choice[rep_id(n)]) for n in range(10, 20)]  # the same rep, again
    random.Random(20260302).shuffle(requests)

    responses = await asyncio.gather(*(bot.command(user, f"vote {poll.id} {option}") for user, option in requests))

    assert [r.status_code for r in responses] == [200] * len(requests)
    answers = [text_of(r.json()) for r in responses]
    assert sum("✅ Recorded" in a for a in answers) == ORGS  # told "recorded" exactly once per organisation
    assert sum("held by its representative" in a for a in answers) == 10
    repeat = "secret ballot, so the vote cannot be changed" if secret else "Already recorded exactly this"
    assert sum(repeat in a for a in answers) == 10

    ballots = PollSealedBallot if secret else PollOpenBallot
    async with deps.db.reader() as session:
        receipts = (await session.execute(select(func.count()).select_from(PollReceipt))).scalar_one()
        stored = (await session.execute(select(func.count()).select_from(ballots))).scalar_one()
        distinct_orgs = (
            await session.execute(select(func.count(func.distinct(PollReceipt.organisation_id))))
        ).scalar_one()
    assert receipts == stored == distinct_orgs == ORGS

    at = poll.closes_at + timedelta(minutes=1)
    async with deps.db.transaction() as session:
        [result] = (await polls.close_due(session, now=at, today=at.date(), keys=deps.ballots)).closed
    expected = tuple(sum(1 for c in choice.values() if c == option + 1) for option in range(3))
    assert result.count.votes == expected and sum(expected) == ORGS  # none lost, none doubled
    assert result.voted == ORGS
