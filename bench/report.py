"""What one load run measured, and the markdown bench/README.md takes: the run's figures per
scenario, rate and server, then each scenario's CPU per request beside the bare Bolt app's from
the same run (the ratio the targets of issue #18 are stated in) and whether each target holds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

SLACK_DEADLINE = 3.0  # seconds: an acknowledgement later than this is an error shown to the person
CPU_RATIO_TARGET = 2.0  # CPU per request at most twice bare Bolt's, for every listener kind
MODAL_RATE, MODAL_P99_MS = 150, 300.0  # modal submissions at 150/s: p99 within 300 ms, none failed


@dataclass
class Result:
    target: str  # "nlsbot" or "bare Bolt"
    scenario: str
    kind: str  # the Bolt listener kind (bench.scenarios.KINDS)
    rate: int
    latencies: list[float] = field(default_factory=list)  # to the acknowledgement, seconds
    acked: list[int] = field(default_factory=list)  # request numbers answered with a 200
    errors: int = 0  # not a 200 within the client's timeout (a 503 when the server sheds load included)
    # 200s that refuse (a modal answered with `response_action: errors`): what they said, how often
    refusals: Counter[str] = field(default_factory=Counter)
    late: int = 0  # answered with a 200 that does not refuse, but after Slack's 3 s
    elapsed: float = 0.0
    cpu_seconds: float = 0.0  # the server process tree's CPU over the run and its post-ack drain
    db_cpu_seconds: float | None = None  # PostgreSQL's server processes, same window
    sent: dict[int, float] = field(default_factory=dict)  # request number -> when it left (monotonic)
    answers: list[float] | None = None  # to the answer given after the ack, when there is one
    drain: float = 0.0  # from the last request sent to the last answer received
    no_ack: int = 0  # "didn't call ack()" lines the server logged over the run

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def refused(self) -> int:
        return sum(self.refusals.values())

    @property
    def failures(self) -> int:
        """What the person sees go wrong: no answer, a refusal, or an answer after Slack's 3 s."""
        return self.errors + self.refused + self.late

    def cpu_ms_per_request(self, with_db: bool = False) -> float:
        cpu = self.cpu_seconds + ((self.db_cpu_seconds or 0.0) if with_db else 0.0)
        return cpu / self.requests * 1000 if self.requests else float("nan")

    @property
    def db_cpu_ms_per_request(self) -> float | None:
        if self.db_cpu_seconds is None or not self.requests:
            return None
        return self.db_cpu_seconds / self.requests * 1000

    def pct(self, p: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies if values is None else values)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


@dataclass(frozen=True)
class Run:
    """How the results were taken, printed above them."""

    database: str
    workers: int
    seconds: float
    burners: int
    cold: bool
    commit: str
    load_before: str
    load_after: str


def fmt(value: float) -> str:
    return f"{value:,.1f}"


def verdict(ok: bool) -> str:
    return "✅ holds" if ok else "❌ misses"


def heading(run: Run) -> str:
    how = [
        "PostgreSQL 15" if run.database == "postgresql" else "SQLite",
        f"{run.workers} nlsbot worker{'s' if run.workers > 1 else ''}",
        f"{run.seconds:g} s per run, open loop, Slack Web API answering in 100 ms",
    ]
    if run.cold:
        how.append("cold: a fresh process per scenario (both servers), its first request a burst at 2× the rate")
    if run.burners:
        how.append(f"{run.burners} CPU burner{'s' if run.burners > 1 else ''} running throughout")
    return (
        f"**{', '.join(how)}** — commit {run.commit}, load average (1/5/15 min) {run.load_before} before, "
        f"{run.load_after} after"
    )


