"""Owners' reminders: 7 days and 1 day before due, weekly while overdue, at 09:00 in the owner's own
time zone, exactly once per item, person and occasion — run twice, run concurrently, after a crash,
after a failed send, and across daylight-saving changes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.services import digest, members, plans
from jobs import plans as plan_jobs
from models import OutboundMessage, SendStatus, UserPref
from models.plans import ItemStatus
from tests.support.directory import REP_HALIFAX, REP_MONTREAL, REP_TORONTO, STAFF_TORONTO, load_directory
from tests.support.plans import action, add_actions, job_env, load_plan, sent_to

TORONTO = ZoneInfo("America/Toronto")
PARIS = ZoneInfo("Europe/Paris")
VANCOUVER = ZoneInfo("America/Vancouver")


def local(day: date, hour: int, minute: int = 0, tz: ZoneInfo = TORONTO) -> datetime:
    return datetime.combine(day, time(hour, minute), tz).astimezone(UTC)


async def run(deps, clock, env, at: datetime) -> str:
    clock.set(at)
    return await plan_jobs.action_reminders(env, at)


async def sweep(deps, clock, env, moments: Iterable[datetime]) -> None:
    for at in moments:
        await run(deps, clock, env, at)


def every(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    out, at = [], start
    while at <= end:
        out.append(at)
        at += step
    return out


async def ledger(deps) -> list[OutboundMessage]:
    async with deps.db.reader() as s:
        query = select(OutboundMessage).where(OutboundMessage.key.like("plan-reminder:%")).order_by(OutboundMessage.id)
        return list((await s.execute(query)).scalars())


async def set_tz(deps, user: str, tz: str) -> None:
    async with deps.db.transaction() as s:
        s.add(UserPref(slack_user_id=user, tz=tz))


@pytest.fixture
async def env(deps):
    await load_directory(deps)
    await load_plan(deps)
    return job_env(deps)


async def test_reminders_come_a_week_before_a_day_before_and_weekly_while_overdue(deps, slack, clock, env):
    await add_actions(deps, [action("r1", [REP_TORONTO], date(2026, 3, 20), title="Summit <!here> agenda")])
    days = [date(2026, 3, 12) + timedelta(days=n) for n in range(25)]
    await sweep(
        deps, clock, env, [local(d, h, m) for d in days for h, m in ((6, 0), (8, 50), (9, 0), (9, 10), (21, 0))]
    )
    rows = await ledger(deps)
    assert [r.key.split(":", 3)[3] for r in rows] == [
        "week-before:2026-03-13",
        "day-before:2026-03-19",
        "overdue:2026-03-21",
        "overdue:2026-03-28",
        "overdue:2026-04-04",
    ]
    assert all(r.created_at.astimezone(TORONTO).time() == time(9, 0) for r in rows)
    posted = sent_to(slack, REP_TORONTO)
    assert len(posted) == 5 and {r.status for r in rows} == {SendStatus.SENT}
    first = posted[0].args
    assert "one of your action items is due in 7 days" in str(first["blocks"])
    assert "&lt;!here&gt;" in str(first["blocks"]) and "<!here>" not in str(first["blocks"])
    buttons = [e["action_id"] for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["plan_update", "plan_snooze_1d", "plan_snooze_7d"]


async def test_each_owner_gets_their_own_reminder_and_a_done_item_stops_reminding(deps, slack, clock, env):
    ids = await add_actions(deps, [action("r2", [REP_TORONTO, STAFF_TORONTO], date(2026, 3, 20))])
    await run(deps, clock, env, local(date(2026, 3, 13), 9, 0))
    assert {c.args["channel"] for c in sent_to(slack)} == {REP_TORONTO, STAFF_TORONTO}
    async with deps.db.transaction() as s:
        owner = await members.get_member(s, REP_TORONTO)
        await plans.update_item(
            s, actor=owner, item_id=ids["r2"], update=plans.ItemUpdate(ItemStatus.DONE, 100, None), now=clock()
        )
    await sweep(deps, clock, env, [local(date(2026, 3, 19), 9, 0), local(date(2026, 3, 21), 9, 0)])
    assert len(sent_to(slack)) == 2


async def test_running_twice_or_concurrently_sends_once(deps, slack, clock, env):
    await add_actions(
        deps,
        [action(f"c{n}", [REP_TORONTO, REP_HALIFAX, REP_MONTREAL], date(2026, 3, 20)) for n in range(4)],
    )
    at = local(date(2026, 3, 13), 9, 0)
    assert await run(deps, clock, env, at - timedelta(days=1)) == (
        "nothing sent: no reminder is due (owners hear at 09:00 in their own time zone 7 days and 1 day before an "
        "item is due, then weekly while it is overdue)"
    )
    clock.set(at)
    other = job_env(deps)
    await asyncio.gather(plan_jobs.action_reminders(env, at), plan_jobs.action_reminders(other, at))
    assert await run(deps, clock, env, at + timedelta(days=1)) == (
        "nothing sent: every reminder due by now has gone out (owners hear at 09:00 in their own time zone 7 days "
        "and 1 day before an item is due, then weekly while it is overdue)"
    )
    posted = sent_to(slack)
    assert len(posted) == 12
    assert len(await ledger(deps)) == 12
    assert len({(c.args["channel"], str(c.args["blocks"])) for c in posted}) == 12


async def test_a_crash_after_recording_loses_nothing_and_doubles_nothing(deps, slack, clock, env, monkeypatch):
    await add_actions(deps, [action("k1", [REP_TORONTO], date(2026, 3, 20))])

    async def crash(*args, **kwargs):
        raise RuntimeError("process killed between recording and sending")

    monkeypatch.setattr(plan_jobs, "deliver_due", crash)
    with pytest.raises(RuntimeError):
        await run(deps, clock, env, local(date(2026, 3, 13), 9, 0))
    monkeypatch.undo()
    assert [r.status for r in await ledger(deps)] == [SendStatus.PENDING]
    summary = await run(deps, clock, env, local(date(2026, 3, 13), 9, 10))
    assert summary == "0 recorded; sent 1, to retry 0, failed 0"
    assert len(sent_to(slack)) == 1


@pytest.mark.parametrize(("status", "error", "attempts"), [(500, "internal_error", 3), (429, "ratelimited", 4)])
async def test_a_failed_send_is_retried_on_the_next_run_not_lost(deps, slack, clock, env, status, error, attempts):
    await add_actions(deps, [action("f1", [REP_TORONTO], date(2026, 3, 20))])
    # as many failures as the Web API client tries (it retries 5xx twice, 429 three times)
    slack.fail_next("chat.postMessage", status=status, error=error, retry_after=0, times=attempts)
    first = await run(deps, clock, env, local(date(2026, 3, 13), 9, 0))
    assert first == "1 recorded; sent 0, to retry 1, failed 0"
    [row] = await ledger(deps)
    assert row.status is SendStatus.PENDING and row.last_error
    second = await run(deps, clock, env, local(date(2026, 3, 13), 9, 10))
    assert second == "0 recorded; sent 1, to retry 0, failed 0"
    assert len(sent_to(slack)) == 1


async def test_never_at_night_what_fell_due_waits_for_the_morning(deps, slack, clock, env):
    await set_tz(deps, REP_HALIFAX, "America/Vancouver")
    await add_actions(deps, [action("n1", [REP_HALIFAX], date(2026, 3, 20))])
    # the scheduler was down all day; it comes back late in the evening in Vancouver
    await sweep(
        deps, clock, env, every(local(date(2026, 3, 13), 21, 0, VANCOUVER), local(date(2026, 3, 14), 7, 50, VANCOUVER), timedelta(minutes=20))
    )  # fmt: skip
    assert sent_to(slack) == []
    await run(deps, clock, env, local(date(2026, 3, 14), 8, 0, VANCOUVER))
    [row] = await ledger(deps)
    assert row.key.endswith("week-before:2026-03-13")
    assert len(sent_to(slack, REP_HALIFAX)) == 1


async def test_a_snooze_holds_reminders_and_what_fell_due_comes_after(deps, slack, clock, env):
    ids = await add_actions(deps, [action("s1", [REP_TORONTO], date(2026, 3, 20))])
    await run(deps, clock, env, local(date(2026, 3, 13), 9, 0))
    async with deps.db.transaction() as s:
        owner = await members.get_member(s, REP_TORONTO)
        await plans.snooze(s, actor=owner, item_id=ids["s1"], days=7, now=local(date(2026, 3, 13), 10, 0))
    days = [date(2026, 3, 14) + timedelta(days=n) for n in range(8)]
    await sweep(deps, clock, env, [local(d, h) for d in days for h in (9, 11)])
    rows = await ledger(deps)
    kinds = [(r.key.split(":")[3], r.created_at.astimezone(TORONTO)) for r in rows]
    assert kinds == [
        ("week-before", datetime(2026, 3, 13, 9, tzinfo=TORONTO)),
        ("day-before", datetime(2026, 3, 20, 11, tzinfo=TORONTO)),  # the snooze ended at 10:00 that day
        ("overdue", datetime(2026, 3, 21, 9, tzinfo=TORONTO)),
    ]
    assert "is due today" in str(rows[1].blocks)  # said as things stand when it goes out


async def test_an_item_given_after_an_occasion_is_not_reminded_of_it(deps, slack, clock, env):
    await add_actions(
        deps, [action("late", [REP_TORONTO], date(2026, 3, 20))], now=local(date(2026, 3, 16), 12, 0)
    )  # added 4 days before due: no "due in a week"
    await sweep(deps, clock, env, [local(date(2026, 3, d), 9, 0) for d in range(16, 20)])
    assert [r.key.split(":")[3] for r in await ledger(deps)] == ["day-before"]


# --- daylight saving -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz_name", "transition"),
    [
        ("America/Toronto", date(2026, 3, 8)),
        ("America/Toronto", date(2026, 11, 1)),
        ("Europe/Paris", date(2026, 3, 29)),
        ("Europe/Paris", date(2026, 10, 25)),
    ],
)
async def test_daylight_saving_neither_skips_nor_doubles_a_reminder(deps, slack, clock, env, tz_name, transition):
    tz = ZoneInfo(tz_name)
    await set_tz(deps, REP_MONTREAL, tz_name)
    # occasions on the transition day (a week and a day before) and on the days around it
    await add_actions(
        deps,
        [
            action("w", [REP_MONTREAL], transition + timedelta(days=7)),
            action("d", [REP_MONTREAL], transition + timedelta(days=1)),
            action("o", [REP_MONTREAL], transition - timedelta(days=1)),
            action("before", [REP_MONTREAL], transition),
        ],
    )
    # daily runs at 09:00 until the day before, then a sweep every 20 minutes across the change
    await sweep(deps, clock, env, [local(transition - timedelta(days=n), 9, 0, tz) for n in range(9, 1, -1)])
    start = datetime.combine(transition - timedelta(days=1), time(0), tz).astimezone(UTC)
    await sweep(deps, clock, env, every(start, start + timedelta(hours=72), timedelta(minutes=20)))
    rows = await ledger(deps)
    keys = [r.key for r in rows]
    assert len(keys) == len(set(keys))
    by_day: dict[str, list[str]] = {}
    for r in rows:
        *_, kind, day = r.key.split(":")
        by_day.setdefault(day, []).append(kind)
        assert r.created_at.astimezone(tz).time() == time(9, 0), (r.key, r.created_at.astimezone(tz))
    assert sorted(by_day[transition.isoformat()]) == ["day-before", "overdue", "week-before"]
    assert len(sent_to(slack, REP_MONTREAL)) == len(rows)


def test_local_moments_across_the_gap_and_the_fold():
    # spring forward: 02:30 does not exist; it happens when the clocks jump (03:00 EDT)
    assert digest.local_moment(date(2026, 3, 8), time(2, 30), TORONTO) == datetime(2026, 3, 8, 7, tzinfo=UTC)
    assert digest.local_moment(date(2026, 3, 29), time(2, 30), PARIS) == datetime(2026, 3, 29, 1, tzinfo=UTC)
    # fall back: 01:30 happens twice; the first one counts
    assert digest.local_moment(date(2026, 11, 1), time(1, 30), TORONTO) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert digest.local_moment(date(2026, 10, 25), time(2, 30), PARIS) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # ordinary times
    assert digest.local_moment(date(2026, 3, 8), time(9), TORONTO) == datetime(2026, 3, 8, 13, tzinfo=UTC)
    assert digest.local_moment(date(2026, 3, 7), time(9), TORONTO) == datetime(2026, 3, 7, 14, tzinfo=UTC)


def test_the_latest_occasion_is_the_one_that_counts():
    due, nine = date(2026, 3, 20), time(9)

    def kind_at(day: date, hour: int) -> tuple[str, date] | None:
        found = digest.latest_reminder(due, local(day, hour), TORONTO, nine)
        return (found.kind, found.day) if found else None

    assert kind_at(date(2026, 3, 13), 8) is None
    assert kind_at(date(2026, 3, 13), 9) == ("week-before", date(2026, 3, 13))
    assert kind_at(date(2026, 3, 19), 8) == ("week-before", date(2026, 3, 13))
    assert kind_at(date(2026, 3, 20), 23) == ("day-before", date(2026, 3, 19))
    assert kind_at(date(2026, 3, 28), 8) == ("overdue", date(2026, 3, 21))
    assert kind_at(date(2026, 3, 28), 9) == ("overdue", date(2026, 3, 28))
    assert kind_at(date(2026, 5, 30), 9) == ("overdue", date(2026, 5, 30))
