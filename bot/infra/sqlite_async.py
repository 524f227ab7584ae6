"""aiosqlite, one trip to its thread per statement.

aiosqlite runs each sqlite3 call on a thread of its own and hands the result back to the event
loop. SQLAlchemy's adapter makes four such trips per statement (open a cursor, execute, fetch,
close) and one more when the pool resets a connection that has nothing to roll back. Each trip
wakes a thread, passes the GIL and wakes the loop: about 65 µs of CPU here, several times what a
primary-key lookup costs inside SQLite. Every request runs a handful of statements, so the trips
were a large share of a request's CPU.

This adapter runs the whole statement (cursor, execute, fetch every row, close) as one call on
aiosqlite's thread, sends a transaction's BEGIN with its first statement, and skips COMMIT and
the pool's reset when SQLite itself reported, after the last statement, that no transaction is
open (either would then do nothing). A write of one statement is two trips instead of eight; on
SQLite, where writers take turns, fewer trips while holding the write lock is also less waiting
for everyone queued behind it. Everything else is SQLAlchemy's own
aiosqlite dialect: the URL stays `sqlite+aiosqlite`, and `Database` passes this module in with
`create_async_engine(module=...)`.

It relies on `aiosqlite.Connection._execute` (run a function on the connection's thread), the
same internal API SQLAlchemy's adapter reaches into; pyproject pins the aiosqlite versions it
was checked with, and every SQLite test goes through it.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

# description, rows, rowcount, lastrowid, whether a transaction is open afterwards
Outcome = tuple[Any, list[Any], int, int | None, bool]


def _run_statement(
    connection: aiosqlite.Connection, begin: str | None, sql: str, parameters: Any, many: bool
) -> Outcome:
    """On aiosqlite's thread: the transaction's BEGIN if it is still to be sent, then the
    statement from start to finish, rows and all."""
    cursor = connection._conn.cursor()
    try:
        if begin:
            cursor.execute(begin)
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid, connection._conn.in_transaction
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor whose every execute is a single trip to aiosqlite's thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")
    _awaitable_cursor_close = False  # there is no aiosqlite cursor left open to close

    def __init__(self, adapt_connection: OneTripConnection) -> None:  # no trip: nothing to open yet
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int | None:  # type: ignore[override]
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:  # every row is fetched at once anyway
        pass

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._run(operation, () if parameters is None else parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> None:
        self._run(operation, seq_of_parameters, many=True)

    def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        try:
            await_(self._run_async(operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _run_async(self, operation: Any, parameters: Any, many: bool) -> None:
        adapted: OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        async with adapted._execute_mutex:
            begin, adapted.pending_begin = adapted.pending_begin, None
            adapted.in_transaction = None  # unknown until SQLite says, should this fail
            outcome = await self._connection._execute(
                _run_statement, self._connection, begin, operation, parameters, many
            )
        self._description, rows, self._rowcount, self._lastrowid, adapted.in_transaction = outcome
        self._rows = collections.deque(rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection with one-trip cursors and no idle rollbacks.

    `in_transaction` is what SQLite reported after the last statement, commit or rollback
    (None when unknown, e.g. after an error): only a known "no" skips the pool's reset.
    `pending_begin` is a BEGIN not sent yet: it goes with the transaction's first statement."""

    __slots__ = ("in_transaction", "pending_begin")
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: aiosqlite.Connection) -> None:
        super().__init__(dbapi, connection)
        self.in_transaction: bool | None = False
        self.pending_begin: str | None = None

    def begin_with_next_statement(self, begin: str) -> None:
        """Start a transaction with the next statement's trip rather than a trip of its own; a
        transaction that runs no statement then never begins. (With IMMEDIATE, SQLite's write
        lock is taken at that first statement instead of just before it.)"""
        self.pending_begin = begin

    def cursor(self, server_side: bool = False) -> Any:
        if server_side and self.pending_begin:  # a streamed read runs on aiosqlite's own cursor
            self._send_pending_begin()
        return super().cursor(server_side)

    def _send_pending_begin(self) -> None:
        begin, self.pending_begin = self.pending_begin, None
        try:
            await_(self._connection.execute(begin))
        except Exception as error:
            self._handle_exception(error)
        self.in_transaction = None

    def commit(self) -> None:
        self.pending_begin = None
        if self.in_transaction is False:
            return  # nothing to commit: SQLite's COMMIT would be a no-op too
        self.in_transaction = None
        super().commit()
        self.in_transaction = False

    def rollback(self) -> None:
        self.pending_begin = None
        if self.in_transaction is False:
            return
        super().rollback()
        self.in_transaction = False


class OneTripDriver(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module SQLAlchemy's aiosqlite dialect is given in place of its own."""

    def connect(self, *args: Any, **kwargs: Any) -> OneTripConnection:
        adapted = super().connect(*args, **kwargs)
        return OneTripConnection(self, adapted._connection)


def driver() -> OneTripDriver:
    return OneTripDriver(aiosqlite, sqlite3)
