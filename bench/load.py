"""Load benchmark: ack latency, later answers and CPU per request of `nlsbot serve` over real HTTP
with signed requests, side by side with a bare Bolt app that only acks (the floor: one listener of
each kind, bench.bare_bolt), against a local Slack Web API answering with ~100 ms latency.

    python -m bench.load [--rates 50 200] [--seconds 10] [--database sqlite|postgresql]
                         [--workers N] [--only SCENARIO …] [--burners N] [--cold]

Open loop: request i leaves at t0 + i/rate whatever happened to the earlier ones, so a slow server
shows up as latency, not as a politely reduced rate. Besides the acknowledgement, the run waits
for every answer that comes later (a search's results, a vote's receipt at request i's own
response_url `/response/i`; a Home at views.publish) and reports how long those took: work the
bot defers after a burst shows there, not hidden.

`--burners N` runs N processes spinning a core each from before the servers start until the end:
the shared machine, on purpose. `--cold` starts both servers afresh for every scenario and rate
and sends them, without a warm-up, a burst at twice the rate (the PostgreSQL cold-burst case),
counting the "didn't call ack()" lines Bolt logs. The report is markdown, ready for bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url

from bench import machine
from bench.polls import BENCH_KEY
from bench.report import SLACK_DEADLINE, Result, Run, print_report
from bench.scenarios import KINDS, Scenario, scenarios, seed
from bench.search import postgres_database
from bot.shell import payloads

SECRET = "be4c5eca1ab1e5ec2e7be4c5eca1ab1e"  # hexadecimal, as Slack makes them (bot.infra.settings checks)
NO_ACK = "didn't call ack()"  # Bolt's warning for a listener that did not acknowledge in time
TARGETS = ("nlsbot", "bare Bolt")


async def wait_ready(url: str, timeout: float = 60.0) -> None:
    """Until the server answers on its port (an unsigned POST, refused before any listener or the
    database is reached). Not /readyz: that opens a database connection, and a cold run must
    find the process as the first request after a start finds it."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.post(url, data=b"") as resp:
                    if resp.status in (200, 401, 404):
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def refusal(body: bytes) -> str | None:
    """What a 200 that refuses says: a modal answered with an error shown in the form (a busy or
    broken database says so there), which a person sees as a failure as much as a 503."""
    if not body.startswith(b"{"):
        return None
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if answer.get("response_action") != "errors":
        return None
    return "; ".join(map(str, (answer.get("errors") or {}).values())) or "(no message)"


async def fire(url: str, scenario: Scenario, rate: int, seconds: float, target: str, response_base: str) -> Result:
    """`rate` requests a second for `seconds`; request i's response_url is `response_base/i`."""
    result = Result(target, scenario.name, scenario.kind, rate)
    total = int(rate * seconds)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=10)) as http:

        async def one(i: int) -> None:
            body = scenario.body(i, f"{response_base}/{i}")
            headers = payloads.sign(body, SECRET)
            started = result.sent[i] = time.perf_counter()  # CLOCK_MONOTONIC, as the fake Slack's
            try:
                async with http.post(url, data=body.encode(), headers=headers) as resp:
                    answer = await resp.read()
                    if resp.status != 200:
                        result.errors += 1
                        return
            except (aiohttp.ClientError, TimeoutError):
                result.errors += 1
                return
            latency = time.perf_counter() - started
            result.latencies.append(latency)
            result.acked.append(i)
            refused = refusal(answer)
            if refused is not None:
                result.refusals[refused] += 1
            elif latency > SLACK_DEADLINE:
                result.late += 1

        t0 = time.perf_counter()
        tasks = []
        for i in range(total):
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        result.elapsed = time.perf_counter() - t0
    return result


