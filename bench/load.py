"""Load benchmark: ack latency and throughput of `nlsbot serve` over real HTTP with signed
requests, side by side with a bare Bolt app that only acks (the floor), against a local Slack Web
API answering with ~100 ms latency.

    python -m bench.load [--rates 50 200] [--seconds 10] [--database sqlite|postgresql]

Open loop: request i leaves at t0 + i/rate whatever happened to the earlier ones, so a slow server
shows up as latency, not as a politely reduced rate. Besides the acknowledgement, the run waits
for every answer that comes later (a search's results, a vote's receipt, at request i's own
response_url `/response/i`) and reports how long those took: work the bot defers after a burst
shows there, not hidden.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.scenarios import Scenario, scenarios, seed
from bot.shell import payloads

SECRET = "be4c5eca1ab1e5ec2e7be4c5eca1ab1e"  # hexadecimal, as Slack makes them (bot.infra.settings checks)
ROOT = Path(__file__).resolve().parents[1]
LOG_DIR = Path(tempfile.gettempdir())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Result:
    target: str
    scenario: str
    rate: int
    latencies: list[float] = field(default_factory=list)  # to the acknowledgement
    errors: int = 0
    elapsed: float = 0.0
    cpu_seconds: float = 0.0  # the server process's CPU over the run and its post-ack drain
    db_cpu_seconds: float | None = None  # PostgreSQL's server processes, same window
    sent: dict[int, float] = field(default_factory=dict)  # request number -> when it left (monotonic)
    answers: list[float] | None = None  # to the reply at the response_url, when the answer comes later
    drain: float = 0.0  # from the last request sent to the last answer received

    @property
    def cpu_ms_per_request(self) -> float:
        sent = len(self.latencies) + self.errors
        return self.cpu_seconds / sent * 1000 if sent else float("nan")

    @property
    def db_cpu_ms_per_request(self) -> float | None:
        sent = len(self.latencies) + self.errors
        return self.db_cpu_seconds / sent * 1000 if sent and self.db_cpu_seconds is not None else None

    def pct(self, p: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies if values is None else values)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


async def wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.post(url, data=b"") as resp:
                    if resp.status in (200, 401, 404):
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def fire(url: str, scenario: Scenario, rate: int, seconds: float, target: str, response_base: str) -> Result:
    """`rate` requests a second for `seconds`; request i's response_url is `response_base/i`."""
    result = Result(target, scenario.name, rate)
    total = int(rate * seconds)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=10)) as http:

        async def one(i: int) -> None:
            body = scenario.body(i, f"{response_base}/{i}")
            headers = payloads.sign(body, SECRET)
            started = result.sent[i] = time.perf_counter()  # CLOCK_MONOTONIC, as the fake Slack's
            try:
                async with http.post(url, data=body.encode(), headers=headers) as resp:
                    await resp.read()
                    if resp.status != 200:
                        result.errors += 1
                        return
            except (aiohttp.ClientError, TimeoutError):
                result.errors += 1
                return
            result.latencies.append(time.perf_counter() - started)

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


async def collect_answers(slack_url: str, result: Result, timeout: float = 180.0) -> None:
    """Wait until every acknowledged request's answer reached the fake Slack (or `timeout`), then
    turn arrival times into answer latencies. A request refused (a 503 when the server sheds load)
    or never answered expects no answer."""
    expected = len(result.latencies)
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            async with http.get(f"{slack_url}/bench/answers") as resp:
                arrived = {int(ref): at for ref, at in (await resp.json())["answers"] if ref.isdigit()}
            if len(arrived) >= expected or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
    result.answers = [at - result.sent[i] for i, at in arrived.items() if i in result.sent]
    if arrived:
        result.drain = max(arrived.values()) - max(result.sent.values())


async def reset_answers(slack_url: str) -> None:
    async with aiohttp.ClientSession() as http, http.post(f"{slack_url}/bench/reset") as resp:
        await resp.read()


