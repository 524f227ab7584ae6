"""Demo action plans: the real 2022-2025 strategic plan, and a year of [DEMO] action items owned
by the demo people, dated around today so reminders, the digest and `/nls plan` have something
to show (some overdue, some due this week, one blocked, some done)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo import DEMO_MARK
from bot.deps import Deps
from bot.services.plans import fiscal_year, import_plan

STRATEGIC_PLAN = Path(__file__).resolve().parents[1] / "data" / "strategic_plan_2022_2025.yml"

# ref, objective, title, owners, working group, starts (days from today), due (days from today), status, percent
ITEMS = [
    ("d1", "1.1", "Quarterly network call on NLS plans", ["UDEMO0001"], None, -60, -3, "in_progress", 70),
    ("d2", "1.2", "Attend the Atlantic regional LIP/ZIP meeting", ["UDEMO0005", "UDEMO0006"], None, -30, 6, "in_progress", 40),
    ("d3", "1.3", "Submit the funding renewal proposal", ["UDEMO0002"], None, -90, 1, "in_progress", 85),
    ("d4", "1.4", "Draft the pilot evaluation framework", ["UDEMO0010"], "Evaluation working group", -45, 20, "not_started", 0),
    ("d5", "2.1", "Publish the bilingual communication strategy", ["UDEMO0008", "UDEMO0009"], "Communications working group", -120, -10, "blocked", 50),
    ("d6", "2.2", "Consult LIPs/ZIPs on emerging needs (survey)", ["UDEMO0003"], None, -20, 30, "in_progress", 20),
    ("d7", "2.3", "Meet the National Settlement and Integration Council", ["UDEMO0001", "UDEMO0002"], None, -100, -40, "done", 100),
    ("d8", "2.4", "Newcomer advisory circle: first session", ["UDEMO0012"], None, -10, 45, "not_started", 0),
    ("d9", "3.1", "Annual consultation on NLS priorities", ["UDEMO0007"], None, -5, 60, "not_started", 0),
    ("d10", "3.2", "Brief for the regional decision-making table", ["UDEMO0014"], None, -15, 7, "in_progress", 60),
    ("d11", "3.3", "Joint statement with two provincial umbrella organisations", ["UDEMO0004"], None, -50, -1, "in_progress", 90),
    ("d12", "4.1", "Launch the research working group", ["UDEMO0013"], "Research working group", -70, 14, "in_progress", 45),
    ("d13", "4.2", "Refresh the resource repository", ["UDEMO0011"], None, -30, 90, "in_progress", 10),
    ("d14", "4.3", "Welcome calls with new and small LIPs/ZIPs", ["UDEMO0015", "UDEMO0016"], None, -25, 3, "in_progress", 55),
    ("d15", "4.4", "Anti-Racist Recovery initiative: share local results", ["UDEMO0009"], "Diversity and inclusion working group", -80, -20, "done", 100),
]  # fmt: skip


def demo_actions(today: date) -> list[dict[str, object]]:
    return [
        {
            "ref": f"demo-{ref}",
            "objective": objective,
            "title": f"{DEMO_MARK} {title}",
            "owners": owners,
            "working_group": group,
            "start": today + timedelta(days=start),
            "due": today + timedelta(days=due),
            "year": fiscal_year(today),
            "status": status,
            "percent": percent,
        }
        for ref, objective, title, owners, group, start, due, status, percent in ITEMS
    ]


async def load(session: AsyncSession, today: date, deps: Deps) -> str:
    # Recorded as planned a month ago, so today's reminders are owed (none precede their item).
    now = datetime.combine(today - timedelta(days=30), time(12), UTC)
    plan = yaml.safe_load(STRATEGIC_PLAN.read_text(encoding="utf-8"))
    await import_plan(session, plan, now=now)
    await import_plan(session, {"plan": plan["plan"], "actions": demo_actions(today)}, now=now)
    return f"strategic plan {plan['plan']} with {len(ITEMS)} action items"
