"""Action plans at network scale: 2,000 action items, 300 owners, 5 leads.

One full run of the `action-reminders` and `lead-digest` jobs, exactly as the scheduler runs them,
against the local Slack Web API answering with a realistic latency (100 ms per call by default).
Every item is set up so its owner is owed a reminder at that moment (the worst day imaginable),
and the clock is a Monday at 09:00 in Toronto, so every lead is owed a digest too.

Measured: time to record (compute, render, write the ledger) and to deliver, sends per second,
peak memory; then the proof that nothing is sent twice — both jobs run again twice at once (as two
schedulers would), Slack must receive nothing new, and every ledger key was delivered exactly once.

    python -m bench.plans                       # SQLite in a temporary directory, NLS_SEND_RATE=5
    python -m bench.plans --rate 50 --database-url postgresql://postgres@127.0.0.1:5432/nls_bench
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from bot.app import web_client
from bot.deps import Deps
from bot.infra.db import Database
from bot.infra.settings import Settings
from bot.services import members, plans
from bot.slack.localslack.server import LocalSlack
from jobs import JobEnv
from jobs import plans as plan_jobs
from models import OutboundMessage, SendStatus, UserPref

PLAN_FILE = Path(__file__).resolve().parents[1] / "bot" / "data" / "strategic_plan_2022_2025.yml"
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # Monday 09:00 in Toronto
ZONES = ("America/Toronto", "America/Halifax", "America/Winnipeg", "America/St_Johns", None)
OBJECTIVES = [f"{d}.{o}" for d, count in ((1, 4), (2, 4), (3, 3), (4, 4)) for o in range(1, count + 1)]


def directory_rows(owners: int, leads: int) -> list[tuple[int, dict[str, str]]]:
    people = [(f"UOWN{n:05d}", f"Owner {n}", "staff") for n in range(owners)]
    people += [(f"ULEAD{n:04d}", f"Lead {n}", "staff;lead") for n in range(leads)]
    return [
        (line, {"org": f"Bench LIP {n % 60}", "kind": "LIP", "province": "ON", "slack_user_id": uid, "name": name,
                "roles": roles, "term_ends": ""})
        for line, (n, (uid, name, roles)) in enumerate(enumerate(people), start=2)
    ]  # fmt: skip


def actions(count: int, owners: int, today: date) -> list[dict[str, Any]]:
    """Due dates from 40 days ago to a week ahead: each item has a reminder occasion today or
    earlier (a week before, a day before, or weekly while overdue)."""
    return [
        {
            "ref": f"bench-{n}",
            "objective": OBJECTIVES[n % len(OBJECTIVES)],
            "title": f"Bench action item {n}",
            "owners": [f"UOWN{n % owners:05d}"],
            "start": today - timedelta(days=90),
            "due": today + timedelta(days=7 - n % 48),
            "status": "blocked" if n % 17 == 0 else "in_progress",
            "percent": n % 100,
        }
        for n in range(count)
    ]


async def seed(deps: Deps, items: int, owners: int, leads: int) -> float:
    started = time.perf_counter()
    today = NOW.date()
    created = NOW - timedelta(days=60)
    async with deps.db.transaction() as session:
        await members.import_members(session, directory_rows(owners, leads), today=today)
        for n in range(owners):
            if ZONES[n % len(ZONES)]:
                session.add(UserPref(slack_user_id=f"UOWN{n:05d}", tz=ZONES[n % len(ZONES)]))
        document = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
        await plans.import_plan(session, document, now=created)
        await plans.import_plan(session, {"plan": "2022-2025", "actions": actions(items, owners, today)}, now=created)
    return time.perf_counter() - started


async def run_jobs(env: JobEnv) -> tuple[str, str]:
    reminders = await plan_jobs.action_reminders(env, NOW)
    digests = await plan_jobs.lead_digest(env, NOW)
    return reminders, digests


async def ledger_counts(deps: Deps) -> tuple[int, Counter[SendStatus]]:
    async with deps.db.reader() as session:
        rows = await session.execute(
            select(OutboundMessage.status, func.count())
            .where(OutboundMessage.key.like("plan-reminder:%") | OutboundMessage.key.like("lead-digest:%"))
            .group_by(OutboundMessage.status)
        )
        statuses = Counter({status: n for status, n in rows.all()})
    return sum(statuses.values()), statuses


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(args: argparse.Namespace) -> dict[str, Any]:
    slack = await LocalSlack(latency=args.latency).start()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        settings = Settings(
            DATABASE_URL=url, SLACK_API_URL=slack.base_url, SLACK_BOT_TOKEN="xoxb-bench", NLS_SEND_RATE=args.rate
        )
        db = Database(url)
        await db.upgrade()
        deps = Deps(settings=settings, db=db, clock=lambda: NOW)
        seeded = await seed(deps, args.items, args.owners, args.leads)
        env = JobEnv(deps=deps, client=web_client(deps))
        rss_before = rss_mb()
        tracemalloc.start()
        started = time.monotonic()  # the local Slack stamps calls with the same clock
        reminders, digests = await run_jobs(env)
        elapsed = time.monotonic() - started
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        posts = [c for c in slack.calls_to("chat.postMessage") if "_failed" not in c.args]
        # the proof: two schedulers at once, then again; nothing new may be recorded or sent
        repeat = time.monotonic()
        again = await asyncio.gather(run_jobs(env), run_jobs(JobEnv(deps=deps, client=web_client(deps))))
        repeated = time.monotonic() - repeat
        after = [c for c in slack.calls_to("chat.postMessage") if "_failed" not in c.args]
        recorded, statuses = await ledger_counts(deps)
        distinct = Counter((c.args["channel"], json.dumps(c.args.get("blocks"), sort_keys=True)) for c in after)
        await db.dispose()
    await slack.stop()
    first_send = min(c.at for c in posts) if posts else 0.0
    last_send = max(c.at for c in posts) if posts else 0.0
    return {
        "database": "PostgreSQL" if url.startswith("postgres") else "SQLite",
        "items / owners / leads": f"{args.items} / {args.owners} / {args.leads}",
        "Slack latency per call": f"{args.latency * 1000:.0f} ms",
        "NLS_SEND_RATE": args.rate,
        "seed (directory + plan import)": f"{seeded:.1f} s",
        "reminders run": reminders,
        "digest run": digests,
        "full run (record + deliver)": f"{elapsed:.1f} s",
        "until the first send (find, render, record 2,000 reminders)": f"{first_send - started:.1f} s",
        "messages sent": len(posts),
        "sends per second (first to last send)": f"{(len(posts) - 1) / max(last_send - first_send, 1e-9):.2f}",
        "peak Python allocations during the run (tracemalloc)": f"{traced_peak / 2**20:.1f} MiB",
        "peak RSS (process, before -> after)": f"{rss_before:.0f} -> {rss_mb():.0f} MiB",
        "runs again, twice at once": " / ".join(" + ".join(pair) for pair in again),
        "those two concurrent no-op sweeps took": f"{repeated:.2f} s",
        "new sends after the repeat runs": len(after) - len(posts),
        "ledger rows / sent": f"{recorded} / {statuses.get(SendStatus.SENT, 0)}",
        "duplicate (recipient, message) pairs at Slack": sum(n - 1 for n in distinct.values() if n > 1),
    }


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--owners", type=int, default=300)
    parser.add_argument("--leads", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per Web API call (default 0.1)")
    parser.add_argument("--rate", type=float, default=5.0, help="NLS_SEND_RATE, messages per second (default 5)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file; a PostgreSQL database must be empty")
    return parser.parse_args()


if __name__ == "__main__":
    for name, value in asyncio.run(main(parse())).items():
        print(f"| {name} | {value} |")
