"""App Home benchmark: time to publish a Home (one read of every contributor, the builder, one
views.publish) with 100,000 resources and 2,000 action items, and the number of SQL statements it
takes — which must not depend on the size of the data.

    python -m bench.home [--resources 100000] [--items 2000] [--database sqlite|postgresql] [--repeat 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time

from sqlalchemy import event

from bench.plans import NOW, seed
from bench.search import generate, load, postgres_database
from bot.app import web_client
from bot.deps import Deps
from bot.infra.db import Database
from bot.infra.settings import Settings
from bot.slack.localslack.server import LocalSlack
from handlers.home import publish_home

LEAD, OWNER = "ULEAD0000", "UOWN00000"


async def timed_publishes(deps: Deps, user: str, repeat: int) -> tuple[list[float], int]:
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    client = web_client(deps)
    await publish_home(deps, client, user)  # warm caches and the compiled-statement cache
    timings = []
    event.listen(deps.db.engine.sync_engine, "before_cursor_execute", count)
    for _ in range(repeat):
        started = time.perf_counter()
        await publish_home(deps, client, user)
        timings.append((time.perf_counter() - started) * 1000)
    event.remove(deps.db.engine.sync_engine, "before_cursor_execute", count)
    return timings, statements // repeat


async def run(args: argparse.Namespace) -> None:
    drop = None
    if args.database == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='nlshome-')}/home.sqlite3"
    else:
        url, drop = postgres_database(args.postgres)
    slack = await LocalSlack().start()
    db = Database(url)
    try:
        await db.upgrade()
        deps = Deps(settings=Settings(DATABASE_URL=url, SLACK_API_URL=slack.base_url, SLACK_BOT_TOKEN="xoxb-bench"), db=db,
                    clock=lambda: NOW)  # fmt: skip
        await seed(deps, args.items, owners=300, leads=5)
        build, _ = await load(db, generate(args.resources))
        print(f"{args.database}: {args.resources:,} resources and {args.items:,} action items loaded ({build:.0f} s)")
        for who, user in (("lead (plan at a glance, feedback, consultations)", LEAD), ("owner of ~7 items", OWNER)):
            timings, statements = await timed_publishes(deps, user, args.repeat)
            ordered = sorted(timings)
            p95 = ordered[int(0.95 * (len(ordered) - 1))]
            print(f"  {who}: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, {statements} SQL statements")
    finally:
        await db.dispose()
        await slack.stop()
        if drop:
            drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
