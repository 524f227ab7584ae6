"""`/nls poll` (the creation modal), `/nls vote <poll> <option…>`, `/nls polls`.

`/nls vote` records the ballot before acknowledging and answers inside the acknowledgement: the
write takes milliseconds, and the voter is told "recorded" only once it is committed (a failure
is answered in the acknowledgement too, never silently lost).
"""

from __future__ import annotations

from bot.blocks import polls as poll_blocks
from bot.services import polls
from bot.services.errors import Invalid
from handlers.commands.router import CommandCall, subcommand
from handlers.home import refresh_homes


@subcommand("poll", usage="poll", help_key="polls.help.poll", order=30)
async def new_poll(call: CommandCall) -> None:
    await call.ack()
    view = poll_blocks.create_modal(call.nls.t, channel_id=call.channel_id, now=call.nls.deps.now())
    await call.client.views_open(trigger_id=call.trigger_id, view=view)


def parse_vote(args: str) -> tuple[int, list[str]]:
    """`12 3 1 2` or `#12 yes` → (12, ["3", "1", "2"])."""
    words = args.split()
    number = words[0].lstrip("#") if words else ""
    if len(words) < 2 or not number.isdigit():
        raise Invalid("polls.error.vote_usage")
    return int(number), words[1:]


@subcommand("vote", usage="vote <poll> <option…>", help_key="polls.help.vote", order=31)
async def vote(call: CommandCall) -> None:
    poll_id, words = parse_vote(call.args)
    deps = call.nls.deps
    now = deps.now()
    async with deps.db.transaction() as session:
        poll = await polls.get_poll(session, poll_id)
        recorded = await polls.cast_vote(
            session, poll_id=poll_id, choices=polls.parse_choices(poll, words), user_id=call.user_id,
            actor=call.nls.actor, now=now, today=deps.today(now), keys=deps.ballots,
        )  # fmt: skip
    await call.reply(poll_blocks.vote_reply(recorded, call.nls.t))
    await refresh_homes(deps, call.client, [call.user_id])


@subcommand("polls", usage="polls", help_key="polls.help.polls", order=32)
async def list_polls(call: CommandCall) -> None:
    await call.ack()
    deps = call.nls.deps
    now = deps.now()
    async with deps.db.reader() as session:
        items = await polls.votable(session, user_id=call.user_id, actor=call.nls.actor, now=now, today=deps.today(now))
    await call.reply(poll_blocks.polls_list(items, call.nls.t, now, deps.settings.timezone))
