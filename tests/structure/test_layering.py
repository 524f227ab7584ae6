"""The dependency rule, read from every import statement (module level, inside functions, under
TYPE_CHECKING alike): models import nothing of ours; rules (bot.services) know nothing of Slack
nor of how a form is drawn; builders (bot.blocks) take what services hand them, never model rows
or enums; listeners and jobs do not import each other; only the composition root imports them.
And no module grows past what a newcomer can read in one sitting."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSITION_ROOT = {"bot/app.py", "bot/runtime.py", "bot/cli/commands.py", "bot/shell/__init__.py"}
MAX_LINES = 500


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved, `from a import b` counted as `a.b`
    too (so `from bot.blocks import ids` is an import of bot.blocks.ids)."""
    package = _module_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *([node.module] if node.module else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _files(folder: str, *, migrations: bool = True) -> list[Path]:
    return [p for p in (ROOT / folder).rglob("*.py") if migrations or "migrations" not in p.parts]


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _offences(folder: str, forbidden: tuple[str, ...], *, allowed: set[str] = frozenset()) -> Iterator[str]:
    for path in _files(folder):
        rel = str(path.relative_to(ROOT))
        if rel in allowed:
            continue
        bad = sorted(m for m in imports_of(path) if _under(m, forbidden))
        if bad:
            yield f"{rel} imports {', '.join(bad)}"


def test_models_import_nothing_of_ours():
    """Migrations included: an upgrade runs from the models and Alembic alone."""
    assert not list(_offences("models", ("bot", "handlers", "jobs")))


def test_rules_know_nothing_of_slack_nor_of_forms():
    """Services name domain fields (`PlanField.DUE`) and domain actions (`HomeAction.VOTE`); the
    handler and the builder turn them into block and action ids."""
    slack = ("slack_bolt", "slack_sdk", "aiohttp", "bot.slack", "bot.transport")
    root = ("bot.app", "bot.runtime", "bot.deps", "bot.cli", "bot.shell", "bot.demo")
    assert not list(_offences("bot/services", ("handlers", "jobs", "bot.blocks", *slack, *root)))


def test_builders_take_what_services_return():
    """No model rows, no model enums, no database: the vocabulary a builder needs (kinds,
    statuses, roles) is exported by the feature's service package."""
    forbidden = ("models", "sqlalchemy", "handlers", "jobs", "slack_bolt", "slack_sdk.web")
    forbidden += ("bot.infra.db", "bot.slack", "bot.transport")
    assert not list(_offences("bot/blocks", forbidden))


def test_listeners_and_jobs_do_not_import_each_other():
    """What both need (posting a poll, a round's announcement) lives in bot.slack.outbound."""
    assert not list(_offences("handlers", ("jobs",)))
    assert not list(_offences("jobs", ("handlers",)))


def test_only_the_composition_root_imports_handlers_and_jobs():
    assert not list(_offences("bot", ("handlers", "jobs"), allowed=COMPOSITION_ROOT))


@pytest.mark.parametrize("folder", ["bot", "handlers", "jobs", "models"])
def test_modules_stay_readable(folder):
    """One concern per module, ~500 lines at most: a feature that outgrows a file becomes a package."""
    long = [
        f"{p.relative_to(ROOT)}: {n} lines"
        for p in _files(folder, migrations=False)
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    ]
    assert not long


def test_the_rule_reads_what_it_claims(tmp_path, monkeypatch):
    """The checker itself: relative, nested and `from x import y` imports are all seen."""
    pkg = tmp_path / "bot" / "services" / "polls"
    pkg.mkdir(parents=True)
    module = pkg / "rules.py"
    module.write_text(
        "from ..errors import Invalid\n"
        "def f():\n    from bot.blocks import ids\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import models.polls\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    found = imports_of(module)
    assert {"bot.services.errors.Invalid", "bot.blocks.ids", "models.polls"} <= found


def test_tests_share_helpers_only_through_support():
    """A test that imports another test module runs its tests' imports and fixtures twice and
    breaks when that file is moved; shared helpers live in tests/support/."""
    assert not list(_test_offences())


def _test_offences() -> Iterator[str]:
    for path in _files("tests"):
        bad = sorted(m for m in imports_of(path) if _under(m, ("tests",)) and not _under(m, ("tests.support",)))
        if bad:
            yield f"{path.relative_to(ROOT)} imports {', '.join(bad)}"
