"""The workspace's standing (bot.services.workspace) where processes meet it: the start that
finds Slack accepting the bot token again, the scheduler's skipped runs, /readyz, and the lines
that tell an operator why nothing is sent — in NLS_LOCALE, the operator's language."""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.infra.i18n import Translator
from bot.services import workspace

log = logging.getLogger(__name__)
REASONS = {
    workspace.UNINSTALLED: "workspace.reason.app_uninstalled",
    workspace.TOKEN_REVOKED: "workspace.reason.tokens_revoked",
}


async def current(deps: Deps) -> workspace.Inactive | None:
    """Why the bot may not send now (None: it may)."""
    async with deps.db.reader() as session:
        return await workspace.inactive(session)


def why(state: workspace.Inactive, t: Translator, deps: Deps) -> dict[str, str]:
    """The `reason` and `since` of the catalogs' workspace lines: what Slack said, and when, to
    the minute in the network's time zone."""
    since = state.since.astimezone(deps.settings.timezone).isoformat(timespec="minutes")
    return {"reason": t(REASONS.get(state.reason, REASONS[workspace.UNINSTALLED])), "since": since}


async def confirm_token_at_start(deps: Deps, *, accepted: bool) -> workspace.Resumed | None:
    """After the start's `auth.test`: a token Slack accepted (`accepted`) while the workspace was
    marked inactive means a reinstall or a rotated token, so sending resumes, stale parked
    messages are dropped, and one INFO line says so. Slack could not be asked (`accepted` False):
    one WARNING line says that nothing will be sent yet, and why."""
    t = deps.translator()
    if not accepted:
        state = await current(deps)
        if state is not None:
            log.warning("%s", t("workspace.still_parked", **why(state, t, deps)))
        return None
    now = deps.now()
    async with deps.db.transaction() as session:
        resumed = await workspace.reactivate(session, now=now, today=now.astimezone(deps.settings.timezone).date())
    if resumed is not None:
        log.info(
            "%s", t("workspace.resumed", resumed=resumed.resumed, dropped=resumed.dropped, **why(resumed.was, t, deps))
        )
    return resumed
