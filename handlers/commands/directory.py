"""`/nls help`, `/nls whois @user`, `/nls lips [province]`, `/nls lang fr|en`."""

from __future__ import annotations

import re

from bot.blocks import help as help_blocks
from bot.blocks import members as member_blocks
from bot.services import members, prefs
from bot.services.errors import Invalid
from handlers.commands.router import ROUTER, CommandCall, subcommand

USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


@subcommand("help", help_key="help.cmd.help", order=0)
async def show_help(call: CommandCall) -> None:
    await call.reply(help_blocks.help_reply(ROUTER.listed(), call.nls.t))


@subcommand("whois", usage="whois @person", help_key="help.cmd.whois", order=10, member_only=True)
async def whois(call: CommandCall) -> None:
    match = USER_MENTION.search(call.args)
    if not match:
        raise Invalid("members.whois.usage")
    await call.ack()
    async with call.nls.deps.db.reader() as session:
        member = await members.whois(session, match.group(1))
    await call.reply(member_blocks.whois_reply(member, call.nls.t, call.nls.deps.now().date()))


@subcommand("lips", usage="lips [province]", help_key="help.cmd.lips", order=11, member_only=True)
async def lips(call: CommandCall) -> None:
    province = call.args.split()[0] if call.args.split() else None
    await call.ack()
    async with call.nls.deps.db.reader() as session:
        orgs = await members.list_organisations(session, province)
    await call.reply(member_blocks.lips_reply(orgs, call.nls.t, province))


@subcommand("lang", usage="lang en|fr", help_key="help.cmd.lang", order=90)
async def lang(call: CommandCall) -> None:
    choice = call.args.strip().lower()
    async with call.nls.deps.db.transaction() as session:
        locale = await prefs.choose_locale(session, call.user_id, choice)
    t = call.nls.deps.translator(locale)
    await call.reply(t("prefs.lang_set"))
