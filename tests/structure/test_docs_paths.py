"""The docs point at code that exists, and the README's tree names every room of the code.

A newcomer reads "see bot/transport/claims.py" and opens it; a path left behind by a move is a
door painted on a wall. These read the same text people read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "bench" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP = ("bot", "handlers", "jobs", "models", "tests", "bench", "scripts")
PATH = re.compile(r"(?<![\w./-])((?:" + "|".join(TOP) + r")/[\w./-]*\w)")
DOTTED = re.compile(r"(?<![\w.`/])`?((?:bot|handlers|jobs|models)(?:\.[a-z_]\w*)+)")
PLACEHOLDER = re.compile(r"thing|dNN_|000N_|/\.\.\./")


def _exists(path: str) -> bool:
    return (ROOT / path).exists() or (ROOT / f"{path}.py").exists()


def _module_exists(dotted: str) -> bool:
    """`bot.transport.claims.kept_if_committed` names a module and then attributes: the longest
    module prefix must exist, and it must be more than the top package alone."""
    parts = dotted.split(".")
    for n in range(len(parts), 1, -1):
        base = ROOT.joinpath(*parts[:n])
        if base.with_suffix(".py").exists() or (base / "__init__.py").exists():
            return True
    return False


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_path_in_the_docs_exists(doc):
    text = doc.read_text()
    missing = sorted({p for p in PATH.findall(text) if not PLACEHOLDER.search(p) and not _exists(p)})
    missing += sorted({d for d in DOTTED.findall(text) if not _module_exists(d)})
    assert not missing, f"{doc.relative_to(ROOT)} names code that is not there: {missing}"


def _readme_tree() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("## How the code is organised", 1)[1]
    return section.split("```", 2)[1]


def test_the_readme_tree_names_every_package():
    """Every package of bot/ and bot/services/ (a room, a feature) is in the tree, by its name."""
    tree = _readme_tree()
    named = set(re.findall(r"([\w]+)/", tree))
    packages = [p.parent for p in (ROOT / "bot").glob("*/__init__.py")]
    packages += [p.parent for p in (ROOT / "bot" / "services").glob("*/__init__.py")]
    missing = sorted(str(p.relative_to(ROOT)) for p in packages if p.name not in named)
    assert not missing, f"README's tree does not show {missing}"


def test_the_checker_sees_a_stale_path(tmp_path):
    assert not _exists("bot/nowhere.py") and _exists("bot/app.py")
    assert _module_exists("bot.transport.claims.kept_if_committed") and not _module_exists("bot.nowhere")
