"""Ballots through the real vote path: signed `/nls vote N M` requests over HTTP into `nlsbot serve`
(a separate process), each answered only after its ballot is committed — so the latency measured is
the voter's wait for "recorded", and ballots per second is what the server can commit.

A network poll over `--orgs` organisations: every rep votes once, `--repeat` of them press again
(a change on an open poll, a refusal on a secret one) and as many other staff members try to vote
for their organisation (refused, told who holds the vote). Requests leave `--concurrency` at a
time (closed loop), in shuffled order. Afterwards the bench checks there is exactly one receipt
and one ballot per organisation.

    python -m bench.polls                                  # SQLite: open and secret, 3 rounds each
    python -m bench.polls --database postgresql            # BENCH_POSTGRES_URL, default below
    python -m bench.polls --orgs 800 --concurrency 64 --kinds secret --rounds 1

Each run also times the vote transaction alone, in this process (the service, no HTTP), and the
close: for a secret poll that is where sealing costs (one AES-GCM per ballot, then opening and
rewriting them all at close), measured without Bolt's and HTTP's noise around it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.infra.db import Database
from bot.services import polls
from bot.services.ballot_seal import BallotKeys
from bot.services.members import get_member, import_members
from bot.shell import payloads
from bot.slack.localslack.server import LocalSlack
from models.polls import Electorate, PollKind, PollOpenBallot, PollReceipt, PollSealedBallot

ROOT = Path(__file__).resolve().parents[1]
SECRET = "be4c5eca1ab1e5ec2e7be4c5eca1ab1e"  # hexadecimal, as Slack makes them (bot.infra.settings checks)
ADMIN = "UBENCHADM"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/nls_bench_polls"


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    elapsed: float = 0.0

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rows(orgs: int) -> list[tuple[int, dict[str, str]]]:
    people = [("Bench Secretariat", ADMIN, "Bench Admin", "staff;admin")]
    for n in range(orgs):
        people += [(f"Bench LIP {n:04d}", f"UBREP{n:05d}", f"Rep {n}", "rep;staff")]
        people += [(f"Bench LIP {n:04d}", f"UBSTF{n:05d}", f"Staff {n}", "staff")]
    return [
        (line, {"org": org, "kind": "LIP", "province": "ON", "slack_user_id": uid, "name": name, "roles": roles,
                "term_ends": ""})
        for line, (org, uid, name, roles) in enumerate(people, start=2)
    ]  # fmt: skip


def fresh_postgres(url: str) -> str:
    """Drop and recreate the bench database, so every run starts empty."""
    target = make_url(url)
    admin = create_engine(
        target.set(drivername="postgresql+psycopg", database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return url


async def seed(url: str, orgs: int, secret: bool, now: datetime) -> int:
    db = Database(url)
    await db.upgrade()
    async with db.transaction() as session:
        await import_members(session, rows(orgs), today=date(2026, 1, 15))
    await db.dispose()
    return await add_poll(url, secret, now)


async def add_poll(url: str, secret: bool, now: datetime) -> int:
    db = Database(url)
    async with db.transaction() as session:
        poll = await polls.create_poll(
            session,
            spec=polls.PollSpec(
                question="Bench: adopt the plan?", options=("A", "B", "C", "D"), kind=PollKind.SINGLE,
                electorate=Electorate.NETWORK, channel_id="CBENCH", closes_at=now + timedelta(days=7), secret=secret,
            ),
            creator_id=ADMIN, actor=await get_member(session, ADMIN), now=now, today=now.date(),
        )  # fmt: skip
    await db.dispose()
    return poll.id


def requests(poll_id: int, orgs: int, repeat: float, seed_: int) -> list[tuple[str, str]]:
    rng = random.Random(seed_)
    extra = int(orgs * repeat)
    out = [(f"UBREP{n:05d}", f"vote {poll_id} {n % 4 + 1}") for n in range(orgs)]
    out += [(f"UBREP{n:05d}", f"vote {poll_id} {n % 4 + 1}") for n in rng.sample(range(orgs), extra)]
    out += [(f"UBSTF{n:05d}", f"vote {poll_id} 1") for n in rng.sample(range(orgs), extra)]
    rng.shuffle(out)
    return out


def outcome(answer: str) -> str:
    for marker, name in (("✅ Recorded", "recorded"), ("Already recorded", "unchanged"), ("secret ballot", "refused (secret)"),
                         ("held by its representative", "refused (not the rep)")):  # fmt: skip
        if marker in answer:
            return name
    return "other"


async def fire(url: str, response_url: str, batch: list[tuple[str, str]], concurrency: int) -> Run:
    run = Run()
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

        async def one(user: str, command: str) -> None:
            body = payloads.slash_command(user, command, response_url=response_url, channel_id="CBENCH")
            async with gate:
                started = time.perf_counter()
                try:
                    async with http.post(url, data=body.encode(), headers=payloads.sign(body, SECRET)) as resp:
                        answer = (await resp.json()).get("text", "") if resp.status == 200 else ""
                except aiohttp.ClientError:
                    answer = ""
                took = time.perf_counter() - started
            if not answer:
                run.errors += 1
                return
            run.latencies.append(took)
            kind = outcome(answer)
            run.outcomes[kind] = run.outcomes.get(kind, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(one(user, command) for user, command in batch))
        run.elapsed = time.perf_counter() - t0
    return run


async def wait_ready(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(f"{base}/readyz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("nlsbot serve did not come up")


async def verify(url: str, poll_id: int, secret: bool) -> tuple[int, int, int]:
    db = Database(url)
    ballots = PollSealedBallot if secret else PollOpenBallot
    async with db.reader() as session:
        receipts = (await session.execute(select(func.count()).select_from(PollReceipt))).scalar_one()
        stored = (
            await session.execute(select(func.count()).select_from(ballots).where(ballots.poll_id == poll_id))
        ).scalar_one()
        orgs = (await session.execute(select(func.count(func.distinct(PollReceipt.organisation_id))))).scalar_one()
    await db.dispose()
    return receipts, stored, orgs


BENCH_KEY = "YmVuY2ggYmFsbG90IGtleSwgbmV2ZXIgaW4gcHJvZCE="  # 32 bytes, for this bench only


async def one_run(args: argparse.Namespace, secret: bool) -> tuple[Run, int, tuple[int, int, int]]:
    """One poll, a fresh database and a fresh `nlsbot serve`: the HTTP vote path, end to end."""
    tmp = Path(tempfile.mkdtemp(prefix="nls-bench-polls-"))
    if args.database == "sqlite":
        url = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        url = fresh_postgres(os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG))
    now = datetime.now(UTC)
    poll_id = await seed(url, args.orgs, secret, now)
    slack = await LocalSlack().start()
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": url, "SLACK_API_URL": slack.base_url, "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET, "NLS_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
        "NLS_BALLOT_KEY": BENCH_KEY,
    }  # fmt: skip
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port),
        env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(base)
        batch = requests(poll_id, args.orgs, args.repeat, args.seed)
        run = await fire(f"{base}/slack/events", slack.response_url(), batch, args.concurrency)
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), timeout=30)
        await slack.stop()
    counts = await verify(url, poll_id, secret)
    report(args, secret, run, len(batch), counts)
    return run, len(batch), counts


async def service_path(args: argparse.Namespace) -> dict[bool, tuple[float, float, float]]:
    """The vote transaction alone, in this process (no HTTP, no Bolt), for an open and a secret poll
    over the same directory in one database, each rep voting in one then the other, alternately, so
    drift in the machine's load falls on both alike. Per kind: milliseconds per ballot at p50 and
    p95, then the close in milliseconds (for a secret poll: opening, shuffling, rewriting them all,
    then the compaction that follows it)."""
    tmp = Path(tempfile.mkdtemp(prefix="nls-bench-polls-svc-"))
    url = f"sqlite:///{tmp}/svc.sqlite3" if args.database == "sqlite" else fresh_postgres(
        os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG)
    )
    now = datetime.now(UTC)
    poll_ids = {False: await seed(url, args.orgs, False, now), True: await add_poll(url, True, now)}
    keys = BallotKeys.from_text(BENCH_KEY)
    db = Database(url)
    took: dict[bool, list[float]] = {False: [], True: []}
    for n in range(args.orgs):
        user = f"UBREP{n:05d}"
        for secret in ((False, True) if n % 2 else (True, False)):
            started = time.perf_counter()
            async with db.transaction() as session:
                await polls.cast_vote(
                    session, poll_id=poll_ids[secret], choices=[n % 4], user_id=user,
                    actor=await get_member(session, user), now=now, today=now.date(), keys=keys,
                )  # fmt: skip
            took[secret].append((time.perf_counter() - started) * 1000)
    out = {}
    for secret, poll_id in poll_ids.items():
        started = time.perf_counter()
        async with db.transaction() as session:
            admin = await get_member(session, ADMIN)
            result = await polls.close_poll(
                session, poll_id=poll_id, user_id=ADMIN, actor=admin, now=now, today=now.date(), keys=keys
            )
        assert result.count.ballots == args.orgs, result.count
        if secret:  # what the deadline job does after a secret close, outside the transaction
            await db.compact(polls.SEALED_TABLES)
        times = sorted(took[secret])
        out[secret] = (times[len(times) // 2], times[int(len(times) * 0.95)], (time.perf_counter() - started) * 1000)
    await db.dispose()
    return out


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


async def main_async(args: argparse.Namespace) -> None:
    """Open and secret polls side by side: `--rounds` of each, interleaved (open, secret, open, …)
    so that the machine's drifting load falls on both alike, with the load average before and after."""
    kinds = [kind == "secret" for kind in args.kinds.split(",")]
    load_before = os.getloadavg()
    http: dict[bool, list[tuple[Run, int]]] = {k: [] for k in kinds}
    service: dict[bool, list[tuple[float, float, float]]] = {k: [] for k in kinds}
    for _ in range(args.rounds):
        for secret in kinds:
            run, sent, _ = await one_run(args, secret)
            http[secret].append((run, sent))
        for secret, measured in (await service_path(args)).items():
            service.setdefault(secret, []).append(measured)
    load_after = os.getloadavg()
    print(f"\n{args.database}: {args.rounds} round(s) of each, interleaved; load average "
          f"{' '.join(f'{x:.2f}' for x in load_before)} before, {' '.join(f'{x:.2f}' for x in load_after)} after")  # fmt: skip
    print("| poll | ballots/s (HTTP) | p50 | p95 | vote transaction p50 / p95 | close |")
    print("|---|---|---|---|---|---|")
    for secret in kinds:
        runs = http[secret]
        rate = _median([r.outcomes.get("recorded", 0) / r.elapsed for r, _ in runs])
        p50, p95 = _median([r.pct(50) for r, _ in runs]), _median([r.pct(95) for r, _ in runs])
        tx50, tx95 = _median([s[0] for s in service[secret]]), _median([s[1] for s in service[secret]])
        close = _median([s[2] for s in service[secret]])
        print(f"| {'secret' if secret else 'open'} | {rate:.0f} | {p50:.1f} ms | {p95:.1f} ms | "
              f"{tx50:.2f} / {tx95:.2f} ms | {close:.0f} ms |")  # fmt: skip


