"""The leads' weekly digest (Monday 09:00 in each lead's zone, configurable; every feature's
sections; within Slack's block limit however much there is) and the monthly network update."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.services import contributions
from bot.services.contributions import Fact, Section
from jobs import plans as plan_jobs
from jobs import run_moment
from models import OutboundMessage
from tests.support.directory import EX_OFFICIO, LEAD, REP_HALIFAX, REP_TORONTO, load_directory
from tests.support.plans import action, add_actions, job_env, load_plan, sent_to

TORONTO = ZoneInfo("America/Toronto")
MONDAY = date(2026, 3, 2)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), TORONTO).astimezone(UTC)


def text_of(call) -> str:
    return call.args["text"] + json.dumps(call.args["blocks"], ensure_ascii=False)


@pytest.fixture
async def env(deps):
    await load_directory(deps)
    await load_plan(deps)
    await add_actions(
        deps,
        [
            action("late", [REP_TORONTO], date(2026, 2, 20), title="Funding proposal"),
            action("soon", [REP_HALIFAX], date(2026, 3, 9), objective="2.1", status="in_progress", percent=60),
            action("stuck", [REP_TORONTO], date(2026, 6, 1), objective="3.2", status="blocked", percent=30),
            action("done", [REP_HALIFAX], date(2026, 2, 1), objective="4.4", status="done"),
            action("far", [REP_HALIFAX], date(2026, 9, 1), objective="4.2"),
        ],
    )
    return job_env(deps)


@pytest.fixture
def polls_section(monkeypatch):
    """Another feature's contribution, as polls or feedback would register it."""
    calls = []

    async def polls(session, since, now):
        calls.append(since)
        return Section(
            order=20,
            title=Fact("test.polls"),
            headline=(Fact("test.closing_soon", {"count": 2}),),
            details=(Fact("test.poll_line", {"question": "Adopt the <!channel> terms?"}),),
        )

    monkeypatch.setattr(contributions, "DIGEST", [*contributions.DIGEST, polls])
    return calls


async def run(clock, env, at: datetime, job=plan_jobs.lead_digest) -> str:
    clock.set(at)
    return await job(env, at)


async def test_leads_get_one_digest_on_monday_morning_with_every_section(deps, slack, clock, env, polls_section):
    assert await run(clock, env, local(MONDAY, 8, 50)) == (
        "nothing sent: the weekly digest goes out Mondays at 09:00 in each lead's time zone; try --at 2026-03-02T09:00"
    )
    assert await run(clock, env, local(MONDAY, 9, 0)) == "2 recorded; sent 2, to retry 0, failed 0"
    await run(clock, env, local(MONDAY, 9, 10))
    await run(clock, env, local(MONDAY, 16, 0))
    assert {c.args["channel"] for c in sent_to(slack)} == {LEAD, EX_OFFICIO}
    [digest] = sent_to(slack, LEAD)
    blocks = digest.args["blocks"]
    text = text_of(digest)
    # headline numbers first: the plan's and the other feature's
    assert blocks[0]["type"] == "header" and "Weekly digest" in blocks[0]["text"]["text"]
    assert "*Action plans* — 1 overdue · 1 due in the next 14 days · 1 blocked" in blocks[1]["text"]["text"]
    assert "test.closing_soon" in blocks[1]["text"]["text"]
    # then the items that need attention, each with its Update button
    updates = [b["accessory"] for b in blocks if b.get("accessory", {}).get("action_id") == "plan_update"]
    assert len(updates) == 3
    assert "Funding proposal" in text and "overdue by 10 days" in text
    # progress by direction, in full words, and the other feature's details (escaped)
    assert "Stakeholder Engagement and Communication" in text
    assert "test.poll_line" in text
    assert "Digest: 2 overdue" not in text
    assert digest.args["text"] == "Weekly digest: 1 overdue, 1 due soon, 1 blocked"
    # "since the last digest" for the first one is the week before
    assert polls_section[0] == local(MONDAY - timedelta(days=7), 9, 0)


async def test_a_digest_not_due_says_why_and_the_at_that_sends_one(deps, slack, clock, env):
    thursday = local(MONDAY + timedelta(days=3), 15, 0)
    said = await run(clock, env, thursday)
    assert said == (
        "nothing sent: the weekly digest goes out Mondays at 09:00 in each lead's time zone; try --at 2026-03-09T09:00"
    )
    assert await run(clock, dataclasses.replace(env, locale="fr"), thursday) == (
        "rien d'envoyé : le résumé de la semaine part le lundi à 09:00, à l'heure de chaque responsable ; "
        "essayez --at 2026-03-09T09:00"
    )
    assert sent_to(slack) == []
    assert await run(clock, env, _at(said)) == "2 recorded; sent 2, to retry 0, failed 0"
    assert await run(clock, env, _at(said)) == (
        "nothing sent: this week's digest went out to every lead already; the next goes out Monday at 09:00: "
        "try --at 2026-03-16T09:00"
    )


