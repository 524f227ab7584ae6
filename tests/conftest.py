"""Shared fixtures: real databases (SQLite and PostgreSQL), the local Slack Web API server, and the
bot itself served over HTTP by uvicorn on loopback.

Every test that takes `database_url` (directly or through `deps`/`bot`) runs once per backend
in `NLS_TEST_BACKENDS` (default: `sqlite,postgresql`)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.deps import Deps
from bot.infra.db import Database
from bot.infra.settings import Settings
from bot.slack.localslack.reference import REFERENCE, MethodSpec
from bot.slack.localslack.server import LocalSlack
from tests.support.databases import PostgresDatabase, SqliteTemplate, postgres_reachable
from tests.support.serving import serving
from tests.support.slackbot import BALLOT_KEY, SIGNING_SECRET, BotClient

BACKENDS = [b.strip() for b in os.environ.get("NLS_TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()]
_pg_problem: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _pg_problem
    if "postgresql" in BACKENDS:
        _pg_problem = postgres_reachable()
        if _pg_problem and os.environ.get("CI") == "true":
            pytest.exit(f"PostgreSQL is required under CI and unreachable: {_pg_problem}", returncode=1)


def pytest_report_header(config: pytest.Config) -> str:
    pg = "unreachable: " + _pg_problem if _pg_problem else "ok"
    methods = len(MethodSpec.load().methods)
    return f"nlsbot backends: {', '.join(BACKENDS)} (postgresql {pg}); slack reference: {REFERENCE.name}, {methods} methods"


class Clock:
    """The bot's notion of now, settable by a test (None = the real time)."""

    def __init__(self) -> None:
        self.fixed: datetime | None = None

    def __call__(self) -> datetime:
        return self.fixed or datetime.now(UTC)

    def set(self, value: datetime) -> None:
        self.fixed = value if value.tzinfo else value.replace(tzinfo=UTC)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_db() -> Iterator[PostgresDatabase]:
    database = PostgresDatabase()
    yield database
    database.drop()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_template").fresh(tmp_path)
    if _pg_problem:
        pytest.skip(f"PostgreSQL unreachable ({_pg_problem}); CI=true makes this a failure")
    pg: PostgresDatabase = request.getfixturevalue("postgres_db")
    pg.clean()
    return pg.url


@pytest.fixture
async def slack() -> AsyncIterator[LocalSlack]:
    """The stand-in checks calls against the Slack reference committed in the package, the same
    table the shell uses, so the suite needs nothing outside the repository."""
    server = await LocalSlack().start()
    yield server
    await server.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(database_url: str, slack: LocalSlack) -> Settings:
    return Settings(
        DATABASE_URL=database_url,
        SLACK_API_URL=slack.base_url,
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        NLS_SEND_RATE=50,
        NLS_BALLOT_KEY=BALLOT_KEY,
    )


@pytest.fixture
async def deps(settings: Settings, clock: Clock) -> AsyncIterator[Deps]:
    deps = Deps(settings=settings, db=Database(settings.database_url), clock=clock)
    yield deps
    await deps.close()


@pytest.fixture
async def bot(deps: Deps, slack: LocalSlack) -> AsyncIterator[BotClient]:
    """The real app behind uvicorn on a loopback port, spoken to over HTTP."""
    async with serving(deps, slack) as client:
        yield client
