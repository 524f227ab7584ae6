"""`nlsbot export poll N [--ballots]`: one row per option in the poll's order under `option,votes`,
first preferences for ranked polls, ballots only for open polls and never for secret ones."""

from __future__ import annotations

import argparse
import io

import pytest

from bot.cli import build_parser
from bot.cli.registry import EXPORTERS
from bot.services import polls
from bot.services.errors import NotAllowed, NotFound
from bot.services.members import get_member
from models.polls import PollKind
from tests.support.cli import BOM, run
from tests.support.directory import ADMIN, NOMINATIONS, REP_HALIFAX, REP_MONTREAL, REP_TORONTO, load_directory
from tests.support.polls import NOW, open_poll, vote


async def export(deps, number: int, *, ballots: bool = False) -> list[str]:
    build_parser()  # registers the feature exporters
    out = io.StringIO()
    await EXPORTERS["poll"].run(deps, argparse.Namespace(number=number, ballots=ballots), out)
    return out.getvalue().splitlines()


async def test_export_has_one_row_per_option_in_poll_order(deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    poll = await open_poll(deps, options=("Zebra", "Apple, with a comma", "Mango"))
    for user, choice in ((REP_TORONTO, 2), (REP_HALIFAX, 2), (REP_MONTREAL, 0)):
        await vote(deps, poll.id, user, [choice])
    lines = await export(deps, poll.id)
    assert lines == [
        "option,votes,percent,position,winner",
        "Zebra,1,33.3,1,",
        '"Apple, with a comma",0,0.0,2,',
        "Mango,2,66.7,3,yes",
    ]


async def test_ranked_export_counts_first_preferences_and_ballots_list_rankings(deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    poll = await open_poll(deps, kind=PollKind.RANKED, options=("Ann", "Bo", "Cy"))
    for user, ranking in ((REP_TORONTO, [1, 0]), (REP_HALIFAX, [2, 1]), (REP_MONTREAL, [1]), (NOMINATIONS, [0, 2])):
        await vote(deps, poll.id, user, ranking)
    async with deps.db.transaction() as session:
        await polls.close_poll(
            session, poll_id=poll.id, user_id=ADMIN, actor=await get_member(session, ADMIN), now=NOW, today=NOW.date(),
            keys=deps.ballots,
        )
    lines = await export(deps, poll.id, ballots=True)
    assert lines[:4] == ["option,votes,percent,position,winner", "Ann,1,25.0,1,", "Bo,2,50.0,2,yes", "Cy,1,25.0,3,"]
    assert lines[4:6] == ["", "voter,cast_by,organisation,choices,cast_at"]
    assert any(line.startswith("org:") and f",{REP_HALIFAX},Halifax LIP,3 2," in line for line in lines[6:])
    assert len(lines) == 6 + 4


async def test_secret_ballots_are_never_exported(deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    poll = await open_poll(deps, secret=True)
    await vote(deps, poll.id, REP_TORONTO, [1])
    with pytest.raises(NotAllowed):
        await export(deps, poll.id, ballots=True)
    with pytest.raises(NotAllowed):  # no count while it is open, not even the operator's: it would move with receipts
        await export(deps, poll.id)
    async with deps.db.transaction() as session:
        await polls.close_poll(
            session, poll_id=poll.id, user_id=ADMIN, actor=await get_member(session, ADMIN), now=NOW, today=NOW.date(),
            keys=deps.ballots,
        )
    counts = await export(deps, poll.id)  # the totals once closed; who voted what, never
    assert counts[2] == "Option B,1,100.0,2,yes"
    assert not any(REP_TORONTO in line for line in counts)
    with pytest.raises(NotFound):
        await export(deps, 42)


def test_nlsbot_export_poll_from_the_command_line(tmp_path):
    assert run(["demo"], tmp_path).returncode == 0
    result = run(["export", "poll", "3"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == BOM + "option,votes,percent,position,winner"
    assert len(result.stdout.splitlines()) == 5  # four options, in the poll's order
    assert "poll #3 (final): 8 of 12 voted" in result.stderr
    secret = run(["export", "poll", "2", "--ballots"], tmp_path)
    assert secret.returncode == 1 and secret.stdout == ""
    assert "secret ballot" in secret.stderr
