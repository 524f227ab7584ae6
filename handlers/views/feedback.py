"""Modal submissions for Voices: feedback, starting a consultation, an organisation's answers.

Each validates (pydantic shape, then the service's rules) before acknowledging, so problems come
back inline with what was typed kept; on success the modal turns into its confirmation
(`response_action: update`). The feedback receipt is that view and nothing else: no message, no
ledger row, no log line ties its reference to the person holding it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import consultations as consult_blocks
from bot.blocks import feedback as feedback_blocks
from bot.blocks import ids
from bot.infra.i18n import Translator
from bot.services import consultations, feedback
from bot.services.consultations import ConsultationField
from bot.services.errors import NotFound
from bot.services.feedback import FeedbackField, FormInvalid
from bot.slack.outbound.channels import ChannelUnreadable, channel_members
from bot.slack.sender import deliver_due
from handlers.context import Ctx
from handlers.support import form_errors, form_values


def register(app: AsyncApp) -> None:
    app.view(ids.FEEDBACK_FORM)(on_feedback)
    app.view(ids.CONSULT_START_FORM)(on_start)
    app.view(ids.CONSULT_RESPONSE_FORM)(on_answers)
    app.view(ids.VOICES_DONE)(on_done)


async def on_done(ack: Any) -> None:
    """A confirmation view has nothing to submit (Slack shows only Close); a client that submits
    it anyway just closes it."""
    await ack()


async def open_feedback_modal(client: AsyncWebClient, trigger_id: str, nls: Ctx) -> None:
    """The same modal from `/nls feedback`, the global shortcut and the App Home button; the
    province starts at the person's organisation's, when we know it and it would not identify
    them (bot.services.disclosure), and the form says how an anonymous place is recorded."""
    province = nls.actor.org.province if nls.actor and nls.actor.org else None
    async with nls.deps.db.reader() as session:
        places = await feedback.form_places(session, province)
    await client.views_open(trigger_id=trigger_id, view=feedback_blocks.feedback_modal(nls.t, places))


def fields(view: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    submitted = form_values(view)
    return {name: submitted.get(block_id) for name, block_id in names.items()}


async def inline(ack: Any, error: FormInvalid, t: Translator, block_of: Mapping[str, str] | None = None) -> None:
    """Answer with every problem next to its input; Slack keeps what was typed."""
    errors = {(block_of or {}).get(name, name): t(key, **params)[:2000] for name, (key, params) in error.errors.items()}
    await ack(response_action="errors", errors=errors)


# --- feedback ---------------------------------------------------------------------------------


@form_errors(fields=feedback_blocks.FIELD_BLOCKS)
async def on_feedback(ack: Any, view: dict[str, Any], nls: Ctx) -> None:
    raw = fields(view, feedback_blocks.FIELD_BLOCKS)
    raw[FeedbackField.ANONYMOUS] = bool(raw[FeedbackField.ANONYMOUS])
    try:
        form = feedback.parse_form(raw)
    except FormInvalid as error:
        await inline(ack, error, nls.t, feedback_blocks.FIELD_BLOCKS)
        return
    # Saved before the acknowledgement, which says it is: with the submissions that arrived
    # meanwhile, in one transaction (bot.infra.write_batches), so a burst is saved as fast as it comes.
    submission = feedback.Submission(form, nls.actor, nls.user_id or "", nls.deps.now(), nls.deps.today())
    receipt = await nls.deps.db.together(feedback.submit_many, submission)
    await ack(response_action="update", view=feedback_blocks.receipt_view(receipt, nls.t))


# --- consultations --------------------------------------------------------------------------


async def _audience(client: AsyncWebClient, channel: str) -> list[str]:
    """A channel audience, or an inline error on the channel field with the form kept."""
    try:
        return await channel_members(client, channel)
    except ChannelUnreadable as exc:
        key = "consult.error.channel_slow" if exc.error == "timeout" else "consult.error.channel_unreadable"
        raise FormInvalid({ConsultationField.CHANNEL: (key, {"error": exc.error})}) from None


@form_errors(fields=consult_blocks.FIELD_BLOCKS)
async def on_start(ack: Any, view: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    deps, tz = nls.deps, nls.deps.settings.timezone
    consultations.ensure_may_start(nls.actor)
    try:
        draft = consultations.parse_start(fields(view, consult_blocks.FIELD_BLOCKS), now=deps.now(), tz=tz)
        audience = await _audience(client, draft.channel) if draft.channel else []
        async with deps.db.transaction() as session:
            started = await consultations.start(
                session, actor=nls.actor, draft=draft, channel_members=audience, now=deps.now()
            )
            notices = await consultations.invitations(session, started, default_locale=deps.settings.nls_locale)
            keys = await consultations.queue(
                session, notices, render=lambda n: consult_blocks.notice_message(n, tz), now=deps.now()
            )
    except FormInvalid as error:
        await inline(ack, error, nls.t, consult_blocks.FIELD_BLOCKS)
        return
    await ack(response_action="update", view=consult_blocks.started_view(started, nls.t, tz))
    await deliver_due(deps, client, keys=keys)


@form_errors(fields=consult_blocks.FIELD_BLOCKS)
async def on_answers(ack: Any, view: dict[str, Any], nls: Ctx) -> None:
    """An organisation's answers: the first time, or an edit of what it sent before."""
    deps, tz = nls.deps, nls.deps.settings.timezone
    prefix = ids.CONSULT_ANSWER_PREFIX
    answers = {k.removeprefix(prefix): v for k, v in form_values(view).items() if k.startswith(prefix)}
    try:
        async with deps.db.transaction() as session:
            saved = await consultations.respond(
                session,
                consultation_id=consultation_id(view.get("private_metadata")),
                actor=nls.actor,
                raw_answers=answers,
                now=deps.now(),
            )
    except FormInvalid as error:
        await inline(ack, error, nls.t, {name: f"{prefix}{name}" for name in error.errors})
        return
    await ack(response_action="update", view=consult_blocks.saved_view(saved, nls.t, tz))


def consultation_id(value: Any) -> int:
    """A consultation number from a button value or private_metadata (ids only, never grants)."""
    try:
        return int(str(value))
    except ValueError:
        raise NotFound("consult.not_found", number=str(value)[:20]) from None
