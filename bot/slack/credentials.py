"""SLACK_BOT_TOKEN and SLACK_APP_TOKEN, asked of Slack once at start.

The settings check each token's shape (bot.infra.settings); only Slack can say whether it is still good.
Without asking, a revoked bot token served anyway (every listener then failed on its first Web API
call) and a refused app token had slack_sdk retry the Socket Mode connection forever, a traceback
every ten seconds. So `nlsbot serve`, `socket` and `scheduler` ask before serving, and stop with
one line naming the variable when Slack refuses it.

When Slack cannot be reached or answers with its own trouble (a 5xx, `ratelimited`), the start
goes on with one warning: Slack may be down for a minute, and a replica that refused to start
then would turn a brief Slack outage into our own (docs/deployment.md, "Start-up checks").
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.web.async_client import AsyncWebClient

from bot.startup_errors import StartupError

log = logging.getLogger(__name__)
T = TypeVar("T")

# Slack's answers that mean the token itself is wrong: unknown, revoked, expired, of the wrong
# kind, from a deactivated workspace, or an app-level token without connections:write.
REFUSED = frozenset({
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
    "not_allowed_token_type", "missing_scope",
})  # fmt: skip
UNREACHABLE = (aiohttp.ClientError, OSError, TimeoutError)


async def ask_slack(call: Awaitable[T], *, setting: str, refused_key: str) -> T | None:
    """Slack's answer to `call`; a `StartupError` (`refused_key`) if Slack refuses the token in
    `setting`; None, after one warning, if Slack could not say."""
    try:
        return await call
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        if error in REFUSED:
            raise StartupError(refused_key, error=error) from exc
        log.warning("%s not checked: Slack answered %s; starting anyway", setting, error or exc.response.status_code)
    except UNREACHABLE as exc:
        log.warning(
            "%s not checked: Slack cannot be reached (%s); starting anyway", setting, str(exc) or type(exc).__name__
        )
    return None


async def check_bot_token(client: AsyncWebClient) -> bool:
    """`auth.test` with the client every outbound call uses (its SLACK_API_URL, its token): True
    when Slack accepted the token, False when it could not say (a refusal raises). An accepted
    token is also how a reinstall is noticed (bot.slack.standing.confirm_token_at_start)."""
    answer = await ask_slack(client.auth_test(), setting="SLACK_BOT_TOKEN", refused_key="cli.slack.bot_token_refused")
    return answer is not None


async def socket_mode_url(socket_client: AsyncBaseSocketModeClient) -> str | None:
    """The first Socket Mode connection's address, asked the way slack_sdk's connect asks it
    (`apps.connections.open` with the app token); None if Slack could not be asked (the client
    then asks again itself when it connects, and keeps trying)."""
    return await ask_slack(
        socket_client.issue_new_wss_url(), setting="SLACK_APP_TOKEN", refused_key="cli.slack.app_token_refused"
    )