def report(args: argparse.Namespace, secret: bool, run: Run, sent: int, counts: tuple[int, int, int]) -> None:
    recorded = run.outcomes.get("recorded", 0)
    kind = "secret" if secret else "open"
    print(f"\n{args.database}, {kind} network poll, {args.orgs} organisations, concurrency {args.concurrency}")
    print(f"requests {sent} in {run.elapsed:.2f} s = {sent / run.elapsed:.0f} req/s; "
          f"ballots recorded {recorded} = {recorded / run.elapsed:.0f} ballots/s")  # fmt: skip
    print(f"latency to 'recorded' (every request): p50 {run.pct(50):.1f} ms, p95 {run.pct(95):.1f} ms, "
          f"p99 {run.pct(99):.1f} ms, max {max(run.latencies) * 1000:.1f} ms; errors {run.errors}")  # fmt: skip
    print("answers: " + ", ".join(f"{k} {v}" for k, v in sorted(run.outcomes.items())))
    receipts, stored, orgs = counts
    ok = receipts == stored == orgs == args.orgs == recorded
    print(f"integrity: receipts {receipts}, ballots {stored}, organisations {orgs} — {'OK' if ok else 'MISMATCH'}")
    if not ok:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--orgs", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--repeat", type=float, default=0.1, help="share of reps pressing twice (and of staff trying)")
    parser.add_argument("--kinds", default="open,secret", help="which polls, in the order each round runs them")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each kind, interleaved")
    parser.add_argument("--seed", type=int, default=4)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
