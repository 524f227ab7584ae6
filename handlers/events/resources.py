"""Questions to the bot: "@NLS Bot where is the housing toolkit?" in a channel, or a DM. The top
results are answered in the message's thread.

If a generic mention/DM handler is added later (a welcome), Bolt runs only the first listener
that matches an event: merge it here, or make one dispatch to `answer_question`."""

from __future__ import annotations

import html
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import resources as blocks
from bot.blocks.common import Reply
from bot.services import resources
from bot.services.errors import DomainError
from bot.transport.event_subscriptions import in_channels
from handlers.context import Ctx
from handlers.home import welcome_if_first
from handlers.support import explain, take_turn

THREAD_RESULTS = 3
MARKUP = re.compile(r"<(?:[@#!][^>]*|(https?://[^|>]+)(?:\|([^>]*))?)>")


def register(app: AsyncApp) -> None:
    app.event("app_mention", matchers=[from_a_person])(on_mention)
    app.event("message", matchers=[from_a_person, in_channels("im")])(on_direct_message)


async def from_a_person(event: dict[str, Any]) -> bool:
    """Bots (this one included) and message subtypes (edits, joins, deletions) are not questions."""
    return not event.get("bot_id") and not event.get("subtype") and bool(event.get("user"))


def question_of(text: str | None) -> str:
    """The words of a Slack message: mentions dropped, links reduced to their label (or address)."""
    plain = MARKUP.sub(lambda m: " " + (m.group(2) or m.group(1) or "") + " ", text or "")
    return html.unescape(plain).strip()


async def on_mention(ack: Any, event: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await take_turn(ack)
    await answer_question(event, client, nls)


async def on_direct_message(ack: Any, event: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    """Bolt runs one listener per event, so the first-contact welcome lives here too."""
    await take_turn(ack)
    await welcome_if_first(nls.deps, client, event["user"], nls.t)
    await answer_question(event, client, nls)


async def answer_question(event: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    reply = await reply_to_question(question_of(event.get("text")), nls)
    await client.chat_postMessage(
        channel=event["channel"],
        thread_ts=event.get("thread_ts") or event["ts"],
        **reply.as_message(),
        unfurl_links=False,
        unfurl_media=False,
    )


async def reply_to_question(question: str, nls: Ctx, *, limit: int = THREAD_RESULTS) -> Reply:
    """Top results without buttons (a thread or a DM is no place for ephemeral controls), the
    how-to for an empty question, or the reason a question cannot be searched."""
    try:
        async with nls.deps.db.reader(snapshot=False) as session:
            page = await resources.search(session, question, limit=limit)
    except resources.EmptyQuery:
        async with nls.deps.db.reader() as session:
            return blocks.how_to_reply(nls.t, await resources.popular_tags(session))
    except DomainError as error:
        return blocks.text_reply(explain(error, nls.t))
    return blocks.thread_reply(page, nls.t)
