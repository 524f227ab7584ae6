"""Units of work (bot.infra.db), the one-trip SQLite adapter (bot.infra.sqlite_async) and the pool's warm-up at
start, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from bot.infra.db import Database
from bot.transport import submissions
from models import UserPref
from models.feedback import Feedback
from models.ops import ProcessedDelivery, SubmittedView


async def count_prefs(db: Database) -> int:
    async with db.reader() as session:
        return (await session.execute(select(func.count()).select_from(UserPref))).scalar_one()


async def test_a_reader_sees_one_snapshot_and_a_loose_reader_each_statement_fresh(deps):
    db = deps.db
    async with db.reader() as snapshot, db.reader(snapshot=False) as loose:
        count = select(func.count()).select_from(UserPref)
        assert (await snapshot.execute(count)).scalar_one() == 0
        assert (await loose.execute(count)).scalar_one() == 0
        async with db.transaction() as session:
            await session.execute(insert(UserPref).values(slack_user_id="UNEW00001"))
        assert (await loose.execute(count)).scalar_one() == 1
        if db.is_sqlite:  # PostgreSQL reads committed data per statement in either
            assert (await snapshot.execute(count)).scalar_one() == 0


async def test_statements_report_rows_counts_and_keep_working_after_an_error(deps):
    db = deps.db
    async with db.transaction() as session:
        await session.execute(insert(UserPref), [{"slack_user_id": f"UMANY{n:04d}"} for n in range(5)])
        changed = await session.execute(update(UserPref).where(UserPref.slack_user_id < "UMANY0002").values(tz="UTC"))
        assert changed.rowcount == 2
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await session.execute(insert(UserPref).values(slack_user_id="UMANY9999"))
            await session.execute(insert(UserPref).values(slack_user_id="UMANY0000"))  # a duplicate
    assert await count_prefs(db) == 5  # the failed unit of work left nothing behind
    async with db.reader() as session:
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1


async def test_a_streamed_read_is_inside_its_transaction(deps):
    """The first statement of a unit of work carries its BEGIN; a streamed one too."""
    async with deps.db.transaction() as session:
        await session.execute(insert(UserPref), [{"slack_user_id": f"USTREAM{n:02d}"} for n in range(3)])
    async with deps.db.reader() as snapshot:
        streamed = await snapshot.stream(select(UserPref.slack_user_id).order_by(UserPref.slack_user_id))
        first = await streamed.fetchmany(1)
        async with deps.db.transaction() as session:
            await session.execute(insert(UserPref).values(slack_user_id="USTREAM99"))
        rest = [row async for row in streamed]
        later = (await snapshot.execute(select(func.count()).select_from(UserPref))).scalar_one()
    assert len(first) + len(rest) == 3
    if deps.db.is_sqlite:  # one snapshot from the stream's first row on
        assert later == 3


async def test_warm_up_opens_the_whole_pool_and_leaves_nothing_written(deps):
    """A fresh process opens its pool before the first request (bot.runtime), and on each
    connection rehearses a modal submission's statements, rolled back: on PostgreSQL each
    connection then has them prepared."""
    db = deps.db
    pool = db.engine.pool
    assert pool.checkedin() + pool.checkedout() == 0  # nothing opened yet
    assert await db.warm_up(submissions.rehearse) == pool.size() + 1  # and the connection batches' turns keep
    assert pool.checkedin() == pool.size()
    for model in (Feedback, SubmittedView, ProcessedDelivery, UserPref):
        async with db.reader() as session:
            assert (await session.execute(select(func.count()).select_from(model))).scalar_one() == 0
    if db.is_sqlite:
        return
    held = [await db.engine.connect() for _ in range(pool.size())]  # every pooled connection at once
    try:
        for conn in held:
            prepared = await conn.exec_driver_sql("SELECT statement FROM pg_prepared_statements")
            statements = " ".join(row[0] for row in prepared)
            assert "INSERT INTO submitted_views" in statements and "INSERT INTO feedback" in statements
    finally:
        for conn in held:
            await conn.close()
