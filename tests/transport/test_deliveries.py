"""The delivery log (bot.transport.deliveries): keys accepted once, written in batches, kept until written."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import insert, select, text

from bot.infra.db import Database
from bot.transport import deadline
from bot.transport.deliveries import FLUSH_SECONDS, DeliveryLog
from models import ProcessedDelivery

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


async def recorded(db: Database) -> set[str]:
    async with db.reader() as session:
        return set((await session.execute(select(ProcessedDelivery.key))).scalars())


async def test_keys_are_accepted_once_and_written_in_a_batch(deps):
    log = DeliveryLog(deps.db)
    assert [log.accept(key, NOW) for key in ("event:A", "event:B", "event:A")] == [True, True, False]
    await asyncio.sleep(FLUSH_SECONDS * 3)
    assert await recorded(deps.db) == {"event:A", "event:B"}
    assert log.accept("event:A", NOW)  # written now: the database is what answers for it


async def test_the_batch_is_written_even_when_the_request_that_started_it_is_late(deps):
    """The flusher writes for every request: the deadline of the one that started it is not its own."""
    log = DeliveryLog(deps.db)
    with deadline.ack_clock(0):  # still unacknowledged and past its budget throughout
        assert log.accept("trigger:LATE", NOW)
        await asyncio.sleep(FLUSH_SECONDS * 3)
        assert await recorded(deps.db) == {"trigger:LATE"}
    await log.close()


async def test_keys_are_kept_while_the_table_cannot_be_written_and_written_after(deps):
    async with deps.db.transaction() as session:
        await session.execute(text("ALTER TABLE processed_deliveries RENAME TO processed_deliveries_away"))
    log = DeliveryLog(deps.db)
    assert log.accept("event:C", NOW)
    assert not await log.flush()
    assert not log.accept("event:C", NOW)  # still known to this process
    async with deps.db.transaction() as session:
        await session.execute(text("ALTER TABLE processed_deliveries_away RENAME TO processed_deliveries"))
    await log.close()
    assert await recorded(deps.db) == {"event:C"}


async def test_a_stop_during_a_write_keeps_the_batch_and_leaves_no_task_behind(deps):
    log = DeliveryLog(deps.db)
    async with deps.db.transaction() as other_writer:  # holds what the batch must write
        await other_writer.execute(insert(ProcessedDelivery).values(key="event:D", received_at=NOW))
        assert log.accept("event:D", NOW) and log.accept("event:E", NOW)
        await asyncio.sleep(FLUSH_SECONDS * 2)  # the flusher is now waiting on the other writer
        stopping = asyncio.create_task(log.close())
        await asyncio.sleep(0.05)
    await asyncio.wait_for(stopping, timeout=10)
    assert await recorded(deps.db) == {"event:D", "event:E"}
    assert not [t for t in asyncio.all_tasks() if "flush" in t.get_coro().__qualname__]
