"""What a modal submission meets when the process is busy: the words of the refusal, Submit
pressed again as a person would, and the count of rows that tells whether it was saved once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.deps import Deps
from tests.support.slackbot import BotClient

BUSY = "nothing was saved"


async def count_rows(deps: Deps, model: type) -> int:
    """How many rows of `model` are stored."""
    async with deps.db.reader() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def submit_until_not_busy(bot: BotClient, user: str, view: dict[str, Any], values: dict[str, str | None]) -> None:
    """Submit the view again until it is not refused as busy (at most 20 times)."""
    for _ in range(20):
        response = await bot.submit(user, view, values)
        if BUSY not in response.text:
            return
    raise AssertionError("every Submit refused as busy")
