"""`nlsbot import plan FILE.yml`: the strategic plan (directions, objectives) and annual action items.

The file format is documented in docs/plans.md; the 2022-2025 plan ships as
`bot/data/strategic_plan_2022_2025.yml`. Importing is all or nothing and idempotent, and every
problem is reported with the line of the file to fix.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from bot.cli.registry import importer
from bot.cli.textfile import read_text
from bot.deps import Deps
from bot.services import plans
from bot.services.errors import RowError


def _node_lines(node: yaml.Node, path: plans.DocPath, out: dict[plans.DocPath, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _node_lines(value, (*path, key.value), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _node_lines(value, (*path, index), out)


def read_plan_file(path: Path) -> tuple[Any, plans.Locate]:
    """The parsed document, and a function from a path in it to its line (a missing key is
    reported at the line of the mapping that lacks it)."""
    text = read_text(path)
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise plans.PlanImportFailed([RowError(mark.line + 1 if mark else 1, f"not valid YAML: {problem}")]) from None
    lines: dict[plans.DocPath, int] = {}
    if root is not None:
        _node_lines(root, (), lines)

    def locate(where: plans.DocPath) -> int:
        while where and where not in lines:
            where = where[:-1]
        return lines.get(where, 1)

    return data, locate


@importer("plan", help="the strategic plan and action items from YAML (see docs/plans.md); re-importing updates")
async def import_plan(deps: Deps, path: Path, args: argparse.Namespace) -> str:
    data, locate = read_plan_file(path)
    async with deps.db.transaction() as session:
        report = await plans.import_plan(session, data, now=deps.now(), locate=locate)
    return str(report)
