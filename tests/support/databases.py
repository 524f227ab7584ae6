"""Real databases for the suite: a migrated SQLite template copied per test, and a PostgreSQL
database created for the run, migrated once and truncated between tests.

`NLS_TEST_POSTGRES_URL` (default `postgresql://postgres@127.0.0.1:5432/test`) names the server; the
suite creates its own database there. Under `CI=true` an unreachable PostgreSQL fails the run."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.infra.db import Database

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_server_url() -> str:
    return os.environ.get("NLS_TEST_POSTGRES_URL", DEFAULT_PG)


def postgres_reachable() -> str | None:
    """None if reachable, else the reason."""
    try:
        engine = create_engine(_sync(postgres_server_url()), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


def _sync(url: str) -> str:
    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _migrate(url: str) -> None:
    async def go() -> None:
        db = Database(url)
        await db.upgrade()
        await db.dispose()

    asyncio.run(go())


class SqliteTemplate:
    def __init__(self, directory: Path) -> None:
        self.template = directory / "template.sqlite3"
        _migrate(f"sqlite:///{self.template}")

    def fresh(self, directory: Path) -> str:
        target = directory / f"nls-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"


class PostgresDatabase:
    def __init__(self) -> None:
        server = make_url(postgres_server_url())
        self.name = f"nlsbot_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._admin = create_engine(
            _sync(str(server.render_as_string(hide_password=False))), isolation_level="AUTOCOMMIT"
        )
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = server.set(database=self.name).render_as_string(hide_password=False)
        _migrate(self.url)
        self._engine = create_engine(_sync(self.url))
        with self._engine.connect() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'")
            ).scalars()
            self._tables = ", ".join(f'"{t}"' for t in tables)

    def clean(self) -> None:
        with self._engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {self._tables} RESTART IDENTITY CASCADE"))

    def drop(self) -> None:
        self._engine.dispose()
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self._admin.dispose()
