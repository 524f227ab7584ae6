"""The `nlsbot` command run to its end in a subprocess, as an operator or a newcomer runs it,
for tests that read what it printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NLSBOT = [sys.executable, "-m", "bot"]
BOM = "\ufeff"  # what an export begins with, so that Excel reads it as UTF-8


def run(
    args: list[str],
    tmp_path: Path,
    *,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    binary: bool = False,
):
    """`nlsbot ARGS` in `tmp_path`, none of our settings inherited; `binary`: stdout and stderr as bytes."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NLS_", "DATABASE_URL"))}
    return subprocess.run(
        NLSBOT + args, input=stdin, capture_output=True, text=not binary, timeout=120, cwd=tmp_path,
        env={**base, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), **(env or {})},
    )  # fmt: skip
