"""Derive the compact Slack reference the repository carries from a full copy of Slack's reference.

The local Slack stand-in (the shell and the tests) and the manifest test must work from a bare
clone, so what they need of Slack's reference is committed: each Web API method's required
arguments, documented error codes and rate tier (`bot/data/slack_methods.json`, read by
`bot.slack.localslack.reference`), and the app-manifest JSON schema (`tests/support/slack/`). This script
makes both from the full copy — Slack's per-method JSON (`methods/*.json`, `_common-errors.json`)
and `app-manifest.schema.json` — so they are refreshed, never edited by hand. The output is
deterministic (sorted keys and lists): a re-run on the same copy changes nothing.

Usage: python scripts/slack_reference.py [SOURCE] [--check]
  SOURCE   the full copy (default: ../shared/slack beside the repository)
  --check  write nothing; exit 1 if the committed files differ from what SOURCE gives
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.slack.localslack.reference import REFERENCE

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "slack"
MANIFEST_SCHEMA = ROOT / "tests" / "support" / "slack" / "app-manifest.schema.json"
ABOUT = "Derived from Slack's Web API method reference by scripts/slack_reference.py: re-run it, do not edit."


class SourceProblem(Exception):
    """What is wrong with the full copy, said in one line."""


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceProblem(f"{path} is missing") from None
    except (OSError, ValueError) as exc:
        raise SourceProblem(f"{path} is not readable JSON ({exc})") from None


def methods_table(source: Path) -> dict[str, Any]:
    """Per method: required arguments but the token (the stand-in checks it for every method),
    error codes, rate tier; plus the errors any method may answer."""
    files = sorted(p for p in (source / "methods").glob("*.json") if not p.name.startswith("_"))
    if not files:
        raise SourceProblem(f"{source / 'methods'} holds no Slack method reference (<method>.json files)")
    methods = {}
    for file in files:
        doc = _read_json(file)
        methods[file.stem] = {
            "required": sorted(a for a in doc.get("args", {}).get("required", []) if a != "token"),
            "errors": sorted(doc.get("errors") or ()),
            "rate_tier": doc.get("rate_limits"),
        }
    common = _read_json(source / "methods" / "_common-errors.json").get("errors") or ()
    return {"about": ABOUT, "common_errors": sorted(common), "methods": methods}


def build(source: Path) -> dict[Path, str]:
    """Each committed file's path and the text it should hold, from the full copy at `source`."""
    if not source.is_dir():
        raise SourceProblem(
            f"no Slack reference at {source}: pass the path of a full copy (methods/, app-manifest.schema.json)"
        )
    schema = source / "app-manifest.schema.json"
    _read_json(schema)  # a broken schema must not be committed
    return {
        REFERENCE: json.dumps(methods_table(source), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        MANIFEST_SCHEMA: schema.read_text(encoding="utf-8"),
    }


def stale(outputs: dict[Path, str]) -> list[Path]:
    return [path for path, text in outputs.items() if not path.exists() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Derive the committed Slack reference from a full copy.")
    parser.add_argument(
        "source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="the full copy (default: %(default)s)"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the committed files are out of date"
    )
    args = parser.parse_args(argv)
    try:
        outputs = build(args.source)
    except SourceProblem as exc:
        print(f"slack_reference: {exc}", file=sys.stderr)
        return 2
    changed = stale(outputs)
    names = ", ".join(str(path.relative_to(ROOT)) for path in changed)
    if args.check:
        if changed:
            print(
                f"slack_reference: out of date with {args.source}: {names}; run scripts/slack_reference.py",
                file=sys.stderr,
            )
            return 1
        return 0
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(outputs[path], encoding="utf-8")
    print(f"slack_reference: wrote {names}" if changed else "slack_reference: already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
