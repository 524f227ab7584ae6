"""Bulk sends at Slack's floor: 200 DMs through the real sender against the local Slack Web API,
with 429s injected, the total time beside the floor (the sum of the Retry-After waits), and the
proof that every message went exactly once and each person's in the order they were recorded.

    python -m bench.sends                      # 200 DMs to 90 people, the default NLS_SEND_RATE, SQLite
    python -m bench.sends --rate 50 --inject person --database-url postgresql://…/nls_bench

Five 429s are injected, with Retry-After 1, 2, 2, 3 and 3 s (11 s in all), in one of two ways:
`next` answers the next five chat.postMessage calls with them, whatever their channel (as Slack
refusing part of a burst would); `person` gives all five to one person's messages, one after
another (three to the first, which the sender waits out in the run, two to the next), where the
waits must add up: the sum is then a true floor. The messages are recorded in the ledger first (as
the jobs do) and sent by `deliver_due` exactly as the `deliver-messages` sweep calls it (one run
per 500 messages, back to back), with the pooled HTTP session the serving process uses. The
stand-in also enforces Slack's own limits (one message a second per channel with a short burst,
each tier per method): a 429 the sender provoked by outrunning them is counted apart from the
injected ones. Past a minute's worth of NLS_SEND_RATE (300 at the default) the workspace allowance
is the floor instead: that one is printed too.

Exits 1 when a message is missing, was delivered twice, reached its person out of order, or is not
recorded as sent, or when a second sweep sends anything; the time is reported, not judged (on a
busy machine it is noisy: CPU per message is printed beside it).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bot.app import web_client
from bot.deps import Deps
from bot.infra.db import Database
from bot.infra.settings import Settings
from bot.services import outbox
from bot.slack.http_session import attach_session, close_session
from bot.slack.localslack.server import Call, LocalSlack
from bot.slack.sender import deliver_due
from models import SendStatus

POST = "chat.postMessage"
RETRY_AFTERS = (1, 2, 2, 3, 3)
TARGET = 1.10  # within the sum of the Retry-After waits + 10 %
PER_RUN = 500  # what one deliver_due run (the sweep's) sends at most: more takes runs back to back


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def recipients(messages: int, people: int) -> list[str]:
    """Message n goes to person n mod `people`: a person's messages are recorded apart, as a
    reminder and then a digest would be, and some people get one more than others."""
    return [f"UBENCH{n % people:04d}" for n in range(messages)]


def inject(slack: LocalSlack, how: str, first: str, second: str) -> None:
    """`next`: the next calls, whoever they are for; `person`: three to one person's first message
    (`first`, as many as the sender waits out in its run) and two to their next (`second`)."""
    for n, seconds in enumerate(RETRY_AFTERS):
        key = first if n < 3 else second
        slack.fail_next(POST, retry_after=seconds, where=(lambda a, k=key: a["text"] == k) if how == "person" else None)


def verdicts(calls: list[Call], expected: dict[str, tuple[str, int]]) -> dict[str, Any]:
    """Exactly once and in order, from what Slack accepted, in the order it accepted it."""
    accepted = [c for c in calls if c.method == POST and "_failed" not in c.args and "_error" not in c.args]
    counts = Counter(c.args["text"] for c in accepted if c.args["text"] in expected)
    per_person: dict[str, list[int]] = defaultdict(list)
    for call in accepted:
        if call.args["text"] in expected:
            channel, n = expected[call.args["text"]]
            per_person[channel].append(n)
    return {
        "missing": len(set(expected) - set(counts)),
        "twice or more": sum(1 for n in counts.values() if n > 1),
        "people out of order": sum(1 for seq in per_person.values() if seq != sorted(seq)),
    }


def longest_chain(calls: list[Call], latency: float) -> tuple[int, float]:
    """The person whose messages met the most Retry-After (the injected 429s, in the order used):
    that sum, and the least their messages could take, the waits plus a round trip per call."""
    refused = [c for c in calls if c.method == POST and c.args.get("_failed") == 429 and "_over_limit" not in c.args]
    waits: Counter[str] = Counter()
    for call, seconds in zip(refused, RETRY_AFTERS, strict=False):
        waits[call.args["channel"]] += seconds
    if not waits:
        return 0, 0.0
    channel, seconds = waits.most_common(1)[0]
    return seconds, seconds + sum(1 for c in calls if c.method == POST and c.args["channel"] == channel) * latency


async def run(args: argparse.Namespace, how: str) -> dict[str, Any]:
    slack = await LocalSlack(latency=args.latency, rate_limits=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        chosen = {"NLS_SEND_RATE": args.rate} if args.rate else {}
        settings = Settings(DATABASE_URL=url, SLACK_API_URL=slack.base_url, SLACK_BOT_TOKEN="xoxb-bench", **chosen)
        db = Database(url)
        await db.upgrade()
        deps = Deps(settings=settings, db=db)
        prefix = f"bench-send:{uuid.uuid4().hex[:8]}"
        people = recipients(args.messages, args.people)
        expected = {f"{prefix}:{n}": (channel, n) for n, channel in enumerate(people)}
        async with db.transaction() as session:
            for key, (channel, _) in expected.items():
                await outbox.enqueue(session, key=key, channel=channel, text=key, now=deps.now())
        inject(slack, how, f"{prefix}:0", f"{prefix}:{args.people}")  # the first person's first two
        client = web_client(deps)
        attach_session(client)
        load_before = load_average()
        cpu, started = time.process_time(), time.monotonic()
        reports = [await deliver_due(deps, client) for _ in range(-(-args.messages // PER_RUN))]
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
        again = await deliver_due(deps, client)
        load_after = load_average()
        async with db.reader() as session:
            ledger = Counter((await outbox.statuses(session, list(expected))).values())
        await close_session(client)
        await db.dispose()
    await slack.stop()
    calls = list(slack.calls)
    floor = sum(RETRY_AFTERS)
    rate = settings.send_rate_per_second
    allowance_floor = max(0.0, args.messages - rate * 60) / rate
    checks = verdicts(calls, expected)
    checks["not recorded as sent"] = args.messages - ledger.get(SendStatus.SENT, 0)
    checks["sent by a second sweep"] = again.sent
    refused = [c for c in calls if c.method == POST and c.args.get("_failed") == 429]
    most_held, chain = longest_chain(calls, args.latency)
    return {
        "429s injected": how,
        "messages / people": f"{args.messages} / {args.people}",
        "database": "PostgreSQL" if url.startswith("postgres") else "SQLite",
        "NLS_SEND_RATE / Slack latency": f"{rate:g} / {args.latency * 1000:.0f} ms",
        "total (first claim to last send recorded)": f"{elapsed:.2f} s",
        "floor: the sum of the Retry-After waits": f"{floor} s",
        "floor: NLS_SEND_RATE past its minute's worth": f"{allowance_floor:.1f} s",
        "total / floor": f"{elapsed / floor:.2f}",
        f"within the floor + {TARGET - 1:.0%}": "yes" if elapsed <= floor * TARGET else "NO",
        "the most Retry-After one person met": f"{most_held} s",
        "that person's floor: their waits + a round trip per call": f"{chain:.2f} s",
        "CPU per message (this process)": f"{cpu / args.messages * 1000:.2f} ms",
        "sender's report (each run)": "; ".join(map(str, reports)),
        "429s: injected / provoked by outrunning Slack's limits": (
            f"{sum(1 for c in refused if '_over_limit' not in c.args)} / "
            f"{sum(1 for c in refused if '_over_limit' in c.args)}"
        ),
        **{f"check: {name}": value for name, value in checks.items()},
        "load average before -> after": f"{load_before} -> {load_after}",
        "_ok": not any(checks.values()),
    }


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--people", type=int, default=90)
    parser.add_argument("--rate", type=float, help="NLS_SEND_RATE (default: the setting's default)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per Web API call (default 0.1)")
    parser.add_argument("--inject", default="next,person", help="next, person, or both (default)")
    parser.add_argument(
        "--database-url", help="default: a fresh SQLite file; PostgreSQL: a database the bench may write to"
    )
    return parser.parse_args()


def main(args: argparse.Namespace) -> bool:
    # each scenario in an event loop of its own, as a fresh process: the sender's limits (one set
    # per loop) must not carry the first one's spent allowance into the second
    results = [asyncio.run(run(args, how.strip())) for how in args.inject.split(",") if how.strip()]
    print("| | " + " | ".join(r["429s injected"] for r in results) + " |")
    print("|---|" + "---|" * len(results))
    for name in results[0]:
        if not name.startswith("_") and name != "429s injected":
            print(f"| {name} | " + " | ".join(str(r[name]) for r in results) + " |")
    return all(r["_ok"] for r in results)


if __name__ == "__main__":
    sys.exit(0 if main(parse()) else 1)
