"""`nlsbot import plan` and `nlsbot jobs run <plan job> --at …` as an operator runs them."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.slack.localslack.server import LocalSlack
from tests.support.plans import PLAN_FILE

ROOT = Path(__file__).resolve().parents[2]
TORONTO = ZoneInfo("America/Toronto")

MEMBERS = (
    "org,kind,province,slack_user_id,name,roles,term_ends\n"
    "Toronto South LIP,LIP,ON,UOWNER001,Olu Owner,rep;staff,\n"
    "Toronto South LIP,LIP,ON,ULEAD0001,Lea Lead,staff;lead,\n"
)
ACTIONS = """\
plan: "2022-2025"
actions:
  - ref: 2025-26/1.1-a
    objective: "1.1"
    title: Quarterly network call
    owners: [UOWNER001]
    start: 2026-01-05
    due: {due}
"""
BAD = """\
plan: "2022-2025"
actions:
  - ref: bad-1
    objective: "1.1"
    title: Backwards
    owners: [UOWNER001]
    start: 2026-04-01
    due: 2026-03-01
  - ref: bad-2
    objective: "7.1"
    title: Nobody's
    owners: [UNOBODY01]
    start: 2026-01-01
    due: 2026-03-01
    percent: 40
"""


async def nlsbot(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the real command in a subprocess without blocking this loop (the local Slack lives here)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NLS_", "DATABASE_URL"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env={**base, "PYTHONPATH": str(ROOT), **(env or {})},
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode(), err.decode()


async def test_importing_the_bundled_plan_twice_gives_the_same_plan(tmp_path):
    code, first, _ = await nlsbot(tmp_path, "import", "plan", str(PLAN_FILE))
    assert code == 0 and "directions 4 new, 0 updated; objectives 15 new, 0 updated" in first
    code, second, _ = await nlsbot(tmp_path, "import", "plan", str(PLAN_FILE))
    assert code == 0 and "directions 0 new, 0 updated; objectives 0 new, 0 updated; action items 0 new" in second


async def test_a_bad_plan_file_is_reported_by_line_and_nothing_is_imported(tmp_path):
    (tmp_path / "members.csv").write_text(MEMBERS)
    (tmp_path / "bad.yml").write_text(BAD)
    await nlsbot(tmp_path, "import", "members", "members.csv")
    await nlsbot(tmp_path, "import", "plan", str(PLAN_FILE))
    code, _, err = await nlsbot(tmp_path, "import", "plan", "bad.yml")
    assert code == 1
    assert err.splitlines() == [
        "nlsbot: The plan file has 3 problems; nothing was imported.",
        "  line 8: actions.0.due: 2026-03-01 is before start",
        "  line 10: actions.1.objective: no objective 7.1",
        "  line 12: actions.1.owners: UNOBODY01 not in the member directory",
    ]
    (tmp_path / "broken.yml").write_text("plan: [unclosed\n")
    code, _, err = await nlsbot(tmp_path, "import", "plan", "broken.yml")
    assert code == 1 and "line 2: not valid YAML" in err


async def test_an_operator_runs_the_reminders_by_hand_and_they_go_once(tmp_path):
    slack = await LocalSlack().start()
    try:
        env = {"SLACK_API_URL": slack.base_url, "SLACK_BOT_TOKEN": "xoxb-cli-test"}
        (tmp_path / "members.csv").write_text(MEMBERS)
        # the item is imported now (real time); its week-before reminder falls due tomorrow at 09:00
        tomorrow = datetime.now(TORONTO).date() + timedelta(days=1)
        (tmp_path / "actions.yml").write_text(ACTIONS.format(due=tomorrow + timedelta(days=7)))
        await nlsbot(tmp_path, "import", "members", "members.csv")
        await nlsbot(tmp_path, "import", "plan", str(PLAN_FILE))
        code, out, err = await nlsbot(tmp_path, "import", "plan", "actions.yml")
        assert "action items 1 new" in out
        assert code == 0, err
        listed = (await nlsbot(tmp_path, "jobs", "list", env=env))[1]
        assert all(name in listed for name in ("action-reminders", "lead-digest", "network-update"))
        at = f"{tomorrow.isoformat()}T09:05"  # local time (NLS_TIMEZONE)
        first = (await nlsbot(tmp_path, "jobs", "run", "action-reminders", "--at", at, env=env))[1]
        again = (await nlsbot(tmp_path, "jobs", "run", "action-reminders", "--at", at, env=env))[1]
        assert first.strip() == "action-reminders: 1 recorded; sent 1, to retry 0, failed 0"
        assert again.strip().startswith("action-reminders: nothing sent: every reminder due by now has gone out")
        [dm] = slack.calls_to("chat.postMessage")
        assert dm.args["channel"] == "UOWNER001" and "Quarterly network call" in str(dm.args["blocks"])
        monday = tomorrow + timedelta(days=7 - tomorrow.weekday())
        digest = (await nlsbot(tmp_path, "jobs", "run", "lead-digest", "--at", f"{monday}T09:00", env=env))[1]
        assert digest.strip() == "lead-digest: 1 recorded; sent 1, to retry 0, failed 0"
    finally:
        await slack.stop()
