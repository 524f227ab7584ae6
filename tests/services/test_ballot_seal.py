"""Sealed ballots: what the ciphertext shows (nothing, and always the same length), what a missing
or wrong key does at start and at close, rotation, and the migration of polls opened before."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from bot.app import web_client
from bot.cli.ballots import check_ballot_keys
from bot.deps import Deps
from bot.infra.db import Database, alembic_config
from bot.infra.settings import SettingsError
from bot.services import ballot_seal, polls
from bot.services.ballot_seal import BallotKeyMissing, BallotKeys, BallotUnreadable
from bot.services.members import get_member
from jobs import JobEnv, housekeeping
from jobs.polls import close_polls
from models.polls import PollReceipt, PollSealedBallot, PollSecretBallot, PollStatus
from tests.support.polls import NOW, load_network, open_poll, rep_id, vote

KEY = BallotKeys.from_text(ballot_seal.new_key())
OTHER = BallotKeys.from_text(ballot_seal.new_key())


def test_a_sealed_ballot_shows_neither_its_choice_nor_its_length():
    ranked = [KEY.seal(7, choices, option_count=12) for choices in ([0], [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0], [3, 1])]
    assert len({len(s) for s in ranked}) == 1  # a full ranking and a single choice look alike
    again = [KEY.seal(7, [0], option_count=12) for _ in range(3)]
    assert len(set(again)) == 3  # a fresh nonce each time: equal choices, unequal ciphertexts
    assert [KEY.open(7, s) for s in ranked] == [[0], [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0], [3, 1]]
    assert ballot_seal.sealed_key_id(ranked[0]) == KEY.current_id


def test_a_ballot_opens_only_in_its_own_poll_and_with_its_own_key():
    sealed = KEY.seal(7, [2], option_count=3)
    with pytest.raises(BallotUnreadable):
        KEY.open(8, sealed)  # copied into another poll
    with pytest.raises(BallotUnreadable):
        KEY.open(7, sealed[:-1] + bytes([sealed[-1] ^ 1]))  # altered
    with pytest.raises(BallotKeyMissing) as missing:
        OTHER.open(7, sealed)
    assert missing.value.params == {"key_id": KEY.current_id, "poll": 7}
    rotated = BallotKeys(OTHER.current, (KEY.current,))
    assert rotated.open(7, sealed) == [2]  # an old key still opens what it sealed


@pytest.mark.parametrize(
    ("text", "reason"),
    [("abc", "must be 32 bytes"), ("!!!not base64!!!", "is not URL-safe base64"), ("", "must be 32 bytes")],
)
def test_a_key_that_is_not_a_key_is_named_without_being_shown(text, reason):
    with pytest.raises(ballot_seal.BadBallotKey) as bad:
        ballot_seal.parse_key(text)
    assert reason in str(bad.value) and (not text or text not in str(bad.value))


def _with_keys(deps: Deps, keys: BallotKeys | None) -> Deps:
    """The same database, seen by a process configured with `keys` (None: NLS_BALLOT_KEY unset)."""
    settings = deps.settings.model_copy(update={"ballot_key": None})
    return Deps(settings=settings, db=deps.db, clock=deps.clock, ballot_keys=keys)


async def _voted_poll(deps: Deps, votes: int = 3, *, orgs: int | None = None) -> polls.PollView:
    await load_network(deps, orgs or votes)
    poll = await open_poll(deps, secret=True)
    for n in range(votes):
        await vote(deps, poll.id, rep_id(n), [n % 3])
    return poll


async def test_start_refuses_a_missing_key_and_a_key_that_cannot_open_the_open_polls(deps):
    poll = await _voted_poll(deps)
    await check_ballot_keys(deps)  # the key that sealed them: fine
    with pytest.raises(SettingsError) as missing:
        await check_ballot_keys(_with_keys(deps, None))
    assert str(missing.value).startswith("NLS_BALLOT_KEY must be set")
    with pytest.raises(SettingsError) as wrong:
        await check_ballot_keys(_with_keys(deps, OTHER))
    assert str(wrong.value).startswith(f"NLS_BALLOT_KEY: open secret poll(s) #{poll.id} hold ballots sealed with key")
    assert deps.ballots.current_id in str(wrong.value) and "\n" not in str(wrong.value)
    await check_ballot_keys(_with_keys(deps, BallotKeys(OTHER.current, (deps.ballots.current,))))  # mid-rotation


async def test_a_poll_whose_key_is_absent_stays_open_and_closes_once_the_key_is_back(deps):
    poll = await _voted_poll(deps)
    other = await open_poll(deps, secret=True, question="Another poll?")
    at = poll.closes_at + timedelta(minutes=1)
    async with deps.db.transaction() as session:
        closing = await polls.close_due(session, now=at, today=at.date(), keys=OTHER)
    assert [r.poll.id for r in closing.closed] == [other.id]  # the one without ballots closes
    assert [h.params["poll"] for h in closing.held] == [poll.id]
    async with deps.db.reader() as session:
        assert (await polls.get_poll(session, poll.id)).status is PollStatus.OPEN
        assert await polls.final_results(session, poll.id) is None  # nothing published half-made
        assert (await session.execute(select(func.count()).select_from(PollSealedBallot))).scalar_one() == 3
    async with deps.db.transaction() as session:
        closing = await polls.close_due(session, now=at, today=at.date(), keys=deps.ballots)
    assert [r.count.votes for r in closing.closed] == [(1, 1, 1)] and closing.held == []


async def test_two_processes_closing_at_once_make_one_tally(deps, settings):
    poll = await _voted_poll(deps, votes=6)
    second = Deps(settings=settings, db=Database(settings.database_url), clock=deps.clock)
    at = poll.closes_at + timedelta(minutes=1)

    async def close(d: Deps) -> list[polls.Results]:
        async with d.db.transaction() as session:
            return (await polls.close_due(session, now=at, today=at.date(), keys=d.ballots)).closed

    try:
        first, other = await asyncio.gather(close(deps), close(second))
    finally:
        await second.close()
    assert sorted([len(first), len(other)]) == [0, 1]
    [result] = first or other
    assert result.count.votes == (2, 2, 2)
    async with deps.db.reader() as session:
        stored = (await session.execute(select(func.count()).select_from(PollSecretBallot))).scalar_one()
    assert stored == 6  # opened once, not twice


async def test_a_rotation_seals_every_open_ballot_again_under_the_new_key(deps):
    poll = await _voted_poll(deps)
    rotated = BallotKeys(OTHER.current, (deps.ballots.current,))
    async with deps.db.transaction() as session:
        assert await ballot_seal.reseal(session, rotated) == 3
    async with deps.db.reader() as session:
        assert await ballot_seal.keys_in_use(session) == {OTHER.current_id: [poll.id]}
    at = poll.closes_at + timedelta(minutes=1)
    async with deps.db.transaction() as session:  # the old key is no longer needed
        [result] = (await polls.close_due(session, now=at, today=at.date(), keys=OTHER)).closed
    assert result.count.votes == (1, 1, 1)


# --- the migration of a poll opened before sealing ------------------------------------------------


_REP_ORG = text(
    "SELECT g.organisation_id FROM role_grants g JOIN people p ON p.id = g.person_id"
    " WHERE p.slack_user_id = :user AND g.role = 'rep'"
)


def _alembic(connection, verb: str, target: str) -> None:
    getattr(command, verb)(alembic_config(connection), target)


async def test_an_open_secret_poll_from_before_is_sealed_in_place_and_counts_the_same(deps):
    await load_network(deps, 9)
    poll = await open_poll(deps, secret=True)
    async with deps.db.engine.connect() as conn:
        await conn.run_sync(_alembic, "downgrade", "0007")
        await conn.commit()
    votes = {rep_id(n): n % 3 for n in range(9)}
    async with deps.db.engine.connect() as conn:  # the old code's vote: receipt and plain ballot together
        for n, (user, choice) in enumerate(votes.items()):
            org = (await conn.execute(_REP_ORG, {"user": user})).scalar_one()
            receipt = {"poll_id": poll.id, "voter_key": f"org:{org}", "organisation_id": org, "cast_by": user}
            await conn.execute(insert(PollReceipt.__table__), receipt)
            ballot = {"id": f"00000000-0000-4000-8000-{n:012d}", "poll_id": poll.id, "choices": [choice]}
            await conn.execute(insert(PollSecretBallot.__table__), ballot)
            await conn.commit()

    with pytest.raises(SettingsError) as no_key:
        await deps.db.upgrade()
    assert str(no_key.value).startswith(f"NLS_BALLOT_KEY must be set to upgrade: open secret poll(s) #{poll.id}")
    assert await deps.db.current_revisions() == {"0007"}  # nothing half-done

    await deps.db.upgrade(ballot_keys=deps.ballots)
    async with deps.db.reader() as session:
        assert (await session.execute(select(func.count()).select_from(PollSecretBallot))).scalar_one() == 0
        sealed = (await session.execute(select(PollSealedBallot.id, PollSealedBallot.sealed))).all()
        receipts = (await session.execute(select(func.count()).select_from(PollReceipt))).scalar_one()
    assert len(sealed) == receipts == 9
    assert sorted(deps.ballots.open(poll.id, blob) for _, blob in sealed) == sorted([c] for c in votes.values())
    assert not [ballot_id for ballot_id, _ in sealed if ballot_id.startswith("00000000")]  # fresh ids
    if deps.db.is_sqlite:  # and the deleted plain rows left no bytes in the file or its WAL
        path = Path(make_url(deps.settings.database_url).database)
        files = [p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
        assert not [f for f in files if b"00000000-0000-4000-8000-" in f]
    at = poll.closes_at + timedelta(minutes=1)
    async with deps.db.transaction() as session:
        [result] = (await polls.close_due(session, now=at, today=at.date(), keys=deps.ballots)).closed
    assert result.count.votes == (3, 3, 3) and result.voted == 9


def test_a_key_never_shows_in_a_repr(deps):
    key = deps.settings.ballot_key.get_secret_value()
    raw = deps.ballots.current
    for shown in (repr(deps), repr(deps.settings), repr(deps.ballots), str(deps.ballots)):
        assert key not in shown and repr(raw) not in shown and raw.hex() not in shown


# --- what a close leaves, and what it refuses to count ----------------------------------------------


async def _sealed_blobs(deps: Deps) -> list[bytes]:
    async with deps.db.reader() as session:
        return [bytes(b) for b in (await session.execute(select(PollSealedBallot.sealed))).scalars()]


async def test_after_a_close_no_sealed_ballot_is_left_in_the_database_files(deps):
    """A physical copy of the database (a file snapshot, a base backup) taken after the close, with
    the key, must not pair ballots with receipts: the deleted ciphertexts are compacted away."""
    poll = await _voted_poll(deps, votes=6)
    blobs = await _sealed_blobs(deps)
    env = JobEnv(deps=deps, client=web_client(deps))
    assert (await close_polls(env, poll.closes_at + timedelta(minutes=1))).startswith("closed 1 poll(s)")
    if deps.db.is_sqlite:
        path = Path(make_url(deps.settings.database_url).database)
        files = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
        assert not [b for b in blobs if b[-16:] in files]  # not even a ciphertext's tag
    else:
        # Rewritten empty: no dead tuple of a sealed ballot remains in its pages. On a busy server a
        # snapshot older than the close (here: an autoanalyze, say) can keep them past the close's
        # VACUUM FULL; the hourly housekeeping run compacts again, and that must empty it.
        for _ in range(100):
            async with deps.db.reader() as session:
                size = (await session.execute(text("SELECT pg_relation_size('poll_sealed_ballots')"))).scalar_one()
            if size == 0:
                break
            await housekeeping.run(env, poll.closes_at + timedelta(hours=1))
            await asyncio.sleep(0.1)
        assert size == 0


@pytest.mark.parametrize("tamper", ["lose one", "copy one"])
async def test_a_poll_without_exactly_one_ballot_per_receipt_is_held_not_counted(deps, tamper):
    poll = await _voted_poll(deps)
    async with deps.db.transaction() as session:
        row = (await session.execute(select(PollSealedBallot).limit(1))).scalar_one()
        if tamper == "lose one":
            await session.delete(row)
        else:
            await session.execute(
                insert(PollSealedBallot.__table__), {"id": "copied", "poll_id": poll.id, "sealed": row.sealed}
            )
    at = poll.closes_at + timedelta(minutes=1)
    async with deps.db.transaction() as session:
        closing = await polls.close_due(session, now=at, today=at.date(), keys=deps.ballots)
    assert closing.closed == [] and [h.key for h in closing.held] == ["polls.error.ballots_mismatch"]
    assert closing.held[0].params == {"poll": poll.id, "ballots": 2 if tamper == "lose one" else 4, "receipts": 3}


async def test_without_any_key_open_ballots_and_empty_secret_polls_still_close(deps):
    await load_network(deps, 2)
    open_ballot = await open_poll(deps)
    await vote(deps, open_ballot.id, rep_id(0), [1])
    empty_secret = await open_poll(deps, secret=True, question="Nobody voted?")
    sealed = await open_poll(deps, secret=True, question="Sealed?")
    await vote(deps, sealed.id, rep_id(1), [0])
    at = sealed.closes_at + timedelta(minutes=1)
    async with deps.db.transaction() as session:
        closing = await polls.close_due(session, now=at, today=at.date(), keys=None)
    assert sorted(r.poll.id for r in closing.closed) == [open_ballot.id, empty_secret.id]
    assert [(h.key, h.params["poll"]) for h in closing.held] == [("polls.error.ballot_key_missing", sealed.id)]


async def test_a_ballot_cast_while_a_rotation_runs_is_not_lost(deps):
    """The vote's transaction is still open when the rotation starts: the rotation waits for it
    (it locks the poll as a close does) and seals it again with the rest."""
    poll = await _voted_poll(deps, orgs=4)
    rotated = BallotKeys(OTHER.current, (deps.ballots.current,))
    async with deps.db.transaction() as voting:
        await polls.cast_vote(
            voting, poll_id=poll.id, choices=[2], user_id=rep_id(3), actor=await get_member(voting, rep_id(3)),
            now=NOW, today=NOW.date(), keys=deps.ballots,
        )  # fmt: skip

        async def rotate() -> int:
            async with second.db.transaction() as session:
                return await ballot_seal.reseal(session, rotated)

        second = Deps(settings=deps.settings, db=Database(deps.settings.database_url), clock=deps.clock)
        rotation = asyncio.create_task(rotate())
        await asyncio.sleep(0.3)  # the rotation is waiting for the vote (on SQLite, for the file's lock)
    try:
        assert await rotation == 4
    finally:
        await second.close()
    async with deps.db.reader() as session:
        assert await ballot_seal.keys_in_use(session) == {OTHER.current_id: [poll.id]}
        assert (await session.execute(select(func.count()).select_from(PollSealedBallot))).scalar_one() == 4
