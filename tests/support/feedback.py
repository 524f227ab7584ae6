"""Feedback test helpers: the form as a person opens and fills it over signed HTTP (from
`/nls feedback`, the global shortcut or the App Home button), what got stored, and a submission
straight through the service for tests that only need rows to read back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from bot.blocks import ids
from bot.deps import Deps
from bot.services import feedback, members
from bot.shell import payloads
from models.feedback import Feedback
from tests.support.slackbot import BotClient, find_action

NEWCOMER_WORDS = "Nous cherchons un logement depuis 4 mois 🏠\nLes loyers à Montréal dépassent l'allocation « RAP »."


async def open_form(bot: BotClient, user: str, how: str = "command") -> dict[str, Any]:
    """The feedback modal `user` opened `how`: "command", "shortcut" or from the App Home."""
    before = len(bot.slack.calls_to("views.open"))
    if how == "command":
        await bot.command(user, "feedback")
    elif how == "shortcut":
        await bot.post(payloads.shortcut(user, ids.SHORTCUT_SHARE_FEEDBACK))
    else:  # the button on the App Home
        await bot.event(payloads.app_home_opened(user))
        await bot.slack.wait_for("views.publish", lambda c: c.args["user_id"] == user)
        home = bot.slack.home_views[user]
        button, block_id = find_action(home["blocks"], ids.FEEDBACK_OPEN)
        await bot.press(user, button, block_id=block_id, view=home)
    return await bot.opened_view(before)


def answers(**overrides: str | None) -> dict[str, str | None]:
    """A newcomer's urgent housing voice from Quebec (block_id → typed text), with these changes."""
    base = {
        ids.FEEDBACK_VOICE: "newcomer",
        ids.FEEDBACK_TOPIC: "housing",
        ids.FEEDBACK_PROVINCE: "QC",
        ids.FEEDBACK_TEXT: NEWCOMER_WORDS,
        ids.FEEDBACK_URGENCY: "urgent",
    }
    return {**base, **overrides}


async def stored(deps: Deps) -> list[Feedback]:
    """Every feedback row, oldest first."""
    async with deps.db.reader() as session:
        return list((await session.execute(select(Feedback).order_by(Feedback.received_on))).scalars())


async def submit_feedback(deps: Deps, user: str, text: str, day: date, **changes: object) -> str:
    """`user`'s feedback saying `text` on `day`, through the service; its reference."""
    values = {"voice": "newcomer", "topic": "housing", "province": "QC", "text": text, **changes}
    async with deps.db.transaction() as session:
        receipt = await feedback.submit(
            session,
            form=feedback.FeedbackForm.model_validate(values),
            submitter=await members.get_member(session, user),
            submitter_id=user,
            now=datetime.combine(day, datetime.min.time(), UTC),
            today=day,
        )
    return receipt.ref