def detail_table(results: list[Result]) -> list[str]:
    lines = [
        "| scenario | rate (req/s) | server | ack p50 / p95 / p99 ms | max ms | acked req/s | errors | answer p50 / p99 ms "
        "| answered | drained after | CPU ms/req (+ PostgreSQL) | didn't call ack() |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        worst = max(r.latencies) * 1000 if r.latencies else float("nan")
        db = f" (+{r.db_cpu_ms_per_request:.1f})" if r.db_cpu_ms_per_request is not None else ""
        errors = (
            str(r.errors)
            + (f" (+{r.refused} refused)" if r.refused else "")
            + (f" ({r.late} after 3 s)" if r.late else "")
        )
        if r.target != "nlsbot":
            later = "– | – | –"  # the floor only acknowledges
        elif r.answers is None:
            later = "in the ack | – | –"
        else:
            later = (
                f"{fmt(r.pct(50, r.answers))} / {fmt(r.pct(99, r.answers))} | {len(r.answers)}/{len(r.latencies)} "
                f"| {r.drain:.1f} s"
            )
        lines.append(
            f"| {r.scenario} | {r.rate} | {r.target} | {fmt(r.pct(50))} / {fmt(r.pct(95))} / {fmt(r.pct(99))} "
            f"| {fmt(worst)} | {r.throughput:.0f} | {errors} | {later} | {fmt(r.cpu_ms_per_request())}{db} | {r.no_ack} |"
        )
    return lines


def targets_table(results: list[Result], cold: bool) -> list[str]:
    """Per scenario and rate: CPU per request, nlsbot against bare Bolt, and the targets."""
    lines = [
        "| scenario | listener | rate (req/s) | CPU ms/req nlsbot (+ PostgreSQL) | bare Bolt | ratio "
        f"| CPU ≤ {CPU_RATIO_TARGET:g}× bare | nlsbot ack p50 ÷ bare | nlsbot ack p99 ms | failed | "
        + ("didn't call ack() = 0 |" if cold else f"modal at {MODAL_RATE}/s: p99 ≤ {MODAL_P99_MS:g} ms, 0 failed |"),
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    floors = {(r.scenario, r.rate): r for r in results if r.target == "bare Bolt"}
    for bot in (r for r in results if r.target == "nlsbot"):
        floor = floors.get((bot.scenario, bot.rate))
        if floor is None:
            continue
        ratio = bot.cpu_ms_per_request() / (floor.cpu_ms_per_request() or float("nan"))
        db = ""
        if bot.db_cpu_ms_per_request is not None:
            db = f" (+{bot.db_cpu_ms_per_request:.2f}; ×{bot.cpu_ms_per_request(with_db=True) / floor.cpu_ms_per_request():.1f} with it)"
        if bot.failures == bot.requests:  # nothing answered: no figure means anything
            lines.append(
                f"| {bot.scenario} | {bot.kind} | {bot.rate} | – | – | – | ❌ all {bot.requests} failed | – | – | – | – |"
            )
            continue
        if cold:
            last = f"{bot.no_ack}: {verdict(bot.no_ack == 0)}"
        elif bot.kind == "view" and bot.rate == MODAL_RATE:
            last = verdict(bot.pct(99) <= MODAL_P99_MS and bot.failures == 0)
        else:
            last = "–"
        lines.append(
            f"| {bot.scenario} | {bot.kind} | {bot.rate} | {bot.cpu_ms_per_request():.2f}{db} | "
            f"{floor.cpu_ms_per_request():.2f} | ×{ratio:.1f} | {verdict(ratio <= CPU_RATIO_TARGET)} | "
            f"×{bot.pct(50) / floor.pct(50):.2f} | {fmt(bot.pct(99))} | {bot.failures} of {bot.requests} | {last} |"
        )
    return lines


def print_report(run: Run, results: list[Result], memory: dict[str, float]) -> None:
    print()
    print(heading(run))
    print()
    print("\n".join(detail_table(results)))
    print()
    print("\n".join(targets_table(results, run.cold)))
    for r in results:
        for said, times in r.refusals.items():
            print(f"- {r.scenario} at {r.rate}/s, {r.target}: {times} refused in the form with “{said}”")
    print()
    print(
        "Failed: not answered with a 200 within 10 s, refused in the form, or answered after Slack's 3 s. "
        "CPU: the server's process tree over the run and its drain, divided by the requests sent; + PostgreSQL: "
        "the backends serving the run's database, same window. "
        "Peak memory (VmHWM): " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in memory.items()) + "."
    )
