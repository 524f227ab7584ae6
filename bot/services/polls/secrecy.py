"""Secret polls at close: opening the sealed ballots and cutting every link to their voters.

While a secret poll is open, what was chosen lies in `poll_sealed_ballots` (random UUID, the
choices sealed with NLS_BALLOT_KEY, nothing else). A database reader can pair that row with its
receipt, which is why it is sealed (bot.services.ballot_seal); at close the ballots are opened,
shuffled and rewritten into `poll_secret_ballots` as plain choices under fresh ids, in the closing
transaction, so a closed poll is recounted from the database alone. Secret polls never show a
count before they close, to anyone (a tally moving as receipts arrive would reveal choices), and
so are never unsealed before.
"""

from __future__ import annotations

import random
import uuid

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.ballot_seal import BallotKeyMissing, BallotKeys, BallotsMismatch, sealed_key_id
from bot.services.polls.ballots import _receipt_count
from bot.services.polls.records import PollView
from models.polls import PollReceipt, PollSealedBallot, PollSecretBallot

# Where a closed or cancelled secret poll's deleted rows lay: compacted after it (Database.compact),
# so no copy of a sealed ballot, or of the receipt that came with it, stays in the database's files.
SEALED_TABLES = ("poll_sealed_ballots", "poll_receipts")


async def _unseal(session: AsyncSession, poll: PollView, keys: BallotKeys | None) -> None:
    """Open a closing secret poll's sealed ballots and write them, shuffled and under fresh ids,
    as plain choices; rewrite its receipts in random order too. All in the closing transaction, so
    every row of the poll now carries the same transaction id and a physical order that is random:
    nothing ties an opened ballot to a receipt, or to the sealed row a backup kept. Every ballot is
    opened before anything is written, so a missing key leaves nothing half-done.

    Plain ballots already stored for the open poll (written by a replica still on the code before
    sealing, during an upgrade that should not have rolled) are counted with the opened ones rather
    than lost; and the poll is held, never published, unless there is exactly one ballot per
    receipt."""
    sealed = list(
        (await session.execute(select(PollSealedBallot.sealed).where(PollSealedBallot.poll_id == poll.id))).scalars()
    )
    if sealed and keys is None:
        raise BallotKeyMissing(key_id=sealed_key_id(sealed[0]), poll=poll.id)
    opened = [keys.open(poll.id, blob) for blob in sealed] if keys is not None else []
    plain = await session.execute(select(PollSecretBallot.choices).where(PollSecretBallot.poll_id == poll.id))
    ballots = opened + [list(c) for c in plain.scalars()]
    receipts = await _receipt_count(session, poll.id)
    if len(ballots) != receipts:
        raise BallotsMismatch(poll=poll.id, ballots=len(ballots), receipts=receipts)
    await session.execute(delete(PollSealedBallot).where(PollSealedBallot.poll_id == poll.id))
    await _rewrite_shuffled(session, poll.id, ballots)


async def _rewrite_shuffled(session: AsyncSession, poll_id: int, ballots: list[list[int]]) -> None:
    """A closed secret poll's rows as a reader will find them from now on: its plain ballots and
    its receipts, each in random order, the ballots under new ids."""
    rng = random.SystemRandom()
    receipts = [
        {"poll_id": poll_id, "voter_key": r.voter_key, "organisation_id": r.organisation_id, "cast_by": r.cast_by}
        for r in (await session.execute(select(PollReceipt).where(PollReceipt.poll_id == poll_id))).scalars()
    ]
    rng.shuffle(ballots)
    rng.shuffle(receipts)
    await session.execute(delete(PollSecretBallot).where(PollSecretBallot.poll_id == poll_id))
    await session.execute(delete(PollReceipt).where(PollReceipt.poll_id == poll_id))
    if receipts:
        await session.execute(insert(PollReceipt), receipts)
    if ballots:
        await session.execute(
            insert(PollSecretBallot),
            [{"id": str(uuid.uuid4()), "poll_id": poll_id, "choices": choices} for choices in ballots],
        )
