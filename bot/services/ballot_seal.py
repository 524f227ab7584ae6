"""Sealing secret ballots while their poll is open, with a key the database never holds.

Why: a vote writes the receipt ("this organisation has voted") and the ballot in one transaction,
so anyone who can read the database — a SELECT-only role, a backup, a replica, someone watching
commits go by — sees which ballot row arrived with which receipt (PostgreSQL's `xmin`, the heap
order, the WAL, a diff of two snapshots). No storage trick hides *that* link from every reader, so
we make the linked row worthless instead: while a poll is open its ballots are AES-256-GCM
ciphertexts under `NLS_BALLOT_KEY`, an environment secret of the bot's processes. When the poll
closes they are opened, shuffled and rewritten as plain choices under fresh ids in one transaction
(`bot.services.polls`), so the closed poll can be recounted by anyone with the database and the
ciphertexts a backup kept point at nothing. See docs/polls.md, "Threat model".

A sealed ballot is `version (1) | key id (8) | nonce (12) | ciphertext + tag`. The plaintext is
the choices as compact JSON padded with spaces to the longest ballot the poll allows, so every
ballot of a poll has the same length whatever it chose. The poll's id is authenticated data: a
sealed ballot copied into another poll does not open. The key id (the first 8 bytes of an HMAC of
the key) names the key without revealing it, so a rotation can tell old ballots from new.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError
from models.polls import Poll, PollSealedBallot, PollStatus

KEY_BYTES = 32
VERSION = b"\x01"
KEY_ID_BYTES = 8
NONCE_BYTES = 12
HEADER_BYTES = len(VERSION) + KEY_ID_BYTES + NONCE_BYTES


class BallotSealError(DomainError):
    """A sealed ballot could not be opened: the poll is not counted (its close is rolled back)."""


class BallotKeyMissing(BallotSealError):
    """A sealed ballot names a key this process was not given: nothing is counted or published
    (the close is rolled back and retried), because a count without those ballots would be wrong."""

    key = "polls.error.ballot_key_missing"


class BallotUnreadable(BallotSealError):
    """A sealed ballot's key is known but it does not open for this poll: altered in the database,
    or copied from another poll. Nothing is counted; an operator must look."""

    key = "polls.error.ballot_unreadable"


class BallotsMismatch(BallotSealError):
    """A closing secret poll has not exactly one ballot per receipt (a ballot lost or copied in the
    database, or written by a process that does not seal): nothing is counted; an operator must look."""

    key = "polls.error.ballots_mismatch"


class BadBallotKey(ValueError):
    """A configured ballot key is not a key (the message says what is wrong, never the key)."""


def new_key() -> str:
    """A fresh key as NLS_BALLOT_KEY takes it: 32 random bytes, URL-safe base64."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def parse_key(text: str) -> bytes:
    padded = text.strip().encode() + b"=" * (-len(text.strip()) % 4)
    try:
        raw = base64.b64decode(padded, altchars=b"-_", validate=True)  # a stray character is an error
    except (binascii.Error, ValueError):
        raise BadBallotKey("is not URL-safe base64 (make one with `nlsbot ballot-key new`)") from None
    if len(raw) != KEY_BYTES:
        raise BadBallotKey(f"must be {KEY_BYTES} bytes of base64, not {len(raw)} (make one with `nlsbot ballot-key new`)")
    return raw


def key_id(key: bytes) -> str:
    return hmac.new(key, b"nlsbot ballot key id", hashlib.sha256).hexdigest()[: KEY_ID_BYTES * 2]


def sealed_key_id(sealed: bytes) -> str:
    """Which key sealed this ballot (hex), readable without any key."""
    return bytes(sealed[len(VERSION) : len(VERSION) + KEY_ID_BYTES]).hex()


def padded_length(option_count: int) -> int:
    """The longest ballot a poll of `option_count` options allows: every option, in any order."""
    return len(_encode(range(option_count)))


def _encode(choices: Iterable[int]) -> bytes:
    return json.dumps(list(choices), separators=(",", ":")).encode()


def _aad(poll_id: int, header: bytes) -> bytes:
    """Authenticated with the ciphertext: the poll (a ballot copied into another poll does not
    open) and the header (version, key id and nonce cannot be altered unseen)."""
    return f"nlsbot ballot v1 poll {poll_id}:".encode() + header


