"""Secret ballots against a database reader (docs/polls.md, "Threat model").

The reader has SELECT on every table and nothing else (no NLS_BALLOT_KEY). It watches the voting
as a replica, a backup schedule or someone re-running queries would, and tries every channel it
has: the rows each commit added (which is also what the WAL or journal shows, frame by frame),
PostgreSQL's transaction ids (`xmin`), physical order (`ctid`, SQLite's scan order), order against
the order people voted in, and a backup kept from while the poll was open joined to the closed
poll on every value the two share. For each channel, every column of whatever it links to a
voter is judged: does it predict the voter's choice better than chance? Ballots are cast one
request at a time over signed HTTP, with choices the test knows, and voters take turns among the
three ways people vote — `/nls vote`, the poll message's buttons, and the ballot modal (opened from
`/nls polls`, then Submit clicked twice) — so that everything each real path writes in and around
the ballot's transaction (its delivery key, bot.transport.claims; the modal's view key, bot.transport.submissions; the
delivery log; the profile cache) is there to be read.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Mapping
from datetime import timedelta

from bot.app import web_client
from bot.blocks import ids
from bot.services import polls
from bot.slack.outbound.polls import post_poll
from tests.support.polls import NOW, load_network, open_poll, poll_message, press, rep_id
from tests.support.reader import (
    Row,
    Snapshot,
    better_than_chance,
    column_features,
    leave_one_out_accuracy,
    new_rows,
    row_key,
    settled,
    snapshot,
)
from tests.support.slackbot import BotClient, find_action, text_of

VOTERS = 54  # eighteen each way (PATHS): enough for the judge to see a choice one way writes
OPTIONS = ("Option A", "Option B", "Option C")
RECEIPTS = "poll_receipts"
PATHS = ("command", "button", "modal")  # voter n votes by PATHS[n % 3]
Linked = dict[str, dict[str, list[Row]]]  # voter -> table -> rows the channel ties to them


def _choices() -> dict[str, int]:
    """Voter n votes by PATHS[n % 3]: eighteen voters each way, six per option within each, in an
    order of voting the test fixes."""
    rng, chosen = random.Random(20261203), {}
    for first in range(len(PATHS)):
        picks = [i % len(OPTIONS) for i in range(VOTERS // len(PATHS))]
        rng.shuffle(picks)
        chosen.update({first + k * len(PATHS): choice for k, choice in enumerate(picks)})
    return {rep_id(n): chosen[n] for n in range(VOTERS)}


def _paths(truth: Mapping[str, int]) -> dict[str, str]:
    return {voter: PATHS[n % len(PATHS)] for n, voter in enumerate(truth)}


def _groups(paths: Mapping[str, str]) -> dict[str, list[str]]:
    """Whom the judge weighs together: every voter, and the voters of each way of voting. A choice
    that only one way writes is diluted among all voters (a third of them right, the rest at
    chance), so each way is also judged alone, with enough voters that chance cannot pass."""
    by_path = {f"voters by {path}": [v for v, p in paths.items() if p == path] for path in PATHS}
    return {"all voters": list(paths), **by_path}


async def _cast(bot: BotClient, poll: polls.PollView, voter: str, choice: int, path: str) -> None:
    """One ballot, the way a person casts it by `path`; each way must say it was recorded."""
    if path == "command":
        assert "Recorded" in text_of(await bot.answer(voter, f"vote {poll.id} {choice + 1}"))
    elif path == "button":
        message = poll_message(bot.slack, poll.id)
        assert "Recorded" in text_of(await press(bot, voter, message, ids.POLL_QUICK_VOTE, choice))
    else:
        listing = await bot.answer(voter, "polls")
        element, block_id = find_action(listing["blocks"], ids.POLL_BALLOT)
        before = len(bot.slack.calls_to("views.open"))
        await bot.press(voter, element, block_id=block_id)
        ballot = await bot.opened_view(before)
        first, again = [(await bot.submit(voter, ballot, {ids.POLL_F_CHOICE: str(choice + 1)})) for _ in range(2)]
        assert first.json()["response_action"] == "update" and "Recorded" in text_of(first.json()["view"])
        assert again.json() == first.json()  # a double click on Submit: the same receipt, nothing more saved


def _voter(receipt: Row) -> str:
    return receipt["cast_by"]


def _by_xmin(state: Snapshot) -> Linked:
    linked: Linked = {}
    for receipt in state[RECEIPTS]:
        linked[_voter(receipt)] = {
            table: same for table, rows in state.items() if table != RECEIPTS
            if (same := [r for r in rows if r["_xmin"] == receipt["_xmin"]])
        }  # fmt: skip
    return linked


def _by_rank(state: Snapshot, voters_in_order: list[str]) -> Linked:
    """The k-th voter (in `voters_in_order`) ↔ the k-th row of every table as long as the receipts."""
    tables = {t: rows for t, rows in state.items() if t != RECEIPTS and len(rows) == len(voters_in_order)}
    return {voter: {t: [rows[k]] for t, rows in tables.items()} for k, voter in enumerate(voters_in_order)}


def _through_backup(backup: Linked, after: Snapshot) -> Linked:
    """Rows of the closed poll that share any value with what the backup tied to each voter, a
    value everyone shares (the poll's id) aside."""
    tokens = {v: {val for rows in t.values() for r in rows for val in row_key(r)} for v, t in backup.items()}
    common = set.intersection(*tokens.values()) if tokens else set()
    return {
        voter: {
            table: hit for table, rows in after.items() if table != RECEIPTS
            if (hit := [r for r in rows if (set(row_key(r)) & mine) - common])
        }
        for voter, mine in tokens.items()
    }  # fmt: skip


def _assert_no_channel_predicts(
    channels: Mapping[str, Linked], truth: Mapping[str, Hashable], groups: Mapping[str, list[str]]
) -> None:
    for group, voters in groups.items():
        judged = {voter: truth[voter] for voter in voters}
        bound = better_than_chance(len(judged), 1 / len(OPTIONS))
        for name, linked in channels.items():
            per_voter = {voter: column_features(linked.get(voter, {})) for voter in judged}
            columns = {key for features in per_voter.values() for key in features}
            for column in sorted(columns):
                feature = {voter: per_voter[voter].get(column) for voter in judged}
                hits = round(leave_one_out_accuracy(feature, judged) * len(judged))
                assert hits < bound, (
                    f"{name}, {group}: {column} predicts {hits} of {len(judged)} choices (chance stays under {bound})"
                )


async def test_no_database_reader_can_link_a_secret_ballot_to_its_voter_open_or_closed(bot, deps, clock):
    clock.set(NOW)
    await load_network(deps, VOTERS)
    poll = await open_poll(deps, secret=True, options=OPTIONS)
    assert await post_poll(deps, web_client(deps), poll)  # its buttons are one of the ways to vote
    truth = _choices()
    paths = _paths(truth)

    by_commit: Linked = {}
    state = await settled(deps)
    for voter, choice in truth.items():  # one ballot at a time, as people vote
        await _cast(bot, poll, voter, choice, paths[voter])
        after = await settled(deps)
        added = new_rows(state, after)
        assert [_voter(r) for r in added.pop(RECEIPTS)] == [voter]
        by_commit[voter], state = added, after
    # What each path writes beside the ballot is in what the reader judges (bot.transport.claims, bot.transport.submissions).
    assert all("processed_deliveries" in rows for rows in by_commit.values())
    by_modal = {voter for voter, path in paths.items() if path == "modal"}
    assert {voter for voter, rows in by_commit.items() if "submitted_views" in rows} == by_modal

    open_channels: dict[str, Linked] = {
        "each commit's rows (replica, WAL, two backups)": by_commit,
        "physical order against receipts' order": _by_rank(state, [_voter(r) for r in state[RECEIPTS]]),
        "physical order against voting order": _by_rank(state, list(truth)),
    }
    if not deps.db.is_sqlite:
        open_channels["transaction id (xmin)"] = _by_xmin(state)
    _assert_no_channel_predicts(open_channels, truth, _groups(paths))

    at = poll.closes_at + timedelta(minutes=1)
    async with deps.db.transaction() as session:
        [result] = (await polls.close_due(session, now=at, today=at.date(), keys=deps.ballots)).closed
    assert result.count.votes == (18, 18, 18)  # and still countable: nothing was lost to the reader's loss
    closed = await snapshot(deps)
    closed_channels: dict[str, Linked] = {
        "a backup from while it was open, joined to the closed poll": _through_backup(by_commit, closed),
        "physical order against receipts' order": _by_rank(closed, [_voter(r) for r in closed[RECEIPTS]]),
        "physical order against voting order": _by_rank(closed, list(truth)),
    }
    if not deps.db.is_sqlite:
        closed_channels["transaction id (xmin)"] = _by_xmin(closed)
    _assert_no_channel_predicts(closed_channels, truth, _groups(paths))


def _judge(feature_of: Callable[[str], Hashable], truth: Mapping[str, int]) -> int:
    return round(leave_one_out_accuracy({v: feature_of(v) for v in truth}, truth) * len(truth))


def test_the_judge_sees_a_choice_when_there_is_one_and_not_when_there_is_none():
    """The judge itself, so that a pass above means something: a stored choice (or any fixed
    function of it) is caught; noise, an id per voter and a constant are not."""
    truth = _choices()
    bound = better_than_chance(len(truth), 1 / len(OPTIONS))
    rng = random.Random(7)
    assert _judge(lambda v: f"[{truth[v]}]", truth) == len(truth) >= bound
    assert _judge(lambda v: hash(("sealed?", truth[v])), truth) >= bound
    assert _judge(lambda v: v, truth) < bound  # unique per voter
    assert _judge(lambda v: "poll 1", truth) < bound  # the same for all
    shuffled = list(truth.values())
    rng.shuffle(shuffled)
    assert _judge(dict(zip(truth, shuffled, strict=True)).__getitem__, truth) < bound
