"""The poll's modals: the ballot (radio buttons or checkboxes up to `SMALL_CHOICE` options,
selects beyond; up to `RANK_INPUTS` preference selects for ranked kinds), the creation form, and
the receipt a ballot turns into. `FIELD_BLOCKS` says which input each of the domain's fields
(`PollField`) is drawn in, so a rule's error shows next to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ConversationFilter,
    ConversationSelectElement,
    DateTimePickerElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.common import clip, context, escape, mrkdwn
from bot.blocks.polls.answers import vote_reply, voting_as
from bot.blocks.polls.pieces import _numbered, _rules, _when
from bot.infra.i18n import Translator
from bot.services.polls import (
    MAX_OPTIONS,
    OPTION_LIMIT,
    QUESTION_LIMIT,
    Electorate,
    PollField,
    PollKind,
    PollView,
    ResultsShown,
    Voter,
    VoteRecorded,
)

SMALL_CHOICE = 10  # radio buttons / checkboxes up to this many options, selects beyond
RANK_INPUTS = 10
OPTIONS_TEXT_LIMIT = 3000  # Slack's plain_text_input maximum
CREATE_KINDS = (PollKind.SINGLE, PollKind.MULTIPLE, PollKind.YES_NO, PollKind.RANKED)

FIELD_BLOCKS: dict[PollField, str] = {
    PollField.QUESTION: ids.POLL_F_QUESTION, PollField.OPTIONS: ids.POLL_F_OPTIONS, PollField.KIND: ids.POLL_F_KIND,
    PollField.MAX_CHOICES: ids.POLL_F_MAX, PollField.ELECTORATE: ids.POLL_F_ELECTORATE,
    PollField.CHANNEL: ids.POLL_F_CHANNEL, PollField.SECRET: ids.POLL_F_SECRET, PollField.CLOSES_AT: ids.POLL_F_CLOSES,
    PollField.QUORUM: ids.POLL_F_QUORUM, PollField.RESULTS: ids.POLL_F_RESULTS,
}  # fmt: skip


def _options(poll: PollView, t: Translator) -> list[Option]:
    return [Option(value=str(i), label=_numbered(poll, i, t)) for i in range(len(poll.options))]


def ballot_modal(poll: PollView, voter: Voter, t: Translator, tz: tzinfo, *, current: Sequence[int] | None) -> View:
    """The ballot: who you vote as, the rules, and the choice inputs (prefilled with your current
    vote on an open poll, so a change starts from it)."""
    blocks: list[Block] = [
        mrkdwn(f"*{escape(poll.question)}*"),
        context(voting_as(voter, t), t("polls.msg.closes", when=_when(poll.closes_at, t, tz))),
    ]
    rules = _rules(poll, t)
    if rules:
        blocks.append(context(*rules))
    blocks += _choice_inputs(poll, t, current or ())
    submit = t("polls.btn.cast") if poll.secret else t("polls.btn.submit_vote")
    return View(
        type="modal",
        callback_id=ids.POLL_BALLOT_FORM,
        private_metadata=str(poll.id),
        title=clip(t("polls.ballot.title", number=poll.id), 24),
        submit=clip(submit, 24),
        close=clip(t("polls.ballot.close"), 24),
        blocks=blocks,
    )


def _choice_inputs(poll: PollView, t: Translator, current: Sequence[int]) -> list[Block]:
    options = _options(poll, t)
    chosen = [options[c] for c in current if 0 <= c < len(options)]
    if poll.ranked:
        return _rank_inputs(poll, t, options, current)
    if poll.kind in (PollKind.MULTIPLE, PollKind.APPROVAL):
        hint = t("polls.ballot.pick_up_to", count=poll.max_choices) if poll.max_choices else t("polls.ballot.pick_any")
        if len(options) <= SMALL_CHOICE:
            element: object = CheckboxesElement(
                action_id=ids.POLL_F_CHOICE, options=options, initial_options=chosen or None
            )
        else:
            element = StaticMultiSelectElement(
                action_id=ids.POLL_F_CHOICE, options=options, initial_options=chosen or None,
                max_selected_items=poll.max_choices, placeholder=clip(t("polls.ballot.placeholder"), 150),
            )  # fmt: skip
        return [InputBlock(block_id=ids.POLL_F_CHOICE, label=t("polls.ballot.choices"), hint=hint, element=element)]
    initial = chosen[0] if chosen else None
    if len(options) <= SMALL_CHOICE:
        element = RadioButtonsElement(action_id=ids.POLL_F_CHOICE, options=options, initial_option=initial)
    else:
        element = StaticSelectElement(
            action_id=ids.POLL_F_CHOICE, options=options, initial_option=initial,
            placeholder=clip(t("polls.ballot.placeholder"), 150),
        )  # fmt: skip
    return [InputBlock(block_id=ids.POLL_F_CHOICE, label=t("polls.ballot.choice"), element=element)]


def _rank_inputs(poll: PollView, t: Translator, options: list[Option], current: Sequence[int]) -> list[Block]:
    count = min(len(options), RANK_INPUTS)
    blocks: list[Block] = []
    for rank in range(1, count + 1):
        initial = options[current[rank - 1]] if rank <= len(current) else None
        blocks.append(
            InputBlock(
                block_id=f"{ids.POLL_F_RANK}{rank}",
                label=t("polls.ballot.rank", rank=rank),
                optional=rank > 1,
                element=StaticSelectElement(
                    action_id=f"{ids.POLL_F_RANK}{rank}",
                    options=options,
                    initial_option=initial,
                    placeholder=clip(t("polls.ballot.placeholder"), 150),
                ),
            )
        )
    if len(options) > RANK_INPUTS:
        blocks.append(context(t("polls.ballot.rank_more", count=RANK_INPUTS, number=poll.id)))
    return blocks


# --- the creation modal --------------------------------------------------------------------------------


def create_modal(t: Translator, *, channel_id: str | None, now: datetime) -> View:
    """Question, options (one per line), kind, at most how many choices, electorate, channel,
    secret or open, closing time, quorum, and when results show."""
    default_close = (now + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    kinds = [Option(value=k.value, label=t(f"polls.kind.{k.value}")) for k in CREATE_KINDS]
    electorates = [
        Option(
            value=e.value,
            label=t(f"polls.electorate.{e.value}"),
            description=clip(t(f"polls.electorate_hint.{e.value}"), 75),
        )
        for e in Electorate
    ]
    shown = [Option(value=r.value, label=t(f"polls.results_shown.{r.value}")) for r in ResultsShown]
    secret = Option(
        value="secret", label=t("polls.create.secret_label"), description=clip(t("polls.create.secret_hint"), 75)
    )
    blocks: list[Block] = [
        _input(ids.POLL_F_QUESTION, t("polls.create.question"), PlainTextInputElement(action_id=ids.POLL_F_QUESTION, max_length=QUESTION_LIMIT)),
        _input(
            ids.POLL_F_OPTIONS, t("polls.create.options"),
            PlainTextInputElement(action_id=ids.POLL_F_OPTIONS, multiline=True, max_length=OPTIONS_TEXT_LIMIT),
            hint=t("polls.create.options_hint", maximum=MAX_OPTIONS, limit=OPTION_LIMIT), optional=True,
        ),
        _input(ids.POLL_F_KIND, t("polls.create.kind"), StaticSelectElement(action_id=ids.POLL_F_KIND, options=kinds, initial_option=kinds[0])),
        _input(
            ids.POLL_F_MAX, t("polls.create.max_choices"),
            NumberInputElement(action_id=ids.POLL_F_MAX, is_decimal_allowed=False, min_value=1, max_value=MAX_OPTIONS),
            hint=t("polls.create.max_choices_hint"), optional=True,
        ),
        _input(ids.POLL_F_ELECTORATE, t("polls.create.electorate"), RadioButtonsElement(action_id=ids.POLL_F_ELECTORATE, options=electorates, initial_option=electorates[0])),
        _input(
            ids.POLL_F_CHANNEL, t("polls.create.channel"),
            ConversationSelectElement(
                action_id=ids.POLL_F_CHANNEL, initial_conversation=channel_id, default_to_current_conversation=channel_id is None,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
            hint=t("polls.create.channel_hint"),
        ),
        _input(ids.POLL_F_SECRET, t("polls.create.secret"), CheckboxesElement(action_id=ids.POLL_F_SECRET, options=[secret]), optional=True),
        _input(
            ids.POLL_F_CLOSES, t("polls.create.closes_at"),
            DateTimePickerElement(action_id=ids.POLL_F_CLOSES, initial_date_time=int(default_close.timestamp())),
        ),
        _input(
            ids.POLL_F_QUORUM, t("polls.create.quorum"),
            NumberInputElement(action_id=ids.POLL_F_QUORUM, is_decimal_allowed=False, min_value=0),
            hint=t("polls.create.quorum_hint"), optional=True,
        ),
        _input(ids.POLL_F_RESULTS, t("polls.create.results"), RadioButtonsElement(action_id=ids.POLL_F_RESULTS, options=shown, initial_option=shown[1])),
    ]  # fmt: skip
    return View(
        type="modal",
        callback_id=ids.POLL_CREATE,
        title=clip(t("polls.create.title"), 24),
        submit=clip(t("polls.create.submit"), 24),
        close=clip(t("polls.ballot.close"), 24),
        blocks=blocks,
    )


def _input(
    block_id: str, label: str, element: object, *, hint: str | None = None, optional: bool = False
) -> InputBlock:
    return InputBlock(block_id=block_id, label=clip(label, 2000), element=element, hint=hint, optional=optional)  # type: ignore[arg-type]


def vote_receipt_view(recorded: VoteRecorded, t: Translator) -> View:
    """The ballot modal turns into what was recorded, once committed."""
    reply = vote_reply(recorded, t)
    return View(
        type="modal",
        callback_id=ids.POLL_BALLOT_FORM,
        title=clip(t("polls.ballot.title", number=recorded.poll.id), 24),
        close=clip(t("polls.ballot.done"), 24),
        blocks=reply.blocks,
    )