@dataclass(frozen=True)
class BallotKeys:
    """The key that seals new ballots, and older ones that still open ballots sealed before a
    rotation (NLS_BALLOT_OLD_KEYS)."""

    current: bytes = field(repr=False)  # never in a repr, a log line or a traceback
    previous: tuple[bytes, ...] = field(default=(), repr=False)

    @classmethod
    def from_text(cls, current: str, previous: str | None = None) -> BallotKeys:
        old = tuple(parse_key(part) for part in (previous or "").split(",") if part.strip())
        return cls(parse_key(current), old)

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    @property
    def known_ids(self) -> frozenset[str]:
        return frozenset(key_id(k) for k in (self.current, *self.previous))

    def seal(self, poll_id: int, choices: Sequence[int], *, option_count: int) -> bytes:
        plain = _encode(choices).ljust(padded_length(option_count), b" ")
        # A random 96-bit nonce per ballot: safe for up to 2^32 ballots under one key (NIST SP 800-38D),
        # a network's lifetime many times over; a rotation starts the count again.
        nonce = os.urandom(NONCE_BYTES)
        header = VERSION + bytes.fromhex(self.current_id) + nonce
        return header + AESGCM(self.current).encrypt(nonce, plain, _aad(poll_id, header))

    def open(self, poll_id: int, sealed: bytes) -> list[int]:
        """The choices of one sealed ballot; `BallotKeyMissing` if its key is not configured."""
        sealed = bytes(sealed)
        wanted = sealed_key_id(sealed)
        key = next((k for k in (self.current, *self.previous) if key_id(k) == wanted), None)
        if sealed[:1] != VERSION:
            raise BallotUnreadable(poll=poll_id)
        if key is None:
            raise BallotKeyMissing(key_id=wanted, poll=poll_id)
        nonce = sealed[len(VERSION) + KEY_ID_BYTES : HEADER_BYTES]
        try:
            plain = AESGCM(key).decrypt(nonce, sealed[HEADER_BYTES:], _aad(poll_id, sealed[:HEADER_BYTES]))
        except InvalidTag:
            raise BallotUnreadable(poll=poll_id) from None
        return [int(c) for c in json.loads(plain)]


# --- the sealed ballots in the database: which keys they need, and a rotation ---------------------


async def keys_in_use(session: AsyncSession) -> dict[str, list[int]]:
    """The keys that sealed the ballots of open polls: key id → the polls that need it."""
    rows = await session.execute(
        select(PollSealedBallot.poll_id, PollSealedBallot.sealed)
        .join(Poll, Poll.id == PollSealedBallot.poll_id)
        .where(Poll.status == PollStatus.OPEN)
    )
    needed: dict[str, set[int]] = {}
    for poll_id, sealed in rows:
        needed.setdefault(sealed_key_id(sealed), set()).add(poll_id)
    return {key: sorted(polls) for key, polls in needed.items()}


def missing_keys(needed: dict[str, list[int]], keys: BallotKeys) -> dict[str, list[int]]:
    return {key: polls for key, polls in needed.items() if key not in keys.known_ids}


async def reseal(session: AsyncSession, keys: BallotKeys) -> int:
    """Seal every open ballot again under the current key (the second step of a rotation; the old
    key can be dropped after it). Each poll's sealed ballots are rewritten in random order under
    new ids in this one transaction, so the rotation adds no order a reader could use. Returns how
    many ballots were sealed again."""
    # Each open poll's row locked first, as a close locks it: a ballot cast meanwhile (it reads the
    # poll FOR SHARE) waits for this transaction, and a poll that closed meanwhile is skipped.
    polls = await session.execute(
        select(Poll.id, Poll.options)
        .where(Poll.status == PollStatus.OPEN, Poll.id.in_(select(PollSealedBallot.poll_id)))
        .order_by(Poll.id)
        .with_for_update()
    )
    count = 0
    for poll_id, options in list(polls):
        blobs = (await session.execute(select(PollSealedBallot.sealed).where(PollSealedBallot.poll_id == poll_id)))
        opened = [keys.open(poll_id, blob) for blob in blobs.scalars()]
        rows = [
            {"id": str(uuid.uuid4()), "poll_id": poll_id, "sealed": keys.seal(poll_id, c, option_count=len(options))}
            for c in opened
        ]
        random.SystemRandom().shuffle(rows)
        await session.execute(delete(PollSealedBallot).where(PollSealedBallot.poll_id == poll_id))
        await session.execute(insert(PollSealedBallot), rows)
        count += len(rows)
    return count
