"""A nomination in Block Kit: the modal to nominate someone, the nominee's card with Accept /
Decline, the answers as recorded, and the committee's modal to rule a nomination out.

`FIELD_BLOCKS` is where the rules' `NominationField`s are drawn on the nomination and reason
modals, so a refusal shows next to its input (`handlers.views.nominations`)."""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    PlainTextInputElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.common import Reply, clip, context, escape, mrkdwn
from bot.blocks.nominations.pieces import at, button, confirm, done_view, form_input, form_view, quote, round_facts, who
from bot.infra.i18n import Translator
from bot.services.nominations import (
    REASON_LIMIT,
    STATEMENT_LIMIT,
    NominationField,
    NominationStatus,
    NominationView,
    RoundView,
)

FIELD_BLOCKS: dict[NominationField, str] = {
    NominationField.NOMINEE: ids.NOMINATION_F_NOMINEE,
    NominationField.STATEMENT: ids.NOMINATION_F_STATEMENT,
    NominationField.REASON: ids.NOMINATION_F_REASON,
}


def nomination_modal(round_: RoundView, t: Translator, tz: tzinfo, *, nominee: str | None = None) -> View:
    """Whom, and a short statement of why (shown to the nominee, the committee and, on the ballot's
    thread, every voter)."""
    blocks: list[Block] = [
        mrkdwn(t("nominations.nominate.intro", number=round_.id)),
        context(t("nominations.round.nominations_close", when=at(round_.nominations_close_at, t, tz)),
                t("nominations.round.rules")),
        form_input(ids.NOMINATION_F_NOMINEE, t("nominations.nominate.nominee"),
                   UserSelectElement(action_id=ids.NOMINATION_F_NOMINEE, initial_user=nominee,
                                     placeholder=clip(t("nominations.nominate.nominee_placeholder"), 150)),
                   hint=t("nominations.nominate.nominee_hint")),
        _long_text(ids.NOMINATION_F_STATEMENT, t("nominations.nominate.statement"), STATEMENT_LIMIT,
                   hint=t("nominations.nominate.statement_hint", limit=STATEMENT_LIMIT)),
    ]  # fmt: skip
    return form_view(
        t, ids.NOMINATION_FORM, blocks, title=t("nominations.nominate.title"), submit=t("nominations.nominate.submit"),
        private_metadata=str(round_.id),
    )  # fmt: skip


def _long_text(block_id: str, label: str, limit: int, *, hint: str) -> InputBlock:
    """A statement or a reason: several lines, at most `limit` characters (the rules' limit)."""
    return form_input(
        block_id, label, PlainTextInputElement(action_id=block_id, multiline=True, max_length=limit), hint=hint
    )


def nominated_view(nomination: NominationView, t: Translator) -> View:
    key = "nominations.done.nominated_self" if nomination.self_nominated else "nominations.done.nominated"
    return done_view(t, t(key, user=nomination.nominee_user_id, number=nomination.round_id))


def ineligible_modal(nomination: NominationView, t: Translator) -> View:
    blocks: list[Block] = [
        mrkdwn(who(nomination, t)),
        _long_text(ids.NOMINATION_F_REASON, t("nominations.ineligible.reason"), REASON_LIMIT,
                   hint=t("nominations.ineligible.reason_hint")),
    ]  # fmt: skip
    return form_view(
        t, ids.NOMINATION_INELIGIBLE_FORM, blocks, title=t("nominations.ineligible.title"),
        submit=t("nominations.ineligible.submit"), private_metadata=str(nomination.id),
    )  # fmt: skip


def ineligible_done_view(nomination: NominationView, t: Translator) -> View:
    return done_view(t, t("nominations.done.ineligible", user=nomination.nominee_user_id))


def nomination_card(round_: RoundView, nomination: NominationView, t: Translator, tz: tzinfo) -> list[Block]:
    """What the nominee reads before answering: who nominated them, the statement, the round, and
    Accept / Decline."""
    key = "nominations.ask.self" if nomination.self_nominated else "nominations.ask.other"
    blocks: list[Block] = [
        mrkdwn(t(key, nominator=nomination.nominated_by, number=round_.id, org=escape(nomination.org.name))),
        mrkdwn(quote(nomination.statement)),
        context(*round_facts(round_, t, tz)),
    ]
    if nomination.status is NominationStatus.PENDING:
        blocks.append(
            ActionsBlock(
                elements=[
                    button(t("nominations.btn.accept"), ids.NOMINATION_ACCEPT, str(nomination.id), style="primary"),
                    button(t("nominations.btn.decline"), ids.NOMINATION_DECLINE, str(nomination.id),
                           confirm=confirm(t, "nominations.confirm.decline")),
                ]
            )
        )  # fmt: skip
    else:
        blocks.append(context(t(f"nominations.status.{nomination.status.value}")))
    return blocks


def nomination_reply(round_: RoundView, nomination: NominationView, t: Translator, tz: tzinfo) -> Reply:
    return Reply(text=t("nominations.ask.text", number=round_.id), blocks=nomination_card(round_, nomination, t, tz))


def answered_reply(nomination: NominationView, t: Translator) -> Reply:
    """The nominee's answer, as recorded; an acceptance can still be withdrawn while nominations are open."""
    text = t(f"nominations.answered.{nomination.status.value}", number=nomination.round_id)
    blocks: list[Block] = [mrkdwn(text)]
    if nomination.status is NominationStatus.ACCEPTED:
        blocks.append(ActionsBlock(elements=[_withdraw_button(nomination, t)]))
    return Reply(text=text, blocks=blocks)


def _withdraw_button(nomination: NominationView, t: Translator) -> ButtonElement:
    return button(t("nominations.btn.withdraw"), ids.NOMINATION_WITHDRAW, str(nomination.id),
                  confirm=confirm(t, "nominations.confirm.withdraw", danger=True))  # fmt: skip


def withdrawn_reply(nomination: NominationView, t: Translator) -> str:
    return t("nominations.answered.withdrawn", user=nomination.nominee_user_id, number=nomination.round_id)
