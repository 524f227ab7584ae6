"""Engine, units of work and schema upgrades.

One `DATABASE_URL` picks the backend: SQLite through aiosqlite (the embedded default) or
PostgreSQL through asyncpg. Services never open sessions or commit; callers use
`Database.transaction()` (a write, committed at the end of the block) or `Database.reader()`.

SQLite details that matter for correctness:
- pysqlite's legacy transaction handling would not emit BEGIN before a SELECT, so we take over
  and emit it ourselves: writes use ``BEGIN IMMEDIATE`` (the write lock is taken up front, so a
  read-then-write transaction never fails to upgrade its lock), reads a deferred ``BEGIN``.
- WAL is a property of the file, set by the first connection that finds it unset; each
  connection gets foreign keys and a busy timeout.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from bot.infra import sqlite_async, write_batches
from bot.infra.settings import SettingsError
from bot.transport import claims
from bot.transport.deadline import refuse_if_overdue
from models.migration_hooks import UpgradeRefused

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")

MIGRATIONS = Path(__file__).resolve().parents[2] / "models" / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
NO_BEGIN = "none"  # the `sqlite_begin` of readers without a snapshot (see Database.reader)
WARM_UP_SECONDS = 15.0
PING_AFTER_SECONDS = 1.0  # a pooled connection unused this long is pinged before it is used again
RESTED_SINCE = "nls_rested_since"  # in a pooled connection's `info`: when it was last given back
MIGRATION_LOCK = 0x4E4C53  # 'NLS': the advisory lock key serialising schema upgrades


def async_url(url: str) -> str:
    """Map a plain URL to its async driver (`sqlite://` → aiosqlite, `postgresql://` → asyncpg)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    parsed = make_url(url)
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(async_url(url)).get_backend_name() == "sqlite"