async def collect_answers(
    slack_url: str, key: Callable[[int], str], result: Result, timeout: float = 180.0, stall: float = 15.0
) -> None:
    """Wait until every acknowledged request's answer reached the fake Slack (or `timeout`, or
    `stall` seconds without a new one), then turn arrival times into answer latencies. A request
    refused (a 503 when the server sheds load) or never answered expects no answer. Answers
    filed under one key (a person's Home, published once per open) are paired with that key's
    requests in order, first sent with first arrived."""
    waiting: dict[str, list[float]] = defaultdict(list)
    for i in sorted(result.acked, key=result.sent.__getitem__):
        waiting[key(i)].append(result.sent[i])
    deadline, seen, last_new = time.monotonic() + timeout, 0, time.monotonic()
    async with aiohttp.ClientSession() as http:
        while True:
            async with http.get(f"{slack_url}/bench/answers") as resp:
                arrived = [(k, at) for k, at in (await resp.json())["answers"] if k in waiting]
            if len(arrived) > seen:
                seen, last_new = len(arrived), time.monotonic()
            now = time.monotonic()
            if seen >= len(result.acked) or now > deadline or now - last_new > stall:
                break
            await asyncio.sleep(0.5)
    by_key: dict[str, list[float]] = defaultdict(list)
    for k, at in sorted(arrived, key=lambda a: a[1]):
        by_key[k].append(at)
    result.answers = [at - sent for k, ats in by_key.items() for sent, at in zip(waiting[k], ats, strict=False)]
    if arrived:
        result.drain = max(at for _, at in arrived) - max(result.sent.values())


async def reset_answers(slack_url: str) -> None:
    async with aiohttp.ClientSession() as http, http.post(f"{slack_url}/bench/reset") as resp:
        await resp.read()


