"""The `nlsbot` command as an operator or a newcomer runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NLSBOT = [sys.executable, "-m", "bot"]


def run(args: list[str], tmp_path: Path, *, stdin: str | None = None, env: dict[str, str] | None = None):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NLS_", "DATABASE_URL"))}
    return subprocess.run(
        NLSBOT + args, input=stdin, capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**base, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), **(env or {})},
    )  # fmt: skip


def test_a_malformed_setting_is_one_clear_line(tmp_path):
    result = run(["db", "current"], tmp_path, env={"NLS_TIMEZONE": "Mars/Olympus"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "nlsbot: configuration error: NLS_TIMEZONE: unknown time zone 'Mars/Olympus' (use an IANA name such as America/Toronto)"
    ]


def test_serve_without_tokens_names_what_is_missing(tmp_path):
    result = run(["serve"], tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET must be set" in result.stderr


def test_the_shell_answers_like_slack_on_the_default_sqlite_file(tmp_path):
    result = run(["shell"], tmp_path, stdin="/nls help\n/nls whois @grace\n/nls lips QC\nquit\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "loaded the demo network" in out
    assert "`/nls whois @person`" in out
    assert "Grace Okafor" in out and "[DEMO] Toronto South LIP" in out
    assert "Montréal-Nord PLI" in out
    assert (tmp_path / "nlsbot.sqlite3").exists()


def test_import_export_members_and_bad_rows(tmp_path):
    good = tmp_path / "members.csv"
    good.write_text(
        "org,kind,province,slack_user_id,name,roles,term_ends\n"
        "Halifax LIP,LIP,NS,UHAL00001,Hal Rep,rep;staff;exec,2027-03-31\n"
        "Halifax LIP,LIP,NS,UHAL00002,Ann Staff,staff,\n",
        encoding="utf-8",
    )
    assert "2 people created" in run(["import", "members", str(good)], tmp_path).stdout
    again = run(["import", "members", str(good)], tmp_path)
    assert "0 people created, 0 updated" in again.stdout
    exported = run(["export", "members"], tmp_path).stdout.splitlines()
    assert exported[0] == "org,kind,province,slack_user_id,name,roles,term_ends"
    assert "Halifax LIP,LIP,NS,UHAL00001,Hal Rep,exec;rep;staff,2027-03-31" in exported

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "org,kind,province,slack_user_id,name,roles,term_ends\nNew LIP,LIP,ON,UNEW00001,New,staff,\nX,LIQ,ON,UNEW00002,Y,staff,\n"
    )
    result = run(["import", "members", str(bad)], tmp_path)
    assert result.returncode == 1
    assert "line 3: kind" in result.stderr
    assert "UNEW00001" not in run(["export", "members"], tmp_path).stdout


def test_jobs_list_and_run(tmp_path):
    listed = run(["jobs", "list"], tmp_path)
    assert "deliver-messages" in listed.stdout and "housekeeping" in listed.stdout
    ran = run(["jobs", "run", "housekeeping", "--at", "2026-03-08T02:30"], tmp_path)
    assert ran.returncode == 0 and "pruned 0 delivery ids" in ran.stdout
