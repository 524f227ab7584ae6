"""`/nls plan` (my items), `/nls plan all [direction N] [year YYYY-YY]`, `/nls plan add`."""

from __future__ import annotations

import re

from bot.blocks import plans as plan_blocks
from bot.services import plans
from bot.services.errors import Invalid
from handlers.commands.router import CommandCall, subcommand

ALL_ARGS = re.compile(r"^\s*(?:direction\s+(?P<direction>\d{1,2}))?\s*(?:year\s+(?P<year>\S+))?\s*$", re.IGNORECASE)


@subcommand("plan", usage="plan", help_key="plans.help.plan", order=40, member_only=True)
async def my_plan(call: CommandCall) -> None:
    assert call.nls.actor is not None
    await call.ack()
    deps = call.nls.deps
    async with deps.db.reader() as session:
        items = await plans.my_items(session, actor=call.nls.actor)
    today = deps.now().astimezone(deps.settings.timezone).date()
    await call.reply(plan_blocks.my_items_reply(items, call.nls.t, today))


@subcommand(
    "plan all", usage="plan all [direction N] [year 2024-25]", help_key="plans.help.all", order=41, member_only=True
)
async def whole_plan(call: CommandCall) -> None:
    match = ALL_ARGS.match(call.args)
    if match is None:
        raise Invalid("plans.all.usage")
    direction = int(match["direction"]) if match["direction"] else None
    await call.ack()
    deps = call.nls.deps
    today = deps.now().astimezone(deps.settings.timezone).date()
    async with deps.db.reader() as session:
        found = await plans.progress(session, today=today, direction=direction, year=match["year"])
    await call.reply(plan_blocks.progress_reply(found, call.nls.t, today, direction=direction))


@subcommand("plan add", usage="plan add", help_key="plans.help.add", order=42, member_only=True)
async def add_item(call: CommandCall) -> None:
    plans.require_planner(call.nls.actor)
    deps = call.nls.deps
    async with deps.db.reader() as session:
        plan = await plans.directions(session)
    if not plan:
        await call.reply(call.nls.t("plans.all.no_plan"))
        return
    await call.ack()
    today = deps.now().astimezone(deps.settings.timezone).date()
    await call.client.views_open(trigger_id=call.trigger_id, view=plan_blocks.add_modal(plan, call.nls.t, today))