def database(engine: str, tmp: Path, stack: ExitStack) -> str:
    """The run's database, empty: a SQLite file, or a PostgreSQL database of its own on the server
    BENCH_POSTGRES_URL names (dropped at the end), so that concurrent runs do not meet."""
    if engine == "sqlite":
        return f"sqlite:///{tmp}/bench.sqlite3"
    server = make_url(os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    url, drop = postgres_database(server.set(database="postgres").render_as_string(hide_password=False))
    stack.callback(drop)
    return url


@dataclass
class Target:
    url: str
    proc: subprocess.Popen[bytes]
    log: machine.LogWatch


class Servers:
    """The three processes besides the generator, each logging to the run's directory: the fake
    Slack once per run; nlsbot and the bare Bolt app once per run, or afresh for each cold burst."""

    def __init__(self, tmp: Path, db_url: str, workers: int) -> None:
        self.tmp, self.workers, self.started = tmp, workers, 0
        slack_port = machine.free_port()
        self.slack_url = f"http://127.0.0.1:{slack_port}"
        self.api_url, self.response_base = f"{self.slack_url}/api/", f"{self.slack_url}/response"
        self.env = {
            **os.environ, "DATABASE_URL": db_url, "SLACK_API_URL": self.api_url, "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET, "NLS_LOG_LEVEL": "INFO", "PYTHONPATH": str(machine.ROOT),
            "NLS_BALLOT_KEY": BENCH_KEY,
        }  # fmt: skip
        self.slack, _ = self._start("fake_slack", ["bench.fake_slack", "--port", str(slack_port), "--latency", "0.1"])
        self.targets: dict[str, Target] = {}

    def _start(self, name: str, args: list[str]) -> tuple[subprocess.Popen[bytes], Path]:
        self.started += 1
        log = self.tmp / f"{self.started:02d}-{name}.log"
        return machine.start([sys.executable, "-m", *args], self.env, log), log

    async def start_targets(self) -> dict[str, Target]:
        """nlsbot and bare Bolt, started anew, once each answers on its port."""
        self.stop_targets()
        bot_port, bare_port = machine.free_port(), machine.free_port()
        serve = ["--host", "127.0.0.1", "--port", str(bot_port), "--workers", str(self.workers)]
        bare = ["--port", str(bare_port), "--secret", SECRET, "--api-url", self.api_url]
        for name, port, args in (
            ("nlsbot", bot_port, ["bot", "serve", "--no-scheduler", *serve]),
            ("bare Bolt", bare_port, ["bench.bare_bolt", *bare]),
        ):
            proc, log = self._start(name.replace(" ", "_"), args)
            self.targets[name] = Target(f"http://127.0.0.1:{port}/slack/events", proc, machine.LogWatch(log, NO_ACK))
        await asyncio.gather(*(wait_ready(t.url) for t in self.targets.values()))
        return self.targets

    def stop_targets(self) -> None:
        machine.stop([t.proc for t in self.targets.values()])
        self.targets.clear()

    def stop(self) -> None:
        self.stop_targets()
        machine.stop([self.slack])


async def measure(
    servers: Servers, scenario: Scenario, rate: int, seconds: float, name: str, warm: bool, postgres: str | None
) -> Result:
    """One scenario at one rate against one server: a warm-up unless cold, then the run, the
    answers after it, a second of drain, and the CPU, PostgreSQL's and the log's count over all."""
    target = servers.targets[name]
    if warm:
        await fire(target.url, scenario, min(rate, 20), 1.0, name, servers.response_base)
        await asyncio.sleep(1.0)
    await reset_answers(servers.slack_url)
    target.log.since_last()
    before = machine.cpu_seconds(target.proc.pid)
    async with machine.BackendCpu(postgres).watching() as db:
        result = await fire(target.url, scenario, rate, seconds, name, servers.response_base)
        if scenario.answer_key and name == "nlsbot":
            await collect_answers(servers.slack_url, scenario.answer_key, result)  # the work after the acks, all of it
        await asyncio.sleep(1.0)
        await machine.settled(target.proc.pid)  # let anything left drain before the next run, and count it
    result.cpu_seconds = machine.cpu_seconds(target.proc.pid) - before
    result.db_cpu_seconds = db.seconds
    result.no_ack = target.log.since_last()
    return result


async def run(args: argparse.Namespace) -> None:
    load_before = machine.load_average()
    with ExitStack() as stack:
        tmp = Path(tempfile.mkdtemp(prefix="nlsbench-"))
        db_url = database(args.database, tmp, stack)
        postgres = make_url(db_url).database if args.database == "postgresql" else None  # its backends' CPU is counted
        context = await seed(db_url)
        chosen = [s for s in scenarios(context) if not args.only or s.name in args.only]
        assert all(s.kind in KINDS for s in chosen), "every scenario needs its floor in bench.bare_bolt"
        stack.enter_context(machine.burners(args.burners))
        servers = Servers(tmp, db_url, args.workers)
        stack.callback(servers.stop)
        results: list[Result] = []
        memory: dict[str, float] = defaultdict(float)
        if not args.cold:
            await servers.start_targets()
        for scenario in chosen:
            for rate in args.rates:
                if args.cold:
                    await servers.start_targets()  # and straight in: no warm-up, twice the rate
                for name in TARGETS:
                    fired = rate * 2 if args.cold else rate
                    results.append(await measure(servers, scenario, fired, args.seconds, name, not args.cold, postgres))
                for name, target in servers.targets.items():
                    memory[name] = max(memory[name], machine.peak_rss_mb(target.proc.pid))
        commit = machine.commit()
        print_report(
            Run(args.database, args.workers, args.seconds, args.burners, args.cold, commit, load_before, machine.load_average()),
            results, memory,
        )  # fmt: skip
        print(f"Logs: {tmp}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--only", nargs="*", help="scenario names")
    parser.add_argument("--workers", type=int, default=1, help="nlsbot serve --workers")
    parser.add_argument(
        "--burners", type=int, default=0, help="CPU-burning processes beside the run (the issue's shared case: 2)"
    )
    parser.add_argument(
        "--cold", action="store_true", help="fresh servers per scenario and rate, hit at once at 2x the rate"
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
