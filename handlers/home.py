"""Publishing a person's App Home, and the one-time welcome. Used by the Home listeners and by
any listener whose change affects what someone's Home shows (a vote cast, an item updated)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Reply
from bot.blocks.home import home_view, welcome_reply
from bot.deps import Deps
from bot.infra.i18n import Translator
from bot.services import members, outbox, prefs
from bot.services.errors import Mentions
from bot.services.home import load_home
from bot.slack.sender import deliver_due

log = logging.getLogger(__name__)


async def publish_home(deps: Deps, client: AsyncWebClient, user_id: str, t: Translator | None = None) -> None:
    """Render and publish `user_id`'s Home (one read, then one views.publish, no session held).
    `t`: the language of the request `user_id` made themselves, which may know it before the
    database does (first contact fetches the Slack locale before the answer, bot.app)."""
    now = deps.now()
    async with deps.db.reader() as session:
        pref = await prefs.get_pref(session, user_id)
        tz = prefs.zone_of(pref.tz if pref else None, deps.settings.timezone)
        data = await load_home(session, user_id, now, now.astimezone(tz).date())
    t = t or Translator(prefs.language(pref, deps.settings.nls_locale))
    await client.views_publish(user_id=user_id, view=home_view(data, t, now, tz))


async def refresh_homes(deps: Deps, client: AsyncWebClient, user_ids: list[str]) -> None:
    """Republish the Homes a change affected, for people who have opened their Home (everyone
    else gets a fresh one when they open it: Slack sends app_home_opened on every open). A
    failure here never undoes the change itself."""
    async with deps.db.reader() as session:
        users = await prefs.home_users(session, list(dict.fromkeys(user_ids)))
    for user_id in users:
        try:
            await publish_home(deps, client, user_id)
        except Exception:
            log.warning("home refresh failed", exc_info=True)


async def welcome_if_first(
    deps: Deps,
    client: AsyncWebClient,
    user_id: str,
    t: Translator,
    reply_for: Callable[[Translator, Mentions | None], Reply] = welcome_reply,
) -> bool:
    """Send the welcome DM the first time someone opens the Home or writes to the bot, or joins
    the workspace (`reply_for`: that greeting's wording) — once, whoever races: the send is keyed
    in the ledger, so a newcomer greeted on joining is not welcomed again on opening the Home."""
    now = deps.now()
    key = f"welcome:{user_id}"
    async with deps.db.transaction() as session:
        if not await prefs.mark_welcomed(session, user_id, now):
            return False
        member = await members.get_member(session, user_id)
        contacts = None if member else await members.directory_contacts(session)
        reply = reply_for(t, contacts)
        await outbox.enqueue(session, key=key, channel=user_id, text=reply.text, blocks=reply.blocks_dicts(), now=now)
    await deliver_due(deps, client, keys=[key])
    return True
