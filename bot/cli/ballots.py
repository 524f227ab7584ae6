"""The ballot key at start, and `nlsbot ballot-key new | check | reseal`.

A process that can vote or close a poll refuses to start, in one line naming the setting, when
NLS_BALLOT_KEY is missing or cannot open the ballots already sealed in the database: counting
without them would publish a wrong result, so we stop before anyone votes. The local shell on
SQLite, which must run with no settings at all, keeps a key of its own in a file beside its
database instead (production deployments set NLS_BALLOT_KEY; see docs/deployment.md).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.deps import Deps
from bot.infra.settings import SettingsError
from bot.services import ballot_seal
from bot.services.ballot_seal import BallotKeys

# The commands that take votes or close polls on their own: they check the key before anything else.
# (`jobs run poll-deadlines` runs without it: it closes what needs no key and holds what does.)
NEEDS_BALLOT_KEY = frozenset({"serve", "socket", "scheduler", "shell", "demo"})


def shell_key_file(database_url: str) -> Path | None:
    """Where the local shell keeps its key: beside its SQLite file (None for a memory database)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).with_name(Path(url.database).name + ".ballot-key")


def local_shell_keys(deps: Deps) -> BallotKeys | None:
    """The shell's own key when NLS_BALLOT_KEY is not set and the database is a SQLite file: read,
    or made once (readable by its owner only). None: the shell needs NLS_BALLOT_KEY like the rest."""
    if deps.ballot_keys is not None or not deps.db.is_sqlite:
        return deps.ballot_keys
    path = shell_key_file(deps.settings.database_url)
    if path is None:
        return BallotKeys.from_text(ballot_seal.new_key())
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(ballot_seal.new_key() + "\n")
        print(f"nlsbot: secret ballots are sealed with a key made for this shell in {path}", file=sys.stderr)
    try:
        return BallotKeys.from_text(path.read_text())
    except ballot_seal.BadBallotKey as exc:
        raise SettingsError(f"{path}: {exc}") from None


async def check_ballot_keys(deps: Deps) -> None:
    """One line and no start if the key is missing, or if open polls hold ballots sealed with a key
    this process was not given (a rotation half done, or a replica set up with another key)."""
    keys = deps.ballots
    async with deps.db.reader() as session:
        missing = ballot_seal.missing_keys(await ballot_seal.keys_in_use(session), keys)
    if missing:
        key, polls = sorted(missing.items())[0]
        raise SettingsError(
            f"NLS_BALLOT_KEY: open secret poll(s) {', '.join(f'#{p}' for p in polls)} hold ballots sealed with key "
            f"{key}, which is neither NLS_BALLOT_KEY (key {keys.current_id}) nor in NLS_BALLOT_OLD_KEYS; "
            "set the key they were sealed with"
        )


def add_parser(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("ballot-key", help="the key that seals secret ballots until their poll closes")
    keys.add_argument(
        "action", choices=["new", "check", "reseal"],
        help="new: print a fresh key; check: which keys open polls need; reseal: seal every open ballot "
        "again under NLS_BALLOT_KEY (the second step of a rotation, see docs/polls.md)",
    )  # fmt: skip


async def run(deps: Deps, args: argparse.Namespace) -> int:
    keys = deps.ballots
    if args.action == "reseal":
        async with deps.db.transaction() as session:
            count = await ballot_seal.reseal(session, keys)
        print(f"{count} sealed ballot(s) now under key {keys.current_id}; NLS_BALLOT_OLD_KEYS can be emptied")
        return 0
    async with deps.db.reader() as session:
        needed = await ballot_seal.keys_in_use(session)
    print(f"NLS_BALLOT_KEY is key {keys.current_id}; old keys: {', '.join(sorted(keys.known_ids - {keys.current_id})) or 'none'}")
    for key, polls in sorted(needed.items()):
        state = "current" if key == keys.current_id else "old" if key in keys.known_ids else "MISSING"
        print(f"key {key} ({state}): open poll(s) {', '.join(f'#{p}' for p in polls)}")
    if not needed:
        print("no open poll holds sealed ballots")
    return 1 if ballot_seal.missing_keys(needed, keys) else 0
