"""The dependency rule: models import nothing of ours, the domain never imports Slack, and only
the composition root imports handlers and jobs."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _files(folder: str) -> list[Path]:
    return [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]


def test_models_import_nothing_of_ours():
    for path in _files("models"):
        ours = {m for m in _imports(path) if m.split(".")[0] in {"bot", "handlers", "jobs"}}
        assert not ours, f"{path.relative_to(ROOT)} imports {ours}"


def test_domain_services_know_nothing_of_slack():
    """Services may name the ids of the buttons they offer (bot.blocks.ids is plain constants)."""
    for path in _files("bot/services"):
        bad = {m for m in _imports(path) if m.split(".")[0] in {"slack_bolt", "slack_sdk", "handlers", "jobs"}}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_block_builders_are_pure():
    for path in _files("bot/blocks"):
        bad = {m for m in _imports(path) if m.split(".")[0] in {"sqlalchemy", "handlers", "jobs", "slack_bolt"}}
        bad |= {m for m in _imports(path) if m.startswith(("slack_sdk.web", "bot.infra.db"))}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_listeners_and_jobs_do_not_import_each_other():
    """What both need (posting a poll, a round's announcement) lives in bot.slack.outbound."""
    for path in _files("handlers"):
        bad = {m for m in _imports(path) if m.split(".")[0] == "jobs"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
    for path in _files("jobs"):
        bad = {m for m in _imports(path) if m.split(".")[0] == "handlers"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_only_the_composition_root_imports_handlers_and_jobs():
    allowed = {"bot/app.py", "bot/runtime.py", "bot/cli/commands.py", "bot/shell/__init__.py"}
    for path in _files("bot"):
        rel = str(path.relative_to(ROOT))
        if rel in allowed:
            continue
        bad = {m for m in _imports(path) if m.split(".")[0] in {"handlers", "jobs"}}
        assert not bad, f"{rel} imports {bad}"
