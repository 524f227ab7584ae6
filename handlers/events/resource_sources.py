"""Edits and deletions of Slack messages saved as resources ("Save as NLS resource").

Slack sends them as `message` events with subtype `message_changed` / `message_deleted`, in the
channels the bot is in (subscriptions `message.channels` and `message.groups`). A thread's parent
deleted while it has replies comes as `message_changed` to a `tombstone`: a deletion too. The
rule is `bot.services.resources.sources`; this module reads the event, applies it, and DMs each
flagged resource's owner in their language through the outbound ledger (once per occasion)."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks import resource_sources as blocks
from bot.blocks.resources import values_from_message
from bot.infra.i18n import Translator
from bot.services import outbox, prefs
from bot.services.resources import sources
from bot.slack.sender import deliver_due
from bot.transport.event_subscriptions import in_channels
from handlers.context import Ctx
from handlers.support import take_turn


def register(app: AsyncApp) -> None:
    # Channels and private channels the bot is in: where "Save as NLS resource" is used. Not DMs
    # or group DMs, whose messages the bot need not read (message.im is for questions to it).
    where = [in_channels("channel", "group")]
    app.event({"type": "message", "subtype": "message_changed"}, matchers=where)(on_message_changed)
    app.event({"type": "message", "subtype": "message_deleted"}, matchers=where)(on_message_deleted)


async def on_message_changed(ack: Any, event: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await take_turn(ack)
    message = event.get("message") or {}
    channel, ts = event.get("channel"), message.get("ts")
    if not isinstance(channel, str) or not isinstance(ts, str) or not await _followed(nls, channel, ts):
        return
    if message.get("subtype") == "tombstone":
        await _deleted(nls, client, channel, ts)
        return
    previous = event.get("previous_message")
    now, today = nls.deps.now(), _today(nls)
    async with nls.deps.db.transaction() as session:
        flags = await sources.message_edited(
            session,
            channel_id=channel,
            message_ts=ts,
            values=values_from_message(message),
            previous=values_from_message(previous) if isinstance(previous, dict) else None,
            edited_ts=(message.get("edited") or {}).get("ts"),
            author=message.get("user"),
            now=now,
            today=today,
        )
        keys = await _tell_owners(session, nls, flags)
    await _deliver(nls, client, keys)


async def on_message_deleted(ack: Any, event: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await take_turn(ack)
    channel, ts = event.get("channel"), event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts")
    if isinstance(channel, str) and isinstance(ts, str) and await _followed(nls, channel, ts):
        await _deleted(nls, client, channel, ts)


async def _followed(nls: Ctx, channel: str, ts: str) -> bool:
    async with nls.deps.db.reader() as session:
        return await sources.saved_from(session, channel, ts)


async def _deleted(nls: Ctx, client: AsyncWebClient, channel: str, ts: str) -> None:
    async with nls.deps.db.transaction() as session:
        flags = await sources.message_deleted(
            session, channel_id=channel, message_ts=ts, now=nls.deps.now(), today=_today(nls)
        )
        keys = await _tell_owners(session, nls, flags)
    await _deliver(nls, client, keys)


def _today(nls: Ctx) -> date:
    return nls.deps.now().astimezone(nls.deps.settings.timezone).date()


async def _tell_owners(session: AsyncSession, nls: Ctx, flags: list[sources.Flag]) -> list[str]:
    """Record each owner's DM in the same transaction as the flag (sent after the commit)."""
    owners = [flag.resource.owner_id for flag in flags]
    locales = await prefs.languages(session, owners, nls.deps.settings.nls_locale)
    keys = []
    for flag in flags:
        reply = blocks.flag_reply(flag, Translator(locales[flag.resource.owner_id]), _today(nls))
        if await outbox.enqueue(
            session,
            key=flag.key,
            channel=flag.resource.owner_id,
            text=reply.text,
            blocks=reply.blocks_dicts(),
            now=nls.deps.now(),
        ):
            keys.append(flag.key)
    return keys


async def _deliver(nls: Ctx, client: AsyncWebClient, keys: list[str]) -> None:
    if keys:
        await deliver_due(nls.deps, client, keys=keys)
