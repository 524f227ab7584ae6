"""An operator's mistake at start, said in one line that names what to fix.

`nlsbot` reaches its database, Slack and the files it is given before anything else; when one of
them is wrong the driver raises from deep inside (a 100-line traceback ending in
`ConnectionRefusedError` or `database "…" does not exist`), and the operator has to dig the
setting out of it. `StartupError` carries the i18n key of the line instead (the CLI prints it in
NLS_LOCALE and exits 2: a setting to fix; `Unreachable` exits 1: what is needed does not answer,
which may pass). `explain_database_error` turns the driver failures an operator can cause (server
down or unreachable, no such database, a refused user, an unopenable SQLite file) into one, for the
first contact only (`reaching_the_database`): later, an OSError may as well be Slack's. Anything
else is left alone: a traceback is then the right answer, a bug is ours.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.infra.db import async_url
from bot.infra.i18n import Translator

# PostgreSQL's SQLSTATE codes (asyncpg and psycopg both expose `sqlstate`) an operator can cause.
NO_SUCH_DATABASE = "3D000"
REFUSED_STATES = frozenset({"28000", "28P01", "42501"})  # role unknown or not allowed, bad password, no rights


class StartupError(Exception):
    """Stop before serving; `key` names the one line in the catalogs (bot/infra/i18n/catalogs/*/cli.toml)."""

    exit_code = 2

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(f"{key} {params}")

    def line(self, t: Translator) -> str:
        return t(self.key, **self.params)


class Unreachable(StartupError):
    """What the process needs is not answering, which may pass (a database server still starting):
    exit 1, so a supervisor restarts it, where a setting to fix (exit 2) would only fail again."""

    exit_code = 1


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and what it was raised from, SQLAlchemy's wrapper to the driver's own error."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


@contextmanager
def reaching_the_database(database_url: str) -> Iterator[None]:
    """Around a command's first use of the database (its schema upgrade, the shell's key file
    beside it): a failure an operator caused becomes its one line, the driver's error its cause."""
    check_sqlite_file(database_url)
    try:
        yield
    except Exception as exc:
        explained = explain_database_error(exc, database_url)
        if explained is None:
            raise
        raise explained from exc


def check_sqlite_file(database_url: str) -> None:
    """A SQLite file that cannot be opened, said before trying: SQLite writes its file and, beside
    it, its WAL (so the directory must be writable too), and a failed open leaves aiosqlite's
    thread to report on a closed event loop, a traceback of its own after the line."""
    url = make_url(async_url(database_url))
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    path = Path(url.database)
    directory = path.parent
    if not directory.is_dir():
        raise StartupError("cli.database.sqlite_no_directory", path=str(path), directory=str(directory))
    writable = os.access(directory, os.W_OK | os.X_OK) and (not path.exists() or os.access(path, os.R_OK | os.W_OK))
    if not writable:
        raise StartupError("cli.database.sqlite_not_writable", path=str(path), directory=str(directory))


def explain_database_error(exc: BaseException, database_url: str) -> StartupError | None:
    """The one line for a failure to reach or open `database_url`, or None if it is not one."""
    url = make_url(async_url(database_url))
    if url.get_backend_name() == "sqlite":
        return _explain_sqlite(exc, url.database or "")
    server = f"{url.host or 'localhost'}:{url.port or 5432}"
    shown = make_url(database_url).render_as_string(hide_password=True)
    for cause in _chain(exc):
        state = getattr(cause, "sqlstate", None)
        if state == NO_SUCH_DATABASE:
            return StartupError("cli.database.missing", name=url.database or "", server=server)
        if state in REFUSED_STATES:
            reason = str(cause).splitlines()[0] if str(cause) else state
            return StartupError("cli.database.refused", url=shown, reason=reason)
    for cause in _chain(exc):
        if isinstance(cause, ConnectionRefusedError):
            return Unreachable("cli.database.connection_refused", server=server)
        if isinstance(cause, socket.gaierror):
            return Unreachable("cli.database.unknown_host", host=url.host or "")
        if isinstance(cause, TimeoutError):
            return Unreachable("cli.database.no_answer", server=server, reason="timed out")
        if isinstance(cause, OSError):
            return Unreachable("cli.database.no_answer", server=server, reason=cause.strerror or str(cause))
    return None


def _explain_sqlite(exc: BaseException, path: str) -> StartupError | None:
    """SQLite can only fail to open its file (a missing directory, no right to write there, a
    read-only file), or the shell its key file beside it; every other sqlite3 error is a
    statement's, and so not the operator's."""
    for cause in _chain(exc):
        if isinstance(cause, sqlite3.OperationalError) and ("unable to open" in str(cause) or "readonly" in str(cause)):
            return StartupError("cli.database.sqlite_file", path=path, reason=str(cause))
        if isinstance(cause, OSError) and not isinstance(cause, TimeoutError):
            return StartupError("cli.database.sqlite_file", path=path, reason=cause.strerror or str(cause))
    return None
