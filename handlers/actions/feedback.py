"""Buttons for Voices: "Share feedback" on the App Home, and "Respond" on a consultation (in the
invitation DM, the reminders, the Home and `/nls consult`)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import consultations as consult_blocks
from bot.blocks import ids
from bot.services import consultations
from handlers.context import Ctx
from handlers.support import domain_errors
from handlers.views.feedback import consultation_id, open_feedback_modal


def register(app: AsyncApp) -> None:
    app.action(ids.FEEDBACK_OPEN)(on_share_feedback)
    app.action(ids.CONSULT_RESPOND)(on_respond)


@domain_errors
async def on_share_feedback(ack: Any, body: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    await ack()
    await open_feedback_modal(client, body["trigger_id"], nls)


@domain_errors
async def on_respond(ack: Any, body: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    """Anyone who sees the button may press it: the service checks that the presser answers for
    an organisation that was asked, and that the consultation is still open."""
    await ack()
    number = consultation_id(body["actions"][0].get("value"))
    async with nls.deps.db.reader() as session:
        form = await consultations.questionnaire(session, consultation_id=number, actor=nls.actor, now=nls.deps.now())
    view = consult_blocks.questionnaire_modal(form, nls.t, nls.deps.settings.timezone)
    await client.views_open(trigger_id=body["trigger_id"], view=view)
