"""The add/edit resource modal. Everything is validated before the acknowledgement, so problems
show inline next to their fields and nothing is saved until the whole form is valid."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.blocks import resource_sources as source_blocks
from bot.blocks import resources as blocks
from bot.services import resources
from bot.services.errors import DomainError
from bot.services.resources import sources
from handlers.context import Ctx
from handlers.support import explain, form_errors


def register(app: AsyncApp) -> None:
    app.view(ids.RESOURCE_FORM)(on_submit)


@form_errors
async def on_submit(ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    answers, owner, resource_id = blocks.read_form(view)
    try:
        saved = await _save(nls, answers, owner, resource_id, source_blocks.read_source(view))
    except resources.FormInvalid as invalid:
        await ack(response_action="errors", errors=blocks.form_errors(invalid.problems, nls.t))
        return
    except DomainError as error:
        if error.field not in blocks.FIELD_BLOCKS:
            raise  # form_errors shows it on the first input
        await ack(response_action="errors", errors={blocks.FIELD_BLOCKS[error.field]: explain(error, nls.t)[:2000]})
        return
    await ack()
    reply = blocks.saved_reply(saved, nls.t, added=resource_id is None)
    await client.chat_postMessage(channel=body["user"]["id"], **reply.as_message(), unfurl_links=False)


async def _save(
    nls: Ctx,
    answers: dict[str, str | None],
    owner: str | None,
    resource_id: int | None,
    source: sources.Source | None,
) -> resources.ResourceView:
    """Add or edit; a resource added from a message ("Save as NLS resource") follows it."""
    data = resources.validate_input(answers)
    async with nls.deps.db.transaction() as session:
        if resource_id is None:
            added = await resources.add_resource(
                session, actor=nls.actor, data=data, now=nls.deps.now(), owner_id=owner
            )
            if source is not None:
                await sources.remember(session, resource_id=added.id, source=source, answers=answers, saved=added)
            return added
        return await resources.edit_resource(
            session, actor=nls.actor, resource_id=resource_id, data=data, now=nls.deps.now(), owner_id=owner
        )
