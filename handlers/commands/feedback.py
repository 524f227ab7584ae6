"""`/nls feedback`, `/nls feedback summary [since DATE]`, `/nls consult`, `/nls consult start`,
`/nls consult results N`."""

from __future__ import annotations

from bot.blocks import consultations as consult_blocks
from bot.blocks import feedback as feedback_blocks
from bot.services import consultations, feedback
from bot.services.errors import Invalid
from handlers.commands.router import CommandCall, subcommand
from handlers.views.feedback import consultation_id, open_feedback_modal


@subcommand("feedback", help_key="feedback.help.open", order=60)
async def share_feedback(call: CommandCall) -> None:
    """Open to everyone in the workspace: a newcomer with a guest account has a voice too."""
    await call.ack()
    await open_feedback_modal(call.client, call.trigger_id, call.nls)


@subcommand(
    "feedback summary",
    usage="feedback summary [since YYYY-MM-DD]",
    help_key="feedback.help.summary",
    order=61,
    member_only=True,
)
async def feedback_summary(call: CommandCall) -> None:
    since = feedback.parse_since(call.args, call.nls.deps.today())
    feedback.ensure_reader(call.nls.actor)
    await call.ack()
    async with call.nls.deps.db.reader() as session:
        summary = await feedback.summary(session, actor=call.nls.actor, since=since)
    await call.reply(feedback_blocks.summary_reply(summary, call.nls.t))


@subcommand("consult", help_key="consult.help.list", order=62, member_only=True)
async def consult_list(call: CommandCall) -> None:
    """What my organisation can answer; for leads, the turnout of every open consultation."""
    nls = call.nls
    await call.ack()
    async with nls.deps.db.reader() as session:
        mine = await consultations.open_for(session, nls.actor, nls.deps.now())
        everyone = await consultations.progress(session, now=nls.deps.now()) if nls.actor.is_lead_or_admin else []  # type: ignore[union-attr]
    await call.reply(consult_blocks.overview_reply(mine, everyone, nls.t, nls.deps.settings.timezone))


@subcommand("consult start", help_key="consult.help.start", order=63, member_only=True)
async def consult_start(call: CommandCall) -> None:
    consultations.ensure_may_start(call.nls.actor)
    await call.ack()
    view = consult_blocks.start_modal(call.nls.t, today=call.nls.deps.today())
    await call.client.views_open(trigger_id=call.trigger_id, view=view)


@subcommand("consult results", usage="consult results N", help_key="consult.help.results", order=64, member_only=True)
async def consult_results(call: CommandCall) -> None:
    words = call.args.split()
    if not words:
        raise Invalid("consult.usage_results")
    number = consultation_id(words[0].lstrip("#"))
    consultations.ensure_may_start(call.nls.actor)
    await call.ack()
    async with call.nls.deps.db.reader() as session:
        results = await consultations.results(session, consultation_id=number, actor=call.nls.actor)
    await call.reply(consult_blocks.results_reply(results, call.nls.t, call.nls.deps.settings.timezone))
