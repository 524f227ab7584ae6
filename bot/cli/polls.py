"""`nlsbot export poll N [--ballots]`: a poll's count as CSV on standard output.

The first table is always `option,votes,…`, one row per option in the poll's order (`votes` is
the first-preference count for ranked kinds); the final count of a closed poll, else the count so
far. Turnout, quorum and the outcome go to standard error, so standard output stays one clean
table. `--ballots` (open polls only) adds, after a blank line, every ballot with its voter; a
secret poll's ballots are never exported, and asking for them exports nothing.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from bot.cli.csvio import write_csv
from bot.cli.registry import exporter
from bot.deps import Deps
from bot.infra.i18n import Translator
from bot.services import polls
from bot.services.errors import NotAllowed
from bot.services.polls import PollKind

RESULT_COLUMNS = ("option", "votes", "percent", "position", "winner")
BALLOT_COLUMNS = ("voter", "cast_by", "organisation", "choices", "cast_at")


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", type=int, help="the poll number (as in /nls vote N)")
    parser.add_argument("--ballots", action="store_true", help="also every ballot with its voter (open polls only)")


def _label(poll: polls.PollView, position: int, t: Translator) -> str:
    return t(f"polls.yes_no.{poll.options[position]}") if poll.kind is PollKind.YES_NO else poll.options[position]


@exporter(
    "poll", help="a poll's count, one row per option (option,votes,…); --ballots for open polls", arguments=_arguments
)
async def export_poll(deps: Deps, args: argparse.Namespace, out: TextIO) -> None:
    t = deps.translator()
    today = deps.now().astimezone(deps.settings.timezone).date()
    async with deps.db.reader() as session:
        poll = await polls.get_poll(session, args.number)
        if args.ballots and poll.secret:
            raise NotAllowed("polls.refuse.secret_ballots", number=poll.id)
        res, rows = await polls.export_results(session, args.number, today=today)
        ballots = await polls.open_ballots(session, poll) if args.ballots else []
    write_csv(
        out,
        RESULT_COLUMNS,
        (
            {"option": _label(poll, r.position, t), "votes": r.votes, "percent": f"{r.percent * 100:.1f}",
             "position": r.position + 1, "winner": "yes" if r.elected else ""}
            for r in rows
        ),
    )  # fmt: skip
    quorum = ""
    if poll.quorum is not None:
        quorum = f", quorum {poll.quorum} " + (
            ("met" if res.quorum_met else "not met") if res.final else "checked at close"
        )
    state = "final" if res.final else "so far"
    print(f"poll #{poll.id} ({state}): {res.voted} of {res.electorate} voted{quorum}", file=sys.stderr)
    if args.ballots:
        out.write("\n")
        write_csv(
            out,
            BALLOT_COLUMNS,
            (
                {"voter": b.voter_key, "cast_by": b.cast_by, "organisation": b.org_name or "",
                 "choices": " ".join(str(c + 1) for c in b.choices), "cast_at": b.cast_at.isoformat()}
                for b in ballots
            ),
        )  # fmt: skip
