"""`nlsbot import members FILE.csv` and `nlsbot export members`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from bot.cli.csvio import read_csv, write_csv
from bot.cli.registry import exporter, importer
from bot.deps import Deps
from bot.services import members


def _member_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seat-changes",
        action="store_true",
        help="allow the file to end an Executive Committee seat or change its term (audited)",
    )


@importer(
    "members",
    help="organisations and people: org,kind,province,slack_user_id,name,roles,term_ends",
    arguments=_member_arguments,
)
async def import_members(deps: Deps, path: Path, args: argparse.Namespace) -> str:
    rows = read_csv(path)
    async with deps.db.transaction() as session:
        report = await members.import_members(
            session, rows, today=deps.today(), now=deps.now(), allow_seat_changes=args.seat_changes
        )
    return (
        f"{report.rows} rows: {report.organisations_created} organisations created, "
        f"{report.people_created} people created, {report.people_updated} updated"
    )


@exporter("members", help="the directory in the import format")
async def export_members(deps: Deps, args: argparse.Namespace, out: TextIO) -> None:
    async with deps.db.reader() as session:
        rows = await members.export_members(session)
    write_csv(out, members.CSV_COLUMNS, rows)