class Database:
    """Owns the engine and hands out units of work."""

    def __init__(self, url: str, *, pool_size: int = 10, echo: bool = False) -> None:
        self.url = async_url(url)
        self.is_sqlite = is_sqlite(url)
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            # No pre-ping: a file cannot drop a connection, and on SQLite every statement is a hop
            # to aiosqlite's thread, made while the write lock below may be held. One hop per
            # statement, not four: see bot.infra.sqlite_async.
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
            kwargs["module"] = sqlite_async.driver()
        else:
            # Pinged when taken from the pool after a pause (see _ping_after_a_pause), not on every
            # checkout: SQLAlchemy's pre-ping is three round trips (BEGIN, ";", ROLLBACK) a time.
            kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_timeout=10, pool_recycle=1800)
            kwargs["connect_args"] = {"timeout": 5, "command_timeout": 30}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        self._installed(self.engine)
        # A connection of its own for the turns of batched saves (bot.infra.write_batches), and on
        # SQLite for every writer (they take turns, see the lock below): in the pool a turn queued
        # behind every reader, and under a burst, with each pooled connection a reader's, it
        # waited for all of them while the saves of a hundred requests waited for it.
        own = isinstance(self.engine.pool, AsyncAdaptedQueuePool)  # not SQLite's one in-memory connection
        self._own: AsyncEngine | None = None
        if own:
            # Pinged at every turn: a disconnect the pool sees does not invalidate this one, and a
            # turn carries many saves, so its three round trips are a small share of each.
            one = create_async_engine(self.url, **{**kwargs, "pool_size": 1, "max_overflow": 0})
            self._own = self._installed(one, always_ping=True)
        writer = self._own if self.is_sqlite and self._own is not None else self.engine
        self._writes = async_sessionmaker(writer.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False)
        turns = self._own if self._own is not None else self.engine
        self._turn_writes = async_sessionmaker(turns.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False)
        self._reads = async_sessionmaker(self.engine, expire_on_commit=False)
        loose_options = {"sqlite_begin": NO_BEGIN} if self.is_sqlite else {"isolation_level": "AUTOCOMMIT"}
        loose = self.engine.execution_options(**loose_options)
        self._loose_reads = async_sessionmaker(loose, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self._writer: asyncio.Task[object] | None = None
        self._batches: dict[Any, write_batches.WriteBatch[Any, Any]] = {}

    def _installed(self, engine: AsyncEngine, *, always_ping: bool = False) -> AsyncEngine:
        if self.is_sqlite:
            _install_sqlite_transaction_control(engine)
        else:
            _ping_after_a_pause(engine, always=always_ping)
        return engine

    @asynccontextmanager
    async def transaction(self, *, turn: bool = False) -> AsyncIterator[AsyncSession]:
        """A write unit of work: committed if the block succeeds, rolled back if it raises.
        One that would begin after its request's acknowledgement deadline raises `Busy` instead
        (bot.transport.deadline): nothing is written that the person would be told had failed.
        `turn`: a batch's turn (bot.infra.write_batches), on the connection kept for them."""
        sessions = self._turn_writes if turn else self._writes
        if self._write_lock is None:
            with claims.kept_if_committed() as made:
                async with sessions() as session, session.begin():
                    await _refuse_if_late(session, made)
                    yield session
            return
        # SQLite has one writer at a time. Queue our writers here (FIFO, no sleeping) rather than
        # letting them collide in SQLite's busy handler, which backs off for up to 100 ms a try.
        if self._writer is asyncio.current_task():
            raise RuntimeError("nested write transaction: finish the outer one first")
        async with self._write_lock:
            self._writer = asyncio.current_task()
            try:
                with claims.kept_if_committed() as made:
                    async with sessions() as session, session.begin():
                        await _refuse_if_late(session, made)
                        yield session
            finally:
                self._writer = None

    async def together(self, write: write_batches.Write[T, R], item: T) -> R:
        """Save `item` through `write(session, items)` in one transaction with the other saves
        of that `write` waiting for their turn (bot.infra.write_batches): returns once committed.
        Not from inside a write transaction: the batch's turn would wait for it to end."""
        if self._writer is not None and self._writer is asyncio.current_task():
            raise RuntimeError("nested write transaction: finish the outer one first")
        return await write_batches.batch_of(self._batches, self, write).save(item)

    @asynccontextmanager
    async def reader(self, *, snapshot: bool = True) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work (never blocks writers on SQLite). With `snapshot=False` its
        statements need not see one snapshot (a search: one statement, or independent ones), and
        each runs on its own, without the BEGIN and COMMIT round trips (PostgreSQL in autocommit,
        where READ COMMITTED gave each statement its own snapshot anyway); a streamed read, whose
        cursor lives in a transaction, needs the snapshot."""
        maker = self._reads if snapshot else self._loose_reads
        async with maker() as session, session.begin():
            yield session

    async def warm_up(self, rehearse: Callable[[AsyncSession], Awaitable[object]] | None = None) -> int:
        """Open the pool's connections (and the one batches' turns keep) before the first request,
        and on each `rehearse` what the requests will run, in a transaction rolled back so that
        nothing stays; returns how many were opened. A fresh process used to open them under its
        first burst, each connect and each first statement on a connection (asyncpg prepares it
        there) in the way of the others' acknowledgements, and Slack's 3 seconds ran out.
        Connections are held until all are open, so that the pool opens as many as it keeps;
        rehearsals take turns (on SQLite a writer waits for the one before). A failure is
        logged, never raised: nothing needs it."""
        size = self.engine.pool.size() if hasattr(self.engine.pool, "size") else 1
        own = 0 if self._own is None else 1  # the connection of batches' turns (and SQLite's writers)
        everyone_connected = asyncio.Barrier(size + own)
        turns = asyncio.Lock()

        async def one(sessions: async_sessionmaker[AsyncSession] = self._reads) -> None:
            try:
                async with sessions() as session, session.begin():
                    await session.connection()
                    await everyone_connected.wait()
                    async with turns:
                        if rehearse is not None:
                            await rehearse(session)
                    await session.rollback()
            except BaseException:
                await everyone_connected.abort()  # the others stop waiting and give theirs back
                raise

        try:
            async with asyncio.timeout(WARM_UP_SECONDS):  # one connection failing leaves the rest waiting
                await asyncio.gather(*(one() for _ in range(size)), *(one(self._turn_writes) for _ in range(own)))
        except Exception as exc:  # best effort: requests open what they need, as they did before
            log.warning("could not warm up the database pool (%s): connections open as requests come", exc)
            return 0
        return size + own

    async def ping(self) -> bool:
        try:
            async with asyncio.timeout(3), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def upgrade(self, *, ballot_keys: object = None) -> None:
        """Bring the schema to the newest migration (run at every start; a no-op when current).
        `ballot_keys` (bot.services.ballot_seal.BallotKeys) are for a migration that seals
        ballots; one that needs them and was given none stops with a line naming NLS_BALLOT_KEY.
        A migration may ask for its tables to be compacted afterwards (`compact` in the Alembic
        attributes), so rows it rewrote leave no readable copy in the freed space."""
        attributes: dict[str, Any] = {"ballot_keys": ballot_keys, "compact": []}
        try:
            async with self.engine.connect() as conn:
                if not self.is_sqlite:
                    # Several replicas may start at once: one migrates, the others wait and find it done.
                    await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                await conn.run_sync(_run_alembic, "upgrade", "heads", attributes)
                await conn.commit()
        except UpgradeRefused as refused:  # a setting to fix: the CLI says it in one line, as any other
            raise SettingsError(str(refused)) from refused
        if attributes["compact"]:
            await self.compact(attributes["compact"], whole_file=True)

    async def compact(self, tables: Sequence[str], *, whole_file: bool = False) -> None:
        """Leave no bytes of deleted rows in the database's files, only live rows, outside any
        transaction. PostgreSQL: `VACUUM FULL` rewrites `tables` into new files (a plain VACUUM
        only marks the space free). SQLite deletes with `secure_delete` on (see the connect hook),
        which zeroes a deleted row where it lay; what remains is older copies of pages in the WAL,
        which a truncating checkpoint removes, and with `whole_file` a VACUUM rewrites the file
        (for data deleted before `secure_delete` was on). Best effort: a failure is logged with
        what to run, never raised, because the data itself is already safe."""
        if self.is_sqlite:
            options: dict[str, Any] = {"sqlite_begin": NO_BEGIN}
            statements = [*(["VACUUM"] if whole_file else []), "PRAGMA wal_checkpoint(TRUNCATE)"]
        else:
            options, statements = {"isolation_level": "AUTOCOMMIT"}, [f"VACUUM FULL {', '.join(tables)}"]
        try:
            async with self.engine.connect() as conn:
                conn = await conn.execution_options(**options)
                for statement in statements:
                    await conn.exec_driver_sql(statement)
        except DBAPIError as exc:  # e.g. a role that does not own the tables
            log.warning("could not compact %s (%s); run as the tables' owner: %s", ", ".join(tables),
                        str(exc.orig).splitlines()[0], "; ".join(statements))  # fmt: skip

    async def current_revisions(self) -> set[str]:
        async with self.engine.connect() as conn:
            return await conn.run_sync(_current_heads)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._own is not None:
            await self._own.dispose()


async def _refuse_if_late(session: AsyncSession, made: list[claims.Claim]) -> None:
    """Check the request's deadline (bot.transport.deadline) once the waits are behind us: SQLite's writer
    queue and a pooled connection are where an overloaded process spends the time. Nothing has
    been written yet, so refusing here rolls back nothing."""
    await session.connection()
    refuse_if_overdue()
    await claims.claim_pending(session, made)  # a request's first write claims its delivery and view (bot.transport.claims)


def alembic_config(connection: Connection | None = None, attributes: dict[str, Any] | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes.update(attributes or {})
    cfg.attributes["connection"] = connection
    return cfg


def _run_alembic(connection: Connection, verb: str, target: str, attributes: dict[str, Any] | None = None) -> None:
    getattr(command, verb)(alembic_config(connection, attributes), target)


def _current_heads(connection: Connection) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    return set(MigrationContext.configure(connection).get_current_heads())


def _ping_after_a_pause(engine: AsyncEngine, *, always: bool = False) -> None:
    """After a PostgreSQL restart the pooled connections are dead: a connection taken from the
    pool after `PING_AFTER_SECONDS` unused is pinged first, and a dead one replaced quietly (the
    pool tries another, SQLAlchemy's pessimistic disconnect handling) instead of failing the
    request. Under load a connection comes back and goes out again within milliseconds, and a
    ping (three round trips through SQLAlchemy's asyncpg adapter) on each of those checkouts was a
    tenth of a modal submission's CPU. One that died since its last use under a second ago fails
    its statement, unless asyncpg already knows it closed (checked on every checkout, locally);
    SQLAlchemy then invalidates the pool, as it does for any disconnect."""

    @event.listens_for(engine.sync_engine, "connect")
    @event.listens_for(engine.sync_engine, "checkin")
    def _rested_since(dbapi_connection: Any, record: Any) -> None:
        record.info[RESTED_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping_if_rested(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        # A connection the server closed (a restart) is known closed locally as soon as the event
        # loop has read the reset: no round trip to ask, so a recently used one is checked too.
        if dbapi_connection.driver_connection.is_closed():
            raise DisconnectionError("connection closed by the server")
        if not always and time.monotonic() - record.info.get(RESTED_SINCE, 0.0) < PING_AFTER_SECONDS:
            return
        try:
            dbapi_connection.ping()
        except Exception as error:
            raise DisconnectionError(str(error)) from error


def _install_sqlite_transaction_control(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see module docstring
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode")
        if cursor.fetchone()[0].lower() not in ("wal", "memory"):
            cursor.execute("PRAGMA journal_mode=WAL")  # persistent: only the file's first connection sets it
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # A deleted row is overwritten with zeros, not left in a free cell: a secret poll's sealed
        # ballots are deleted at its close, and nothing should be readable of them in the file after.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Straight to the driver, which sends it with the transaction's first statement (see
        # bot.infra.sqlite_async): going through `exec_driver_sql` cost a whole statement execution.
        mode = conn.get_execution_options().get("sqlite_begin", "")
        if mode == NO_BEGIN:
            return  # a loose reader: each statement is its own read transaction
        dbapi_connection = conn.connection.dbapi_connection
        if isinstance(dbapi_connection, sqlite_async.OneTripConnection):
            dbapi_connection.begin_with_next_statement(f"BEGIN {mode}".strip())
        else:
            conn.exec_driver_sql(f"BEGIN {mode}".strip())
