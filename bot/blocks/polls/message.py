"""The poll's message in its channel: question, options and voting buttons while open; the
results (or "cancelled") once it is over."""

from __future__ import annotations

from datetime import tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
)

from bot.blocks import ids
from bot.blocks.common import Reply, context, escape, fit, header, mrkdwn
from bot.blocks.polls.pieces import _button, _confirm, _facts, _numbered, _option_sections, _rules, _when, option_label
from bot.blocks.polls.results import results_blocks, summary_line
from bot.infra.i18n import Translator
from bot.services.polls import PollKind, PollStatus, PollView, Results, ResultsShown

QUICK_BUTTONS = 5  # single-choice polls with this many options or fewer vote in one click


def poll_message(
    poll: PollView, t: Translator, tz: tzinfo, *, results: Results | None = None, electors: int | None = None
) -> Reply:
    """The message in the channel: question, options and voting buttons while open; the results
    (or "cancelled") once it is over. `electors`, a channel poll's electorate size, is stated
    with the rule that later joiners do not vote."""
    title = t("polls.msg.header", number=poll.id)
    blocks: list[Block] = [header(title), mrkdwn(f"*{escape(poll.question)}*"), context(_facts(poll, t, tz))]
    if poll.status is PollStatus.CANCELLED:
        blocks.append(context(t("polls.msg.cancelled")))
        return Reply(text=f"{title}: {escape(poll.question)} — {t('polls.msg.cancelled')}", blocks=fit(blocks))
    if poll.status is PollStatus.CLOSED and results is not None:
        blocks.extend(results_blocks(results, t, tz, with_title=False))
        return Reply(text=f"{title}: {escape(poll.question)} — {summary_line(results, t)}", blocks=fit(blocks))
    blocks.extend(_option_sections(poll, t))
    rules = _rules(poll, t, electors)
    if rules:
        blocks.append(context(*rules))
    blocks.append(context(t("polls.msg.closes", when=_when(poll.closes_at, t, tz))))
    blocks.append(ActionsBlock(elements=_vote_elements(poll, t)))
    blocks.append(ActionsBlock(elements=_manage_elements(poll, t)))
    blocks.append(context(t("polls.msg.manage_hint")))
    return Reply(text=f"{title}: {escape(poll.question)}", blocks=fit(blocks))


def _vote_elements(poll: PollView, t: Translator) -> list[ButtonElement]:
    value = str(poll.id)
    results_label = t("polls.btn.results") if poll.results is ResultsShown.LIVE else t("polls.btn.turnout")
    tail = [_button(results_label, ids.POLL_RESULTS, value)]
    quick = poll.kind in (PollKind.SINGLE, PollKind.YES_NO) and len(poll.options) <= QUICK_BUTTONS
    if not quick:
        return [_button(t("polls.btn.vote"), ids.POLL_BALLOT, value, style="primary"), *tail]
    buttons = []
    for position in range(len(poll.options)):
        label = option_label(poll, position, t)
        confirm = None
        if poll.secret:  # one click is final on a secret ballot: make it a deliberate one
            text = t("polls.confirm.secret_text", option=escape(label))  # a confirm's text is mrkdwn
            confirm = _confirm(t, t("polls.confirm.secret_title"), text, t("polls.btn.cast"))
        buttons.append(
            _button(_numbered(poll, position, t), ids.POLL_QUICK_VOTE, f"{poll.id}:{position}", confirm=confirm)
        )
    return [*buttons, *tail]


def _manage_elements(poll: PollView, t: Translator) -> list[ButtonElement]:
    value = str(poll.id)
    close = _confirm(
        t, t("polls.confirm.close_title"), t("polls.confirm.close_text", number=poll.id), t("polls.btn.close")
    )
    cancel = _confirm(
        t, t("polls.confirm.cancel_title"), t("polls.confirm.cancel_text", number=poll.id), t("polls.btn.cancel"),
        danger=True,
    )  # fmt: skip
    elements = [
        _button(t("polls.btn.remind"), ids.POLL_REMIND, value),
        _button(t("polls.btn.close"), ids.POLL_CLOSE, value, confirm=close),
        _button(t("polls.btn.cancel"), ids.POLL_CANCEL, value, style="danger", confirm=cancel),
    ]
    if not poll.secret:
        elements.insert(1, _button(t("polls.btn.voters"), ids.POLL_VOTERS, value))
    return elements
