"""Action-plan fixtures for tests: the bundled strategic plan and items loaded through the real
import service, a job environment, and the DMs a run sent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from bot.app import web_client
from bot.deps import Deps
from bot.services import plans
from bot.slack.localslack.server import Call, LocalSlack
from jobs import JobEnv
from models.plans import ActionItem

PLAN_FILE = Path(__file__).resolve().parents[2] / "bot" / "data" / "strategic_plan_2022_2025.yml"
LOADED_AT = datetime(2026, 1, 1, 12, tzinfo=UTC)


def plan_document() -> dict[str, Any]:
    return yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))


async def load_plan(deps: Deps) -> plans.PlanImportReport:
    async with deps.db.transaction() as session:
        return await plans.import_plan(session, plan_document(), now=LOADED_AT)


def action(
    ref: str, owners: list[str], due: date, *, start: date | None = None, objective: str = "1.1", **extra: Any
) -> dict[str, Any]:
    return {
        "ref": ref, "objective": objective, "title": extra.pop("title", f"Item {ref}"), "owners": owners,
        "start": start or date(2026, 1, 1), "due": due, **extra,
    }  # fmt: skip


async def add_actions(deps: Deps, actions: list[dict[str, Any]], *, now: datetime = LOADED_AT) -> dict[str, int]:
    """Create items through the import service; returns their ids by ref."""
    async with deps.db.transaction() as session:
        await plans.import_plan(session, {"plan": "2022-2025", "actions": actions}, now=now)
        rows = await session.execute(select(ActionItem.ref, ActionItem.id).where(ActionItem.ref.is_not(None)))
        return {ref: item_id for ref, item_id in rows.all()}


def job_env(deps: Deps) -> JobEnv:
    return JobEnv(deps=deps, client=web_client(deps))


def sent_to(slack: LocalSlack, channel: str | None = None) -> list[Call]:
    """Messages Slack accepted (failed attempts are recorded with `_failed`)."""
    return [
        c
        for c in slack.calls_to("chat.postMessage")
        if "_failed" not in c.args and "_error" not in c.args and (channel is None or c.args.get("channel") == channel)
    ]