async def test_the_suggested_at_is_the_first_lead_s_nine_o_clock_in_their_own_zone(deps, slack, clock, env):
    from models import UserPref

    async with deps.db.transaction() as s:
        s.add(UserPref(slack_user_id=LEAD, tz="Europe/Paris"))
    said = await run(clock, env, local(MONDAY + timedelta(days=3), 15, 0))
    # 09:00 in Paris (still CET) on the first Monday of daylight time in Toronto: 04:00 there
    assert said.endswith("try --at 2026-03-09T04:00")
    await run(clock, env, _at(said))
    assert [c.args["channel"] for c in sent_to(slack)] == [LEAD]


async def test_without_leads_the_digest_says_there_is_nobody_to_send_it_to(deps, slack, clock):
    assert await run(clock, job_env(deps), local(MONDAY, 9, 0)) == (
        "nothing sent: nobody has the lead role, so there is no weekly digest to send"
    )


def _at(said: str) -> datetime:
    """The instant `--at` names in what a job said, read as the CLI and the shell read it."""
    return run_moment(said.rsplit("--at ", 1)[1], TORONTO)


async def test_the_next_digest_covers_what_happened_since_the_last(deps, slack, clock, env, polls_section):
    await run(clock, env, local(MONDAY, 9, 0))
    await run(clock, env, local(MONDAY + timedelta(days=7), 9, 0))
    assert len(sent_to(slack, LEAD)) == 2
    assert polls_section[-1] == local(MONDAY, 9, 0)


async def test_a_lead_abroad_gets_it_at_nine_in_their_own_zone_in_their_language(deps, slack, clock, env):
    from models import UserPref

    async with deps.db.transaction() as s:
        s.add(UserPref(slack_user_id=LEAD, tz="Europe/Paris", locale="fr"))
    await run(clock, env, datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # 09:00 in Paris, 03:00 in Toronto
    [digest] = sent_to(slack)
    assert digest.args["channel"] == LEAD
    assert "Résumé de la semaine" in text_of(digest)
    assert "Mobilisation des parties prenantes et communication" in text_of(digest)


async def test_the_digest_day_and_time_are_configurable(deps, slack, clock, env):
    deps.settings.digest_day, deps.settings.digest_time = "wed", time(8, 30)
    await run(clock, env, local(MONDAY, 9, 0))
    assert sent_to(slack) == []
    await run(clock, env, local(MONDAY + timedelta(days=2), 8, 30))
    assert len(sent_to(slack)) == 2


async def test_a_digest_of_five_hundred_items_stays_within_slacks_limits(deps, slack, clock, env):
    owners = [REP_TORONTO, REP_HALIFAX]
    await add_actions(
        deps,
        [
            action(
                f"bulk{n}",
                [owners[n % 2]],
                date(2026, 2, 1) + timedelta(days=n % 40),
                title=f"Bulk item {n} " + "x" * 120,
            )
            for n in range(500)
        ],
    )
    assert await run(clock, env, local(MONDAY, 9, 0)) == "2 recorded; sent 2, to retry 0, failed 0"
    [digest] = sent_to(slack, LEAD)
    blocks = digest.args["blocks"]
    assert len(blocks) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
    assert "…and 488 more. See them all with `/nls plan all`." in text_of(digest)
    assert not [c for c in slack.calls_to("chat.postMessage") if "_error" in c.args]


# --- the monthly network update -----------------------------------------------------------------------


async def test_the_network_gets_one_bilingual_update_a_month(deps, slack, clock, env):
    deps.settings.network_channel = "CNETWORK"
    assert await run(clock, env, local(date(2026, 4, 1), 9, 50), plan_jobs.network_update) == (
        "nothing posted: the monthly update goes out on day 1 of each month at 10:00 (America/Toronto); "
        "try --at 2026-04-01T10:00"
    )
    assert sent_to(slack) == []
    await run(clock, env, local(date(2026, 4, 1), 10, 0), plan_jobs.network_update)
    assert await run(clock, env, local(date(2026, 4, 1), 10, 10), plan_jobs.network_update) == (
        "nothing posted: this month's update went out already; the next goes out on day 1 at 10:00 "
        "(America/Toronto): try --at 2026-05-01T10:00"
    )
    await run(clock, env, local(date(2026, 4, 20), 10, 0), plan_jobs.network_update)
    [post] = sent_to(slack, "CNETWORK")
    text = text_of(post)
    assert "Strategic plan update — April 2026 / Bilan du plan stratégique — avril 2026" in text
    assert "Stakeholder Engagement and Communication" in text and "Mobilisation des parties prenantes" in text
    assert "1 of 5 action items done" in text and "actions terminées : 1 sur 5" in text
    assert "*2. Stakeholder Engagement and Communication* — 60% complete · done: 0 of 1 · behind schedule: 1" in text
    await run(clock, env, local(date(2026, 5, 1), 10, 0), plan_jobs.network_update)
    assert len(sent_to(slack, "CNETWORK")) == 2
    async with deps.db.reader() as s:
        keys = (
            await s.execute(select(OutboundMessage.key).where(OutboundMessage.key.like("network-update:%")))
        ).scalars()
        assert sorted(keys) == ["network-update:2026-04", "network-update:2026-05"]


async def test_without_a_network_channel_nothing_is_posted(deps, slack, clock, env):
    assert await run(clock, env, local(date(2026, 4, 1), 10, 0), plan_jobs.network_update) == (
        "NLS_NETWORK_CHANNEL is not set: nothing to post"
    )
    assert sent_to(slack) == []
