"""An operator's first hour: every start-up mistake is one line naming what to fix and a non-zero
exit, never a traceback (unless `--verbose`); a half-configured start touches no database; the
demo network goes only where it is meant to; `serve` says where it listens.

Each test runs the real `nlsbot` in a subprocess, with the environment an operator would set."""

from __future__ import annotations

import socket
import sys
import tomllib

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from models import Organisation
from tests.support.databases import postgres_reachable, postgres_server_url
from tests.support.processes import (
    ROOT,
    SLACK_HTTP,
    environment,
    free_port,
    local_slack,
    messages,
    nlsbot,
    one_line,
    serving,
)
from tests.support.slackbot import BALLOT_KEY, SIGNING_SECRET


def closed_port() -> socket.socket:
    """A loopback port bound but not listening: a connection to it is refused at once."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def test_version_is_the_installed_one():
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "bot", "--version"], capture_output=True, text=True, env=environment(None)
    )
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert result.returncode == 0 and result.stdout.strip() == f"nlsbot {expected}"


# --- the database -----------------------------------------------------------------------------


async def test_an_unreachable_postgresql_is_one_line_naming_database_url_and_verbose_shows_the_traceback(tmp_path):
    with closed_port() as sock:
        url = f"postgresql://nlsbot@127.0.0.1:{sock.getsockname()[1]}/nlsbot"
        code, _, err = await nlsbot(tmp_path, "db", "upgrade", env={"DATABASE_URL": url})
        line = one_line(code, err, exit_code=1)  # 1: it may pass (a server still starting), unlike a setting
        assert "DATABASE_URL" in line and f"127.0.0.1:{sock.getsockname()[1]}" in line and "refused" in line
        code, _, err = await nlsbot(tmp_path, "db", "upgrade", "--verbose", env={"DATABASE_URL": url})
    assert code == 1 and "Traceback (most recent call last)" in err and "ConnectionRefusedError" in err
    assert err.strip().splitlines()[-1] == line  # the same line, last


async def test_a_postgresql_database_that_does_not_exist_is_one_line(tmp_path):
    if problem := postgres_reachable():
        pytest.skip(f"PostgreSQL unreachable ({problem})")
    url = make_url(postgres_server_url()).set(database="nlsbot_missing_db").render_as_string(hide_password=False)
    line = one_line(*(await nlsbot(tmp_path, "db", "current", env={"DATABASE_URL": url}))[::2])
    assert "nlsbot_missing_db does not exist" in line and "DATABASE_URL" in line


async def test_a_sqlite_file_in_a_directory_that_does_not_exist_is_one_line(tmp_path):
    url = f"sqlite:///{tmp_path}/no/such/dir/nlsbot.sqlite3"
    line = one_line(*(await nlsbot(tmp_path, "demo", "--into-this-database", env={"DATABASE_URL": url}))[::2])
    assert f"{tmp_path}/no/such/dir" in line and "DATABASE_URL" in line


# --- Slack's credentials ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "named"),
    [
        (
            {"SLACK_BOT_TOKEN": "abc", "SLACK_SIGNING_SECRET": SIGNING_SECRET},
            "SLACK_BOT_TOKEN: must be the app's bot token",
        ),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN: must be an app-level token"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"},
            "SLACK_SIGNING_SECRET: must be the app's Signing Secret",
        ),
    ],
)
async def test_a_malformed_credential_is_one_line_naming_it_and_never_repeats_it(tmp_path, env, named):
    line = one_line(*(await nlsbot(tmp_path, env=env))[::2])
    assert named in line
    assert not any(value in line for value in ("abc", "xoxb-2", "s3cret"))
    assert not (tmp_path / "nlsbot.sqlite3").exists()


async def test_a_bot_token_slack_refuses_stops_serve_in_one_line(tmp_path):
    async with local_slack() as slack:
        slack.fail_next("auth.test", status=200, error="invalid_auth")  # what Slack answers a revoked token
        env = {**SLACK_HTTP, "SLACK_API_URL": slack.base_url}
        code, _, err = await nlsbot(tmp_path, "serve", "--host", "127.0.0.1", "--port", str(free_port()), env=env)
    line = one_line(code, err)
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in line


async def test_an_app_token_slack_refuses_stops_socket_mode_instead_of_retrying_forever(tmp_path):
    async with local_slack() as slack:
        slack.fail_next("apps.connections.open", status=200, error="invalid_auth")
        env = {"SLACK_BOT_TOKEN": "xoxb-startup-test", "SLACK_APP_TOKEN": "xapp-1-refused", "NLS_BALLOT_KEY": BALLOT_KEY,
               "SLACK_API_URL": slack.base_url}  # fmt: skip
        code, _, err = await nlsbot(tmp_path, "socket", env=env)
        assert slack.calls_to("auth.test"), "the bot token is asked about first"
    line = one_line(code, err)
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in line


async def test_serve_logs_where_it_listens_and_no_bolt_token_warning(tmp_path):
    port = free_port()
    async with local_slack() as slack:
        env = {**SLACK_HTTP, "SLACK_API_URL": slack.base_url}
        async with serving(
            tmp_path, "--host", "127.0.0.1", "--port", str(port), "--no-scheduler", env=env, port=port
        ) as logs:
            pass
        assert slack.calls_to("auth.test")
    said = messages(logs)
    assert any(m.startswith(f"listening on http://127.0.0.1:{port} (POST /slack/events") for m in said), said
    assert not any("will be unused" in line for line in logs), logs
    # the event subscriptions of manifest.yml, compared with the listeners (bot.transport.event_subscriptions)
    assert any(m.startswith("manifest.yml and the event listeners ") for m in said), said


async def test_serve_listens_on_port_as_container_platforms_set_it(tmp_path):
    port = free_port()
    async with local_slack() as slack:
        env = {**SLACK_HTTP, "SLACK_API_URL": slack.base_url, "PORT": str(port)}
        async with serving(tmp_path, "--host", "127.0.0.1", "--no-scheduler", env=env, port=port):
            pass  # /healthz answered on PORT


async def test_slack_unreachable_at_start_is_one_warning_and_serve_goes_on(tmp_path):
    port = free_port()
    with closed_port() as nowhere:
        env = {
            **SLACK_HTTP,
            "SLACK_API_URL": f"http://127.0.0.1:{nowhere.getsockname()[1]}/api/",
            "NLS_SLACK_TIMEOUT": "2",
        }
        async with serving(
            tmp_path, "--host", "127.0.0.1", "--port", str(port), "--no-scheduler", env=env, port=port
        ) as logs:
            pass
    assert any(m.startswith("SLACK_BOT_TOKEN not checked: Slack cannot be reached") for m in messages(logs)), logs


async def test_a_port_in_use_is_one_line(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        async with local_slack() as slack:
            env = {**SLACK_HTTP, "SLACK_API_URL": slack.base_url}
            code, _, err = await nlsbot(tmp_path, "serve", "--host", "127.0.0.1", "--port", str(port), env=env)
    line = err.strip().splitlines()[-1]
    assert code == 2 and line.startswith(f"nlsbot: cannot listen on 127.0.0.1:{port}") and "PORT" in line, err
    assert "Traceback" not in err


# --- half a configuration, and where the demo goes ---------------------------------------------------


def organisations(database_url: str) -> int:
    url = make_url(database_url)
    driver = "sqlite" if url.get_backend_name() == "sqlite" else "postgresql+psycopg"
    engine = create_engine(url.set(drivername=driver))
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Organisation)).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"SLACK_BOT_TOKEN": "xoxb-half"},
            "nlsbot: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode) "
            "is; set one, or unset SLACK_BOT_TOKEN to use the local shell",
        ),
        (
            {"SLACK_APP_TOKEN": "xapp-half"},
            "nlsbot: SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not; set SLACK_BOT_TOKEN",
        ),
    ],
)
async def test_a_half_configured_start_stops_in_one_line_and_touches_no_database(tmp_path, database_url, env, expected):
    code, out, err = await nlsbot(
        tmp_path, env={**env, "DATABASE_URL": database_url, "NLS_BALLOT_KEY": BALLOT_KEY}, stdin="quit\n"
    )
    assert one_line(code, err).startswith(expected)
    assert "demo" not in out and organisations(database_url) == 0
    code, _, err = await nlsbot(tmp_path, env=env, stdin="quit\n")  # on the default local file: not even made
    assert one_line(code, err).startswith(expected) and not (tmp_path / "nlsbot.sqlite3").exists()


async def test_the_demo_goes_into_another_database_only_when_asked(tmp_path, database_url):
    env = {"DATABASE_URL": database_url, "NLS_BALLOT_KEY": BALLOT_KEY}
    code, out, err = await nlsbot(tmp_path, env=env, stdin="quit\n")  # `nlsbot` with no tokens: the shell
    assert code == 0, err
    assert "demo network is not loaded" in out and "[DEMO]" not in out and organisations(database_url) == 0
    line = one_line(*(await nlsbot(tmp_path, "demo", env=env))[::2])
    assert "--into-this-database" in line and organisations(database_url) == 0
    code, out, err = await nlsbot(tmp_path, "demo", "--into-this-database", env=env)
    assert code == 0 and "Demo data" in out, err
    assert organisations(database_url) > 0


# --- files ----------------------------------------------------------------------------------------


async def test_importing_a_file_that_is_not_there_is_one_translated_line(tmp_path):
    lines = {}
    for language in ("en", "fr"):
        code, _, err = await nlsbot(tmp_path, "import", "members", "nope.csv", env={"NLS_LOCALE": language})
        lines[language] = one_line(code, err, exit_code=1)
    assert all("nope.csv" in line for line in lines.values()) and lines["en"] != lines["fr"]
