"""`/nls find …`, `/nls resource add`, `/nls resource mine`."""

from __future__ import annotations

from bot.blocks import resources as blocks
from bot.services import resources
from handlers.commands.router import CommandCall, subcommand
from handlers.events.resources import question_of


@subcommand(
    "find",
    usage="find <words> [tag:housing] [lang:fr] [prov:ON] [kind:toolkit]",
    help_key="resources.help.find",
    order=20,
)
async def find(call: CommandCall) -> None:
    """Open to everyone in the workspace: the repository exists to be found. Acknowledged first,
    so a slow database never costs the 3-second deadline; the answer goes to the response_url."""
    await call.ack()
    nls = call.nls
    try:
        query = resources.parse_query(question_of(call.args))  # Slack escapes & < > and marks up mentions
        async with nls.deps.db.reader(snapshot=False) as session:  # a search needs no snapshot
            page = await resources.search(session, query)
    except resources.EmptyQuery:
        async with nls.deps.db.reader() as session:
            popular = await resources.popular_tags(session)
        await call.reply(blocks.how_to_reply(nls.t, popular))
        return
    await call.reply(blocks.search_reply(page, nls.t, editable=resources.editable(nls.actor, page.hits)))


@subcommand("resource add", usage="resource add", help_key="resources.help.add", order=21, member_only=True)
async def add(call: CommandCall) -> None:
    await call.ack()
    view = blocks.form_view(call.nls.t, values={}, owner_id=call.user_id)
    await call.client.views_open(trigger_id=call.trigger_id, view=view)


@subcommand("resource mine", usage="resource mine", help_key="resources.help.mine", order=22, member_only=True)
async def mine(call: CommandCall) -> None:
    await call.ack()
    nls = call.nls
    async with nls.deps.db.reader() as session:
        owned = await resources.owned_by(session, call.user_id)
    today = nls.deps.now().astimezone(nls.deps.settings.timezone).date()
    await call.reply(blocks.review_reply(owned, nls.t, today, mine=True))


@subcommand("resource", usage="resource add|mine")
async def usage(call: CommandCall) -> None:
    await call.reply(call.nls.t("resources.usage"))
