"""The `/nls` slash command. Subcommand modules in this package register with the router
(`handlers.commands.router.subcommand`); this module routes each invocation."""

import logging
import sys
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import help as help_blocks
from bot.services.errors import DomainError, NotInDirectory
from bot.services.members import directory_contacts
from handlers.commands.router import ROUTER, CommandCall
from handlers.context import Ctx
from handlers.discovery import feature_modules
from handlers.support import explain

log = logging.getLogger(__name__)


async def nls_command(ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx) -> None:
    sub, args = ROUTER.route(body.get("text") or "")
    call = CommandCall(nls=nls, args=args, body=body, ack=ack, respond=respond, client=client)
    if sub is None:
        unknown = (body.get("text") or "").split()[0:1]
        await call.reply(help_blocks.help_reply(ROUTER.listed(), nls.t, unknown=unknown[0] if unknown else None))
        return
    try:
        if sub.member_only and nls.actor is None:
            async with nls.deps.db.reader() as session:
                raise NotInDirectory(contacts=await directory_contacts(session))
        await sub.handler(call)
    except DomainError as error:
        await call.reply(explain(error, nls.t))


def register(app: AsyncApp) -> None:
    feature_modules(sys.modules[__name__])
    app.command("/nls")(nls_command)
