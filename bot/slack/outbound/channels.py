"""Reading who is in a channel, for electorates and audiences chosen in a modal."""

from __future__ import annotations

import asyncio

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

READ_SECONDS = 1.5  # read inside a modal's acknowledgement: Slack waits 3 s for it
MAX_PAGES = 20  # 20,000 members


class ChannelUnreadable(Exception):
    """The channel's members could not be read in time; `error` is Slack's code or "timeout"."""

    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__(error)


async def channel_members(client: AsyncWebClient, channel: str, *, exclude: str | None = None) -> list[str]:
    """Everyone in `channel` now (every page), `exclude` (the bot itself) left out."""
    found: list[str] = []
    cursor: str | None = None
    try:
        async with asyncio.timeout(READ_SECONDS):
            for _ in range(MAX_PAGES):
                page = await client.conversations_members(channel=channel, limit=1000, cursor=cursor)
                found.extend(page.get("members") or [])
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
    except SlackApiError as exc:
        raise ChannelUnreadable(str(exc.response.get("error") or exc.response.status_code)) from None
    except TimeoutError:
        raise ChannelUnreadable("timeout") from None
    return [member for member in found if member != exclude]