def serve_at(port: int, workers: int) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (`serve --workers N` is a manager and N workers)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return [pid] + [p for child in children for p in process_tree(child)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU so far of the process tree, all threads (aiosqlite's included)."""
    total = 0
    for member in process_tree(pid):
        fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """User + system CPU so far of PostgreSQL on this machine: every server process alive, plus
    the backends that have exited (counted in the postmaster's children's time)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, _, rest = stat.read_text().rpartition(")")
        except OSError:  # the process ended meanwhile
            continue
        if head.endswith("(postgres"):
            fields = rest.split()  # fields[1] is the parent pid; 11-14 utime, stime, cutime, cstime
            total += int(fields[11]) + int(fields[12])
            if fields[1] == "1" or not Path(f"/proc/{fields[1]}/comm").read_text().startswith("postgres"):
                total += int(fields[13]) + int(fields[14])  # the postmaster: its exited backends
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM), summed over the process tree."""
    total = 0
    for member in process_tree(pid):
        for line in Path(f"/proc/{member}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total / 1024


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = open(LOG_DIR / f"{cmd[2].replace('.', '_')}-{int(time.time())}.log", "wb")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)


async def run(rates: list[int], seconds: float, database: str, only: list[str] | None, workers: int = 1) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="nlsbench-"))
    db_url = (
        f"sqlite:///{tmp}/bench.sqlite3"
        if database == "sqlite"
        else os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/nlsbench")
    )
    slack_port, bot_port, bare_port = free_port(), free_port(), free_port()
    slack_url = f"http://127.0.0.1:{slack_port}"
    api_url, response_base = f"{slack_url}/api/", f"{slack_url}/response"
    env = {
        **os.environ, "DATABASE_URL": db_url, "SLACK_API_URL": api_url, "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET, "NLS_LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    context = await seed(db_url)
    chosen = [s for s in scenarios(context) if not only or s.name in only]
    procs = [
        start([sys.executable, "-m", "bench.fake_slack", "--port", str(slack_port), "--latency", "0.1"], env),
        start(
            [sys.executable, "-m", "bot", "serve", "--no-scheduler", *serve_at(bot_port, workers)],
            env,
        ),
        start(
            [
                sys.executable,
                "-m",
                "bench.bare_bolt",
                "--port",
                str(bare_port),
                "--secret",
                SECRET,
                "--api-url",
                api_url,
            ],
            env,
        ),
    ]
    targets: dict[str, tuple[str, int]] = {
        "nlsbot": (f"http://127.0.0.1:{bot_port}/slack/events", procs[1].pid),
        "bare Bolt": (f"http://127.0.0.1:{bare_port}/slack/events", procs[2].pid),
    }
    try:
        for url, _ in targets.values():
            await wait_ready(url)
        results: list[Result] = []
        for scenario in chosen:
            for rate in rates:
                for name, (url, pid) in targets.items():
                    await fire(url, scenario, min(rate, 20), 1.0, name, response_base)  # warm-up
                    await asyncio.sleep(1.0)
                    await reset_answers(slack_url)
                    before, db_before = cpu_seconds(pid), postgres_cpu_seconds()
                    result = await fire(url, scenario, rate, seconds, name, response_base)
                    if scenario.answers_later and name == "nlsbot":
                        await collect_answers(slack_url, result)  # the work after the acks, all of it
                    await asyncio.sleep(1.0)  # let anything left drain before the next run
                    result.cpu_seconds = cpu_seconds(pid) - before
                    if database == "postgresql":
                        result.db_cpu_seconds = postgres_cpu_seconds() - db_before
                    results.append(result)
        memory = {name: peak_rss_mb(pid) for name, (_, pid) in targets.items()}
        print_table(results, memory, database, seconds, workers)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def print_table(results: list[Result], memory: dict[str, float], database: str, seconds: float, workers: int) -> None:
    print(f"\n{database}, {workers} nlsbot worker(s), {seconds:.0f} s per run, Slack Web API latency 100 ms\n")
    print(
        "| scenario | rate (req/s) | server | ack p50 / p95 / p99 ms | max ms | acked req/s | errors "
        "| answer p50 / p99 ms | answered | drained after | CPU ms/req (+ PostgreSQL) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    fmt: Callable[[float], str] = lambda v: f"{v:,.1f}"  # noqa: E731
    for r in results:
        worst = max(r.latencies) * 1000 if r.latencies else float("nan")
        db = f" (+{r.db_cpu_ms_per_request:.1f})" if r.db_cpu_ms_per_request is not None else ""
        if r.target != "nlsbot":
            later = "– | – | –"  # the floor only acknowledges
        elif r.answers is None:
            later = "in the ack | – | –"
        else:
            later = (
                f"{fmt(r.pct(50, r.answers))} / {fmt(r.pct(99, r.answers))} | {len(r.answers)}/{len(r.latencies)} "
                f"| {r.drain:.1f} s"
            )
        print(
            f"| {r.scenario} | {r.rate} | {r.target} | {fmt(r.pct(50))} / {fmt(r.pct(95))} / {fmt(r.pct(99))} "
            f"| {fmt(worst)} | {r.throughput:.0f} | {r.errors} | {later} | {fmt(r.cpu_ms_per_request)}{db} |"
        )
    ratios = {}
    for r in results:
        if r.target == "nlsbot":
            floor = next(b for b in results if b.target == "bare Bolt" and (b.scenario, b.rate) == (r.scenario, r.rate))
            ratios[(r.scenario, r.rate)] = statistics.median(r.latencies) / statistics.median(floor.latencies)
    print("\np50 relative to bare Bolt: " + ", ".join(f"{s} @{rate}/s ×{v:.2f}" for (s, rate), v in ratios.items()))
    print("peak memory (VmHWM): " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in memory.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--only", nargs="*", help="scenario names")
    parser.add_argument("--workers", type=int, default=1, help="nlsbot serve --workers")
    args = parser.parse_args()
    asyncio.run(run(args.rates, args.seconds, args.database, args.only, args.workers))


if __name__ == "__main__":
    main()
