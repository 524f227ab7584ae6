"""`nlsbot import members FILE.csv` and `nlsbot export members`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from bot.cli.csvio import read_csv, write_csv
from bot.cli.registry import exporter, importer
from bot.deps import Deps
from bot.services import members


@importer("members", help="organisations and people: org,kind,province,slack_user_id,name,roles,term_ends")
async def import_members(deps: Deps, path: Path) -> str:
    rows = read_csv(path)
    async with deps.db.transaction() as session:
        report = await members.import_members(session, rows, today=deps.now().astimezone(deps.settings.timezone).date())
    return (
        f"{report.rows} rows: {report.organisations_created} organisations created, "
        f"{report.people_created} people created, {report.people_updated} updated"
    )


@exporter("members", help="the directory in the import format")
async def export_members(deps: Deps, args: argparse.Namespace, out: TextIO) -> None:
    async with deps.db.reader() as session:
        rows = await members.export_members(session)
    write_csv(out, members.CSV_COLUMNS, rows)
