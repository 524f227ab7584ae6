"""Dates and times typed in the shell are the network's (`NLS_TIMEZONE`), whatever the zone of the
machine the shell runs on: a deadline typed at a modal's prompt, and `jobs run NAME --at`."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.blocks import ids
from bot.shell import handle, start_session
from bot.shell.forms import fields_of
from models.polls import Poll

TORONTO = ZoneInfo("America/Toronto")  # the default NLS_TIMEZONE
KOLKATA = ZoneInfo("Asia/Kolkata")  # far from it, and from UTC, on no daylight time


@pytest.fixture
async def shell(deps, clock):
    clock.set(datetime(2026, 3, 12, 15, 0, tzinfo=TORONTO))
    session = await start_session(deps, out=lambda text: None)
    yield session
    await session.stop()


async def test_a_deadline_typed_at_a_modal_prompt_is_network_time(deps, shell):
    await handle(shell, "/nls poll", print)
    closes = next(f for f in fields_of(shell.modal) if f.block_id == ids.POLL_F_CLOSES)
    assert closes.prompt(TORONTO).startswith(f"{closes.label} (YYYY-MM-DD HH:MM, America/Toronto time, Enter keeps")
    outcome = await shell.submit(
        {
            ids.POLL_F_QUESTION: "Meet in Halifax?",
            ids.POLL_F_OPTIONS: "Yes\nNo",
            ids.POLL_F_KIND: "single",
            ids.POLL_F_ELECTORATE: "network",
            ids.POLL_F_CLOSES: "2026-03-17 17:00",
        }
    )
    assert not [line for line in outcome.lines if "✗" in line], outcome.lines
    async with deps.db.reader() as session:
        closes_at = (await session.execute(select(Poll.closes_at).where(Poll.question == "Meet in Halifax?"))).scalar()
    assert closes_at == datetime(2026, 3, 17, 21, 0, tzinfo=UTC)  # 17:00 in Toronto, on daylight time


async def test_a_deadline_shown_at_the_prompt_is_in_the_network_s_zone():
    picker = {"type": "datetimepicker", "action_id": "a", "initial_date_time": 1773774000}  # 19:00 UTC
    view = {"blocks": [{"type": "input", "block_id": "b", "label": {"text": "Closes"}, "element": picker}]}
    [field] = fields_of(view)
    assert field.prompt(KOLKATA) == "Closes (YYYY-MM-DD HH:MM, Asia/Kolkata time, Enter keeps '2026-03-18 00:30'): "


async def test_jobs_run_at_in_the_shell_is_network_time(deps, shell):
    said: list[str] = []
    outcome = await handle(shell, "jobs run lead-digest --at 2026-03-16T08:59", said.append)
    assert outcome is not None and outcome.lines[0].endswith("try --at 2026-03-16T09:00")
    outcome = await handle(shell, "jobs run lead-digest --at 2026-03-16T09:00", said.append)
    assert outcome is not None and outcome.lines[0] == "  job lead-digest: 2 recorded; sent 2, to retry 0, failed 0"
    assert "posted to DM to @Amina Haddad" in "\n".join(outcome.lines)
    outcome = await handle(shell, "jobs run lead-digest --at=2026-03-16T10:00", said.append)
    assert outcome is not None and "this week's digest went out to every lead already" in outcome.lines[0]
    assert deps.now() == datetime(2026, 3, 12, 15, 0, tzinfo=TORONTO)  # the shell's own clock, unmoved
    outcome = await handle(shell, "jobs run lead-digest --at Monday", said.append)
    assert outcome is not None and outcome.lines == [
        "  (--at takes a date and time such as 2026-12-07T09:00, America/Toronto time unless it has an offset)"
    ]
