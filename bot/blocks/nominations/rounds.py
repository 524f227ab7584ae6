"""A round in Block Kit: the committee's modal to open one (seats, reserved seats, method, the two
deadlines, term, channel) and the announcement in its channel with the Nominate button.

`FIELD_BLOCKS` is where the rules' `NominationField`s are drawn on the round modal, so a refusal
shows next to its input (`handlers.views.nominations`)."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ConversationFilter,
    ConversationSelectElement,
    DateTimePickerElement,
    NumberInputElement,
    Option,
    RadioButtonsElement,
    StaticMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.common import Reply, clip, context, fit, header, lines, mrkdwn
from bot.blocks.nominations.pieces import button, done_view, form_input, form_view, reservation_label, round_facts
from bot.infra.i18n import Translator
from bot.services import terms
from bot.services.nominations import (
    MAX_SEATS,
    MAX_TERM_YEARS,
    RESERVATIONS,
    ElectionMethod,
    NominationField,
    RoundStatus,
    RoundView,
)

FIELD_BLOCKS: dict[NominationField, str] = {
    NominationField.SEATS: ids.ROUND_F_SEATS,
    NominationField.RESERVED: ids.ROUND_F_RESERVED,
    NominationField.METHOD: ids.ROUND_F_METHOD,
    NominationField.NOMINATIONS_CLOSE_AT: ids.ROUND_F_NOMINATIONS_CLOSE,
    NominationField.ELECTION_CLOSES_AT: ids.ROUND_F_ELECTION_CLOSE,
    NominationField.TERM_YEARS: ids.ROUND_F_TERM,
    NominationField.CHANNEL: ids.ROUND_F_CHANNEL,
}


ROUND_DEFAULT_DAYS = (14, 21)  # default nomination and election deadlines, days from now, at 17:00


def _deadline(now: datetime, tz: tzinfo, days: int) -> int:
    local = (now + timedelta(days=days)).astimezone(tz).replace(hour=17, minute=0, second=0, microsecond=0)
    return int(local.timestamp())


def round_modal(t: Translator, *, channel_id: str | None, now: datetime, tz: tzinfo) -> View:
    """Seats, reserved seats, method, the two deadlines, term length (two years unless changed), channel."""
    reserved = [Option(value=r.key, label=clip(reservation_label(r, t), 75)) for r in RESERVATIONS]
    methods = [
        Option(value=m.value, label=clip(t(f"nominations.method.{m.value}"), 75),
               description=clip(t(f"nominations.method_hint.{m.value}"), 75))
        for m in ElectionMethod
    ]  # fmt: skip
    nominations_days, election_days = ROUND_DEFAULT_DAYS
    blocks: list[Block] = [
        context(t("nominations.form.intro")),
        form_input(
            ids.ROUND_F_SEATS, t("nominations.form.seats"),
            NumberInputElement(action_id=ids.ROUND_F_SEATS, is_decimal_allowed=False, min_value=1,
                               max_value=MAX_SEATS, initial_value=3),
        ),
        form_input(
            ids.ROUND_F_RESERVED, t("nominations.form.reserved"),
            StaticMultiSelectElement(action_id=ids.ROUND_F_RESERVED, options=reserved,
                                     placeholder=clip(t("nominations.form.reserved_placeholder"), 150)),
            hint=t("nominations.form.reserved_hint"), optional=True,
        ),
        form_input(ids.ROUND_F_METHOD, t("nominations.form.method"),
                   RadioButtonsElement(action_id=ids.ROUND_F_METHOD, options=methods, initial_option=methods[0])),
        form_input(
            ids.ROUND_F_NOMINATIONS_CLOSE, t("nominations.form.nominations_close"),
            DateTimePickerElement(action_id=ids.ROUND_F_NOMINATIONS_CLOSE,
                                  initial_date_time=_deadline(now, tz, nominations_days)),
        ),
        form_input(
            ids.ROUND_F_ELECTION_CLOSE, t("nominations.form.election_close"),
            DateTimePickerElement(action_id=ids.ROUND_F_ELECTION_CLOSE, initial_date_time=_deadline(now, tz, election_days)),
            hint=t("nominations.form.election_close_hint"),
        ),
        form_input(
            ids.ROUND_F_TERM, t("nominations.form.term"),
            NumberInputElement(action_id=ids.ROUND_F_TERM, is_decimal_allowed=False, min_value=1,
                               max_value=MAX_TERM_YEARS, initial_value=terms.DEFAULT_TERM_YEARS),
        ),
        form_input(
            ids.ROUND_F_CHANNEL, t("nominations.form.channel"),
            ConversationSelectElement(
                action_id=ids.ROUND_F_CHANNEL, initial_conversation=channel_id,
                default_to_current_conversation=channel_id is None,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
            hint=t("nominations.form.channel_hint"),
        ),
    ]  # fmt: skip
    return form_view(t, ids.ROUND_FORM, blocks, title=t("nominations.form.title"), submit=t("nominations.form.submit"))


def round_message(round_: RoundView, t: Translator, tz: tzinfo, *, now: datetime) -> Reply:
    """The announcement in the channel: the round's facts and, while it takes nominations, the
    Nominate button; afterwards where the round stands."""
    title = t("nominations.round.header", number=round_.id)
    blocks: list[Block] = [
        header(title),
        mrkdwn(t("nominations.round.intro")),
        mrkdwn(lines(round_facts(round_, t, tz))),
    ]
    if round_.taking_nominations(now):
        blocks.append(context(t("nominations.round.rules")))
        blocks.append(ActionsBlock(elements=[button(t("nominations.btn.nominate"), ids.NOMINATE, str(round_.id),
                                                     style="primary")]))  # fmt: skip
        blocks.append(context(t("nominations.round.command_hint")))
    else:
        blocks.append(mrkdwn(f"*{round_state(round_, t)}*"))
    return Reply(text=f"{title}: {round_state(round_, t)}", blocks=fit(blocks))


def round_state(round_: RoundView, t: Translator) -> str:
    """Where the round stands, in one line."""
    if round_.status is RoundStatus.OPEN and round_.nominations_closed_at is None:
        return t("nominations.state.open")
    if round_.status is RoundStatus.VOTING:
        return t("nominations.state.voting", poll=round_.poll_id)
    if round_.outcome is not None:
        return t(f"nominations.state.{round_.outcome.value}")
    return t(f"nominations.state.{round_.status.value}")


def round_opened_view(round_: RoundView, t: Translator) -> View:
    return done_view(t, t("nominations.done.round_opened", number=round_.id, channel=round_.channel_id))
