"""People joining and changing in the workspace: `team_join` (a newcomer is greeted once, in
their language, and told how to get into the directory); `user_change` / `user_profile_changed`
(a new language or time zone, taken at once rather than at the periodic refresh; a deactivation,
which takes the person out of the directory's counts and tells whoever must fill their vote or
seat; a reactivation, which restores them)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.people import departure_notice, greeting
from bot.infra.i18n import Translator
from bot.services import departures, prefs, terms
from bot.slack.sender import deliver_due
from handlers.context import Ctx
from handlers.home import refresh_homes, welcome_if_first
from handlers.support import fetch_profile, take_turn

log = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    app.event("user_change")(on_user_change)
    app.event("user_profile_changed")(on_user_change)
    app.event("team_join")(on_team_join)


def _user_of(event: dict[str, Any]) -> dict[str, Any] | None:
    """The event's user object, or None for a body that does not carry one with an id."""
    user = event.get("user")
    return user if isinstance(user, dict) and isinstance(user.get("id"), str) and user["id"] else None


async def _with_profile(client: AsyncWebClient, user: dict[str, Any], seconds: float) -> dict[str, Any]:
    """The event's user completed by `users.info` when it lacks the locale or the time zone (Slack
    sends the locale only to who asks for it). Slack not answering leaves what the event said."""
    if user.get("locale") and user.get("tz"):
        return user
    return {**user, **(await fetch_profile(client, user["id"], seconds=seconds) or {})}


async def on_user_change(ack: Any, event: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await take_turn(ack)
    user = _user_of(event)
    if user is None:
        return
    deps = nls.deps
    user = await _with_profile(client, user, deps.settings.slack_timeout)
    if user.get("deleted") is True:
        await _departed(nls, client, user["id"])
        return
    async with deps.db.transaction() as session:
        returned = await departures.mark_returned(session, user["id"], now=deps.now())
        changed = await prefs.note_profile_change(
            session, user["id"], locale=user.get("locale"), tz=user.get("tz"), now=deps.now()
        )
    if changed or returned:
        await refresh_homes(deps, client, [user["id"]])


def _render(notice: terms.Notice) -> tuple[str, list[dict[str, Any]]]:
    reply = departure_notice(notice.subject, Translator(notice.locale))
    return reply.text, reply.blocks_dicts()


async def _departed(nls: Ctx, client: AsyncWebClient, user_id: str) -> None:
    """Mark them inactive and, if a vote or seat is left empty, tell who must fill it: recorded
    in the same transaction, delivered after it (what fails is retried by the sweeper)."""
    deps, now = nls.deps, nls.deps.now()
    async with deps.db.transaction() as session:
        departure = await departures.mark_departed(session, user_id, now=now)
        if departure is None:
            return
        notices = await departures.notices_of(session, departure, now=now, default_locale=deps.settings.nls_locale)
        keys = await terms.queue(session, notices, render=_render, now=now)
    if keys:
        await deliver_due(deps, client, keys=keys)


async def on_team_join(ack: Any, event: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    """The greeting is the one-time welcome (recorded once, whoever races: a later Home or DM does
    not repeat it) in the language of the person's Slack, which the request's first contact has
    just fetched (bot.app). Joining the workspace is not joining the directory: nothing else
    changes until the directory lists them."""
    await take_turn(ack)
    user = _user_of(event)
    if user is None or user.get("is_bot") or user.get("deleted"):
        return
    await welcome_if_first(nls.deps, client, user["id"], nls.t, reply_for=greeting)
