"""`app_uninstalled` and `tokens_revoked`: Slack saying the bot token is dead. The workspace is
marked inactive (bot.services.workspace) so no process sends with it any more; what was due
stays parked until a start finds Slack accepting a token again (bot.slack.standing)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.services import workspace
from bot.slack import standing
from handlers.context import Ctx
from handlers.support import take_turn

log = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    app.event(workspace.UNINSTALLED)(on_uninstalled)
    app.event(workspace.TOKEN_REVOKED)(on_tokens_revoked)


async def on_uninstalled(ack: Any, body: dict[str, Any], nls: Ctx) -> None:
    await take_turn(ack)
    await _park(nls, workspace.UNINSTALLED, body)


async def on_tokens_revoked(ack: Any, body: dict[str, Any], event: dict[str, Any], nls: Ctx) -> None:
    """Only a revoked *bot* token stops the bot: user tokens (`tokens.oauth`) are not ours to use.
    The event names the bot users whose tokens died; this app has one bot, so any is ours."""
    await take_turn(ack)
    tokens = event.get("tokens")
    if isinstance(tokens, dict) and isinstance(tokens.get("bot"), list) and tokens["bot"]:
        await _park(nls, workspace.TOKEN_REVOKED, body)


async def _park(nls: Ctx, reason: str, body: dict[str, Any]) -> None:
    team_id = body.get("team_id") if isinstance(body.get("team_id"), str) else None
    async with nls.deps.db.transaction() as session:
        newly = await workspace.mark_inactive(session, reason=reason, team_id=team_id, now=nls.deps.now())
        state = await workspace.inactive(session)
    if newly and state is not None:
        t = nls.deps.translator()
        log.warning("%s", t("workspace.parked", **standing.why(state, t, nls.deps)))
