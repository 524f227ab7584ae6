"""The machine under a load run: the processes it starts and what they cost (CPU over a process
tree, PostgreSQL's share, peak memory), the load average, and CPU burners that take cores away
on purpose so the shared-machine case is measured rather than suffered.

CPU time, not latency, is the figure that survives a shared machine: a request's CPU is the same
whether it waited for a core or not, so it is set beside its floor's from the same run."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BURN = "while True: pass"  # one core's worth of pure CPU, nothing else (no memory, no I/O)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def commit() -> str:
    """The short commit measured, with `+` when the working tree has changes (others' included)."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    )
    return head.strip() + ("+" if dirty.stdout.strip() else "")


def load_average() -> str:
    """/proc/loadavg's 1, 5 and 15 minute averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A server process whose stderr (its log) goes to `log`."""
    with log.open("wb") as out:  # the child keeps its own descriptor
        return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=out)


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def burners(n: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`n` processes each spinning one core for as long as the block runs: the "machine shared
    with other work" case, made on purpose and the same every time."""
    procs = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(n)]
    try:
        yield procs
    finally:
        stop(procs)


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


async def settled(pid: int, interval: float = 0.5, busy: float = 0.05, limit: float = 60.0) -> float:
    """Wait until the process tree has gone quiet (under `busy` of a core over `interval`), or
    `limit` seconds: work it does after its acknowledgements (a save, a Home) counts in its CPU
    however long the backlog takes, and not in the next run's. Returns the seconds waited."""
    began = last_at = time.monotonic()
    last = cpu_seconds(pid)
    while time.monotonic() - began < limit:
        await asyncio.sleep(interval)
        now, used = time.monotonic(), cpu_seconds(pid)
        if used - last < busy * (now - last_at):
            break
        last, last_at = used, now
    return time.monotonic() - began


def backend_cpu(database: str) -> dict[int, float]:
    """User + system CPU so far of each PostgreSQL backend serving `database` (a backend's
    process title names its database): not the server's shared writers, nor other databases'
    backends, which on a shared machine are others' work."""
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            title = (proc / "cmdline").read_bytes().split(b"\0")[0].decode("utf-8", "replace").split()
            if title[:1] != ["postgres:"] or database not in title:
                continue
            fields = (proc / "stat").read_text().rpartition(")")[2].split()  # 11, 12: utime, stime
            found[int(proc.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):  # the process ended meanwhile
            continue
    return found


class BackendCpu:
    """PostgreSQL's CPU for one database over a window (None: no PostgreSQL, nothing counted).
    Sampled while the window lasts, because a pool closes the connections it opened beyond its
    size as soon as they are returned: a backend that exits counts up to its last sample."""

    def __init__(self, database: str | None, interval: float = 0.2) -> None:
        self.database, self.interval = database, interval
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def sample(self) -> None:
        if self.database is not None:
            self.last.update(backend_cpu(self.database))

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[BackendCpu]:
        self.sample()
        self.first = dict(self.last)  # backends born later started from nothing

        async def keep_sampling() -> None:
            while True:
                await asyncio.sleep(self.interval)
                self.sample()

        sampler = asyncio.create_task(keep_sampling())
        try:
            yield self
        finally:
            sampler.cancel()
            self.sample()

    @property
    def seconds(self) -> float | None:
        if self.database is None:
            return None
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items())


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM), summed over the process tree."""
    total = 0
    for member in process_tree(pid):
        for line in Path(f"/proc/{member}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total / 1024


class LogWatch:
    """Counts a phrase in the lines a server wrote to its log since the last look (Bolt's
    "didn't call ack()" warning: a listener that did not acknowledge within Slack's 3 s)."""

    def __init__(self, log: Path, phrase: str) -> None:
        self.log, self.phrase, self.offset = log, phrase, 0

    def since_last(self) -> int:
        with self.log.open("rb") as f:
            f.seek(self.offset)
            text = f.read()
        text = text[: text.rfind(b"\n") + 1]  # whole lines only: the rest is read next time
        self.offset += len(text)
        return text.decode("utf-8", "replace").count(self.phrase)
