"""`/nls nominations open` (the round modal), `/nls nominations` (the committee's review),
`/nls nominate @person`, `/nls exec` (the committee roster) and `/nls exec transfer @old @new`.

Each command checks what it can before opening a modal (who may, whether a round takes
nominations, whether the person can stand), so nobody fills in a form that would be refused; the
submission is checked again by the service.
"""

from __future__ import annotations

from bot.blocks import nominations as nomination_blocks
from bot.services import nominations, terms
from bot.services.errors import Conflict, Invalid
from handlers.commands.directory import USER_MENTION
from handlers.commands.router import CommandCall, subcommand


@subcommand("nominations open", usage="nominations open", help_key="nominations.help.open", order=40, member_only=True)
async def open_round(call: CommandCall) -> None:
    nominations.require_committee(call.nls.actor)
    await call.ack()
    deps = call.nls.deps
    view = nomination_blocks.round_modal(
        call.nls.t, channel_id=call.channel_id, now=deps.now(), tz=deps.settings.timezone
    )
    await call.client.views_open(trigger_id=call.trigger_id, view=view)


@subcommand("nominations", usage="nominations", help_key="nominations.help.review", order=41, member_only=True)
async def review(call: CommandCall) -> None:
    await call.ack()
    deps = call.nls.deps
    async with deps.db.reader() as session:
        found = await nominations.review(session, actor=call.nls.actor)
    if found is None:
        await call.reply(nomination_blocks.no_round_reply(call.nls.t))
        return
    await call.reply(nomination_blocks.review_reply(found, call.nls.t, deps.settings.timezone, deps.now()))


@subcommand("nominate", usage="nominate @person", help_key="nominations.help.nominate", order=42, member_only=True)
async def nominate(call: CommandCall) -> None:
    match = USER_MENTION.search(call.args)
    if not match:
        raise Invalid("nominations.error.nominate_usage")
    deps, now = call.nls.deps, call.nls.deps.now()
    async with deps.db.reader() as session:
        await nominations.require_staff(session, call.nls.actor)
        round_ = await nominations.active_round(session)
        if round_ is None or not round_.taking_nominations(now):
            raise Conflict("nominations.error.no_open_round")
        await nominations.check_can_nominate(session, round_, match.group(1), now=now)
    await call.ack()
    view = nomination_blocks.nomination_modal(round_, call.nls.t, deps.settings.timezone, nominee=match.group(1))
    await call.client.views_open(trigger_id=call.trigger_id, view=view)


@subcommand("exec", usage="exec", help_key="exec.help.roster", order=45, member_only=True)
async def roster(call: CommandCall) -> None:
    await call.ack()
    deps = call.nls.deps
    async with deps.db.reader() as session:
        found = await terms.roster(session)
    await call.reply(nomination_blocks.roster_reply(found, call.nls.t, deps.today()))


@subcommand("exec transfer", usage="exec transfer @old @new", help_key="exec.help.transfer", order=46, member_only=True)
async def transfer(call: CommandCall) -> None:
    """Shows what would happen, with a confirmed button that does it (checked again then)."""
    people = USER_MENTION.findall(call.args)
    if len(people) != 2:
        raise Invalid("exec.error.transfer_usage")
    async with call.nls.deps.db.reader() as session:
        found = await terms.check_transfer(session, old_user=people[0], new_user=people[1], actor=call.nls.actor)
    await call.reply(nomination_blocks.transfer_preview(found, call.nls.t))
