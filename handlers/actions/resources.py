"""Buttons on search answers and review DMs: More results, Share in channel, Edit, Retire,
Still current, and the Home's Review. Every press is checked by the service for whoever pressed,
whatever the message they pressed it on."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.blocks import resources as blocks
from bot.services import resources
from bot.services.errors import NotFound
from bot.transport import claims
from handlers.context import Ctx
from handlers.events.resources import reply_to_question
from handlers.support import domain_errors, tell


def register(app: AsyncApp) -> None:
    app.action(ids.RESOURCE_MORE)(on_more)
    app.action(ids.RESOURCE_SHARE)(on_share)
    app.action(ids.RESOURCE_EDIT)(on_edit)
    app.action(ids.RESOURCE_RETIRE)(on_retire)
    app.action(ids.RESOURCE_CURRENT)(on_current)
    app.action(ids.RESOURCE_MINE)(on_mine)
    app.action(ids.HOME_SEARCH)(on_home_search)


def _value(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("value") or "")


def _resource_id(body: dict[str, Any]) -> int:
    value = _value(body)
    if not value.isdigit():
        raise NotFound("resources.not_found")
    return int(value)


def _today(nls: Ctx):
    return nls.deps.now().astimezone(nls.deps.settings.timezone).date()


@domain_errors
async def on_more(ack: Any, body: dict[str, Any], respond: Any, nls: Ctx) -> None:
    """The next page replaces the current one (the query rides in the button, see `more_value`)."""
    await ack()
    query, offset = blocks.parse_more_value(_value(body))
    async with nls.deps.db.reader(snapshot=False) as session:
        page = await resources.search(session, query, offset=offset)
    reply = blocks.search_reply(page, nls.t, editable=resources.editable(nls.actor, page.hits))
    await respond(**reply.as_message(), response_type="ephemeral", replace_original=True)


@domain_errors
async def on_share(ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx) -> None:
    """Post the resource visibly where the search was made, naming who shared it. The
    response_url works in any conversation the command was used in, member of it or not."""
    await ack()
    async with nls.deps.db.reader() as session:
        resource = await resources.shareable(session, _resource_id(body))
    reply = blocks.shared_reply(resource, nls.t, sharer=body["user"]["id"])
    await claims.claim_now(nls.deps.db)  # a post others see: a replay after a crash must not post it again
    if body.get("response_url"):
        await respond(**reply.as_message(), response_type="in_channel", replace_original=False)
    else:
        await client.chat_postMessage(channel=body["channel"]["id"], **reply.as_message(), unfurl_links=False)


@domain_errors
async def on_edit(ack: Any, body: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await ack()
    async with nls.deps.db.reader() as session:
        resource = await resources.for_editing(session, actor=nls.actor, resource_id=_resource_id(body))
    view = blocks.form_view(
        nls.t, values=blocks.form_values(resource), owner_id=resource.owner_id, resource_id=resource.id
    )
    await client.views_open(trigger_id=body["trigger_id"], view=view)


@domain_errors
async def on_retire(ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx) -> None:
    await ack()
    async with nls.deps.db.transaction() as session:
        resource = await resources.retire_resource(
            session, actor=nls.actor, resource_id=_resource_id(body), now=nls.deps.now()
        )
    text = nls.t("resources.review.retired_done", title=blocks.inert(resource.title))
    await tell(body, client, blocks.text_reply(text), respond=respond)


@domain_errors
async def on_current(ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx) -> None:
    await ack()
    async with nls.deps.db.transaction() as session:
        resource = await resources.confirm_current(
            session, actor=nls.actor, resource_id=_resource_id(body), now=nls.deps.now()
        )
    text = nls.t(
        "resources.review.current_done", title=blocks.inert(resource.title), date=nls.t.date(resource.review_by)
    )
    await tell(body, client, blocks.text_reply(text), respond=respond)


@domain_errors
async def on_mine(ack: Any, body: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx) -> None:
    await ack()
    async with nls.deps.db.reader() as session:
        owned = await resources.owned_by(session, body["user"]["id"])
    await tell(body, client, blocks.review_reply(owned, nls.t, _today(nls), mine=True), respond=respond)


@domain_errors
async def on_home_search(ack: Any, body: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    """The search box on the App Home: the answer arrives in the person's DM with the bot."""
    await ack()
    reply = await reply_to_question(_value(body), nls, limit=resources.PAGE_SIZE)
    await client.chat_postMessage(channel=body["user"]["id"], **reply.as_message(), unfurl_links=False)
