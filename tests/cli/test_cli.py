"""The `nlsbot` command as an operator or a newcomer runs it."""

from __future__ import annotations

from tests.support.cli import BOM, run


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
    assert exported[0] == BOM + "org,kind,province,slack_user_id,name,roles,term_ends"
    assert "Halifax LIP,LIP,NS,UHAL00001,Hal Rep,exec;rep;staff,2027-03-31" in exported

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "org,kind,province,slack_user_id,name,roles,term_ends\nNew LIP,LIP,ON,UNEW00001,New,staff,\nX,LIQ,ON,UNEW00002,Y,staff,\n"
    )
    result = run(["import", "members", str(bad)], tmp_path)
    assert result.returncode == 1
    assert "line 3, column kind:" in result.stderr
    assert "UNEW00001" not in run(["export", "members"], tmp_path).stdout


def test_jobs_list_and_run(tmp_path):
    listed = run(["jobs", "list"], tmp_path)
    assert "deliver-messages" in listed.stdout and "housekeeping" in listed.stdout
    ran = run(["jobs", "run", "housekeeping", "--at", "2026-03-08T02:30"], tmp_path)
    assert ran.returncode == 0 and "pruned 0 delivery ids" in ran.stdout


SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "5ec2e7"}  # hexadecimal, as Slack makes them


def test_serving_without_a_ballot_key_or_with_a_bad_one_is_one_line(tmp_path):
    missing = run(["serve"], tmp_path, env=SLACK)
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        "nlsbot: configuration error: NLS_BALLOT_KEY must be set: it seals secret ballots "
        "(make one with `nlsbot ballot-key new`)"
    ]
    bad = run(["serve"], tmp_path, env={**SLACK, "NLS_BALLOT_KEY": "hunter2-hunter2"})
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "NLS_BALLOT_KEY: must be 32 bytes" in bad.stderr and "hunter2" not in bad.stderr


def test_a_new_key_is_printed_and_checked_against_the_database(tmp_path):
    made = run(["ballot-key", "new"], tmp_path)
    key = made.stdout.strip()
    assert made.returncode == 0 and len(key) == 44 and not (tmp_path / "nlsbot.sqlite3").exists()  # no database
    checked = run(["ballot-key", "check"], tmp_path, env={"NLS_BALLOT_KEY": key})
    assert checked.returncode == 0, checked.stderr
    assert "no open poll holds sealed ballots" in checked.stdout


def test_trying_the_bot_on_sqlite_makes_a_key_of_its_own_beside_the_database(tmp_path):
    assert run(["demo"], tmp_path).returncode == 0
    key_file = tmp_path / "nlsbot.sqlite3.ballot-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text().strip()
    checked = run(["ballot-key", "check"], tmp_path, env={"NLS_BALLOT_KEY": key})
    assert "(current): open poll(s) #2" in checked.stdout  # the demo's secret poll, sealed with it
    again = run(["demo"], tmp_path)  # the second start opens what the first sealed
    assert again.returncode == 0 and key_file.read_text().strip() == key
    wrong = run(["ballot-key", "check"], tmp_path, env={"NLS_BALLOT_KEY": run(["ballot-key", "new"], tmp_path).stdout})
    assert wrong.returncode == 1 and "(MISSING): open poll(s) #2" in wrong.stdout
