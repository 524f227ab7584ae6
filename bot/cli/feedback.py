"""`nlsbot export feedback [--since DATE]` and `nlsbot export consultation N`: CSV, UTF-8, every
word as typed (accents, emoji and line breaks survive; the csv module quotes what needs it).

The export is for operators, who can read the database anyway: it holds named submitters, but an
anonymous entry has nothing to export beyond what its row holds, and its place only as finely as
the disclosure rule allows (bot.services.disclosure), which a line on standard error says.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TextIO

from bot.cli.csvio import write_csv
from bot.cli.registry import exporter
from bot.deps import Deps
from bot.services import consultations, disclosure, feedback


def _feedback_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=date.fromisoformat, help="first day to include (YYYY-MM-DD)")


@exporter("feedback", help="feedback entries (anonymous ones without identity)", arguments=_feedback_arguments)
async def export_feedback(deps: Deps, args: argparse.Namespace, out: TextIO) -> None:
    async with deps.db.reader() as session:
        rows = await feedback.export_rows(session, since=getattr(args, "since", None))
    # The rule beside the file, not in it: a comment line would break every CSV reader's header.
    print(deps.translator()("feedback.export.note", k=disclosure.k()), file=sys.stderr)
    write_csv(out, feedback.EXPORT_COLUMNS, rows)


def _consultation_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", type=int, help="the consultation's number (as in /nls consult results N)")


@exporter(
    "consultation",
    help="one consultation: a row per organisation asked, a column per question",
    arguments=_consultation_arguments,
)
async def export_consultation(deps: Deps, args: argparse.Namespace, out: TextIO) -> None:
    async with deps.db.reader() as session:
        columns, rows = await consultations.export(session, args.number)
    write_csv(out, columns, rows)
