"""`nlsbot import resources FILE.csv` and `nlsbot export resources`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from bot.cli.csvio import read_csv, write_csv
from bot.cli.registry import exporter, importer
from bot.deps import Deps
from bot.services import resources


@importer("resources", help="resources: title,url,description,tags,language,province,kind (tags separated by ;)")
async def import_resources(deps: Deps, path: Path, args: argparse.Namespace) -> str:
    """All or nothing, matched by address: importing the same file twice changes nothing."""
    rows = read_csv(path)
    async with deps.db.transaction() as session:
        report = await resources.import_resources(session, rows, now=deps.now())
    return (
        f"{report.rows} rows: {report.created} resources created, {report.updated} updated, "
        f"{report.unchanged} unchanged"
    )


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--retired", action="store_true", help="include retired resources")


@exporter("resources", help="resources in the import format, with owner and review_by", arguments=_arguments)
async def export_resources(deps: Deps, args: argparse.Namespace, out: TextIO) -> None:
    async with deps.db.reader() as session:
        rows = await resources.export_resources(session, include_retired=getattr(args, "retired", False))
    write_csv(out, resources.EXPORT_COLUMNS, rows)
