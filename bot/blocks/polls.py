"""Polls in Block Kit: the creation modal, the poll message, the ballot, results, answers to voters.

Limits shape the design. A poll may have 50 options but a message only 50 blocks, so options are
listed as numbered lines in a few sections, and voting happens on a ballot modal (radio buttons or
checkboxes up to 10 options, selects beyond) opened by one button; short single-choice and yes/no
polls also get one-click buttons. Ranked ballots offer up to `RANK_INPUTS` preference selects
(a modal holds 100 blocks but 250 kB; `/nls vote N a b c …` ranks any number).

Question and options are user text: escaped wherever mrkdwn shows them, plain text elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from fractions import Fraction

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ConversationFilter,
    ConversationSelectElement,
    DateTimePickerElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.common import Reply, bar, clip, context, escape, fit, header, lines, mrkdwn, one_line
from bot.infra.i18n import Translator
from bot.services.contributions import Fact
from bot.services.counting import EARLIER_ROUNDS, LOT, Count, Round
from bot.services.polls import (
    MAX_OPTIONS,
    OPTION_LIMIT,
    QUESTION_LIMIT,
    OpenBallot,
    PollView,
    Recipient,
    Results,
    Votable,
    Voter,
    VoteRecorded,
)
from models.polls import Electorate, PollKind, PollStatus, ResultsShown

QUICK_BUTTONS = 5  # single-choice polls with this many options or fewer vote in one click
SMALL_CHOICE = 10  # radio buttons / checkboxes up to this many options, selects beyond
RANK_INPUTS = 10
SECTION_BUDGET = 2900  # characters per section, under Slack's 3,000
OPTIONS_TEXT_LIMIT = 3000  # Slack's plain_text_input maximum
CREATE_KINDS = (PollKind.SINGLE, PollKind.MULTIPLE, PollKind.YES_NO, PollKind.RANKED)


# --- small pieces ---------------------------------------------------------------------------------


def option_label(poll: PollView, position: int, t: Translator) -> str:
    """An option as typed (user text, unescaped), or the translated yes/no/abstain."""
    if poll.kind is PollKind.YES_NO:
        return t(f"polls.yes_no.{poll.options[position]}")
    return poll.options[position]


def _numbered(poll: PollView, position: int, t: Translator, limit: int = 75) -> str:
    return clip(f"{position + 1}. {option_label(poll, position, t)}", limit)


def choices_text(poll: PollView, choices: Sequence[int], t: Translator) -> str:
    """What a ballot says, in mrkdwn: `*Yes*`, `*A*, *C*`, or `1. *A* → 2. *C*` for rankings."""
    names = [f"*{escape(option_label(poll, c, t))}*" for c in choices]
    if poll.ranked:
        return " → ".join(f"{n}. {name}" for n, name in enumerate(names, start=1))
    return ", ".join(names)


def _when(value: datetime, t: Translator, tz: tzinfo) -> str:
    return f"{t.short_datetime(value, tz)} ({value.astimezone(tz).tzname()})"


def _facts(poll: PollView, t: Translator, tz: tzinfo) -> str:
    parts = [t(f"polls.kind.{poll.kind.value}"), t(f"polls.electorate.{poll.electorate.value}")]
    if poll.kind is PollKind.MULTIPLE and poll.max_choices:
        parts.append(t("polls.msg.max_choices", count=poll.max_choices))
    if poll.seats > 1:
        parts.append(t("polls.msg.seats", count=poll.seats))
    parts.append(t("polls.msg.secret") if poll.secret else t("polls.msg.open_ballot"))
    parts.append(t(f"polls.results_shown.{poll.results.value}"))
    if poll.quorum:
        parts.append(t("polls.msg.quorum", count=poll.quorum))
    if poll.electorate is Electorate.CHANNEL:
        parts.append(t("polls.msg.channel", channel=poll.channel_id))
    return " · ".join(parts)


def tie_rule(poll: PollView, t: Translator) -> str | None:
    """The stated tie-break, shown on every ranked, STV and approval ballot and in its results."""
    if poll.kind not in (PollKind.RANKED, PollKind.STV, PollKind.APPROVAL):
        return None
    order = ", ".join(str(p + 1) for p in poll.tie_order)
    key = "polls.rules.tie_approval" if poll.kind is PollKind.APPROVAL else "polls.rules.tie_ranked"
    return t(key, order=order)


def _rules(poll: PollView, t: Translator, electors: int | None = None) -> list[str]:
    """What a voter must know before voting. A channel poll states its fixed electorate, so
    nobody joins the channel expecting a vote (docs/polls.md, "Who votes")."""
    rules = []
    if poll.electorate is Electorate.CHANNEL and electors is not None:
        rules.append(t("polls.rules.channel_electorate", count=electors, channel=poll.channel_id))
    if poll.kind is PollKind.RANKED:
        rules.append(t("polls.rules.ranked"))
    elif poll.kind is PollKind.STV:
        rules.append(t("polls.rules.stv", count=poll.seats))
    elif poll.kind is PollKind.YES_NO:
        rules.append(t("polls.rules.yes_no"))
    tie = tie_rule(poll, t)
    if tie:
        rules.append(tie)
    if poll.secret:
        rules.append(t("polls.rules.secret"))
    return rules


def sections(entries: Sequence[str]) -> list[Block]:
    """Lines packed into as few sections as fit Slack's 3,000 characters each, never cutting a line
    in two: 50 options of 150 characters (more once escaped) take three or four sections."""
    blocks: list[Block] = []
    chunk: list[str] = []
    for entry in entries:
        entry = clip(entry, SECTION_BUDGET)
        if chunk and sum(len(c) + 1 for c in chunk) + len(entry) > SECTION_BUDGET:
            blocks.append(mrkdwn(lines(chunk)))
            chunk = []
        chunk.append(entry)
    if chunk:
        blocks.append(mrkdwn(lines(chunk)))
    return blocks


def _option_sections(poll: PollView, t: Translator) -> list[Block]:
    return sections([f"*{i + 1}.* {escape(option_label(poll, i, t))}" for i in range(len(poll.options))])


def _confirm(t: Translator, title: str, text: str, confirm: str, *, danger: bool = False) -> ConfirmObject:
    return ConfirmObject(
        title=clip(title, 100), text=clip(text, 300), confirm=clip(confirm, 30), deny=clip(t("polls.confirm.back"), 30),
        style="danger" if danger else None,
    )  # fmt: skip


def _button(text: str, action_id: str, value: str, **kwargs: object) -> ButtonElement:
    return ButtonElement(text=clip(text, 75), action_id=action_id, value=value, **kwargs)  # type: ignore[arg-type]


# --- the poll message -------------------------------------------------------------------------------


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


# --- results ------------------------------------------------------------------------------------------


def _unit(poll: PollView, t: Translator, count: int) -> str:
    return t(f"polls.unit.{poll.electorate.value}", count=count)


def summary_line(res: Results, t: Translator) -> str:
    """One line of mrkdwn for notifications and the text fallback: the outcome (options escaped)."""
    poll, tally = res.poll, res.count
    names = [escape(option_label(poll, w, t)) for w in tally.winners]
    if poll.kind is PollKind.YES_NO:
        return t(f"polls.outcome.{tally.outcome}")
    if tally.ballots == 0:
        return t("polls.outcome.no_ballots")
    if tally.tied:
        return t("polls.outcome.tie", options=", ".join(escape(option_label(poll, i, t)) for i in tally.tied))
    if poll.kind in (PollKind.STV, PollKind.APPROVAL):
        return t("polls.outcome.elected", names=", ".join(names))
    return t("polls.outcome.winner", option=", ".join(names))


def fact_text(fact: Fact, t: Translator) -> str:
    """A fact an origin gave with its count (`Results.by_origin`): translated in the poll's
    language, parameters that are facts themselves translated first, text escaped."""
    params = {
        k: fact_text(v, t) if isinstance(v, Fact) else escape(v) if isinstance(v, str) else v
        for k, v in fact.params.items()
    }
    return t(fact.key, **params)


def _seat_labels(res: Results, t: Translator) -> dict[int, str]:
    seats = res.by_origin.seats if res.by_origin else ()
    return {s.option: fact_text(s.label, t) for s in seats if s.label is not None}


def _option_lines(res: Results, t: Translator) -> list[str]:
    poll, tally = res.poll, res.count
    labels = _seat_labels(res, t)
    out = []
    for position in range(len(poll.options)):
        votes = tally.votes[position]
        ratio = votes / tally.ballots if tally.ballots else 0.0
        mark = " ✅" if position in tally.winners else ""
        if position in labels:
            mark += f" · {labels[position]}"
        label = escape(option_label(poll, position, t))
        out.append(f"`{bar(ratio)}` *{votes}* ({t.percent(ratio)}) — {position + 1}. {label}{mark}")
    return out


def _round_line(poll: PollView, stage: Round, t: Translator) -> str:
    shown = [
        f"#{i + 1} {_votes(v, t)}" for i, v in enumerate(stage.tallies) if v is not None and (v or i in stage.elected)
    ]
    events = []
    if stage.elected:
        events.append(t("polls.round.elected", options=", ".join(f"#{i + 1}" for i in stage.elected)))
    if stage.surplus_of is not None:
        events.append(t("polls.round.surplus", option=f"#{stage.surplus_of + 1}"))
    if stage.excluded:
        events.append(t("polls.round.excluded", options=", ".join(f"#{i + 1}" for i in stage.excluded)))
    if stage.tie_break:
        events.append(t(f"polls.round.tie_{stage.tie_break}"))
    if stage.exhausted:
        events.append(t("polls.round.exhausted", votes=_votes(stage.exhausted, t)))
    body = " · ".join(shown) or "—"
    return t("polls.round.line", number=stage.number, tallies=body, events="; ".join(events))


def _votes(value: Fraction | int, t: Translator) -> str:
    """Whole votes as integers; transferred fractions of votes to two decimals."""
    if isinstance(value, Fraction) and value.denominator != 1:
        return t.number(round(float(value), 2))
    return t.number(int(value))


def results_blocks(res: Results, t: Translator, tz: tzinfo, *, with_title: bool = True) -> list[Block]:
    """Counts with a bar and a percentage per option, the outcome, turnout against the electorate,
    the quorum, and for ranked kinds every round."""
    poll, tally = res.poll, res.count
    blocks: list[Block] = []
    if with_title:
        key = "polls.results.final_title" if res.final else "polls.results.live_title"
        blocks += [header(t(key, number=poll.id)), mrkdwn(f"*{escape(poll.question)}*")]
    blocks.append(mrkdwn(f"*{summary_line(res, t)}*"))
    if poll.ranked and res.by_origin is None:
        blocks.append(context(t("polls.results.first_preferences")))
    blocks += sections(_option_lines(res, t))
    blocks.append(mrkdwn(lines(_turnout_lines(res, t))))
    if res.by_origin is not None and res.by_origin.notes:  # counted by the poll's origin: its rule
        blocks.append(context(*(fact_text(n, t) for n in res.by_origin.notes)))
    if tally.rounds and poll.ranked:
        blocks += _rounds_blocks(poll, tally, t)
    notes = [n for n in (_tie_note(poll, tally, t), t("polls.rules.secret") if poll.secret else None) if n]
    if res.final and poll.closed_at:
        notes.append(t("polls.results.closed_at", when=_when(poll.closed_at, t, tz)))
    if notes:
        blocks.append(context(*notes))
    return blocks


def _turnout_lines(res: Results, t: Translator) -> list[str]:
    poll = res.poll
    out = [
        t(
            "polls.results.turnout",
            voted=res.voted,
            electorate=_unit(poll, t, res.electorate),
            percent=t.percent(res.turnout),
            bar=bar(res.turnout),
        )
    ]
    if poll.quorum is not None:
        key = "polls.results.quorum_met" if res.quorum_met else "polls.results.quorum_not_met"
        if not res.final:
            key = "polls.results.quorum_so_far"
        out.append(t(key, quorum=_unit(poll, t, poll.quorum)))
    return out


def _rounds_blocks(poll: PollView, tally: Count, t: Translator) -> list[Block]:
    intro = t("polls.results.rounds", count=len(tally.rounds))
    if tally.quota is not None:
        intro += " " + t("polls.results.quota", quota=_votes(tally.quota, t))
    return [context(intro), *sections([_round_line(poll, r, t) for r in tally.rounds])]


def _tie_note(poll: PollView, tally: Count, t: Translator) -> str | None:
    if tally.tie_break == LOT:
        return t("polls.results.tie_by_lot", order=", ".join(str(p + 1) for p in poll.tie_order))
    if tally.tie_break == EARLIER_ROUNDS:
        return t("polls.results.tie_by_rounds")
    return None


def results_reply(res: Results, t: Translator, tz: tzinfo) -> Reply:
    title_key = "polls.results.final_title" if res.final else "polls.results.live_title"
    text = f"{t(title_key, number=res.poll.id)}: {summary_line(res, t)}"
    more = context(t("polls.results.more", number=res.poll.id))
    return Reply(text=text, blocks=fit(results_blocks(res, t, tz), more))


def turnout_reply(poll: PollView, voted: int, electorate: int, t: Translator, tz: tzinfo) -> Reply:
    """For polls that show results only at close: how many voted so far, and when results come."""
    ratio = voted / electorate if electorate else 0.0
    text = t(
        "polls.results.turnout_only",
        number=poll.id,
        voted=voted,
        electorate=_unit(poll, t, electorate),
        percent=t.percent(ratio),
        when=_when(poll.closes_at, t, tz),
    )
    return Reply(text=text, blocks=[mrkdwn(text)])


def voters_reply(poll: PollView, ballots: Sequence[OpenBallot], t: Translator) -> Reply:
    """Who voted what in an open poll, for its creator: one line per ballot."""
    title = t("polls.voters.title", number=poll.id, count=len(ballots))
    entries = []
    for ballot in ballots:
        who = f"<@{ballot.cast_by}>" + (f" ({escape(ballot.org_name)})" if ballot.org_name else "")
        entries.append(f"• {who}: {choices_text(poll, ballot.choices, t)}")
    blocks: list[Block] = [header(title)]
    blocks += sections(entries)
    if not entries:
        blocks.append(mrkdwn(t("polls.voters.none")))
    return Reply(text=title, blocks=fit(blocks, context(t("polls.voters.more", number=poll.id))))


# --- answers to voters ----------------------------------------------------------------------------


def voting_as(voter: Voter, t: Translator) -> str:
    if voter.key.startswith("org:"):
        return t("polls.vote.as_org", org=escape(voter.org_name or ""))
    if voter.key.startswith("seat:"):
        return t("polls.vote.as_seat", org=escape(voter.org_name or ""))
    return t("polls.vote.as_self")


def vote_reply(recorded: VoteRecorded, t: Translator) -> Reply:
    """Exactly what was committed, privately: the poll, whose vote, and the choices."""
    poll = recorded.poll
    params = {
        "number": poll.id,
        "question": escape(one_line(poll.question, 120)),
        "whose": voting_as(recorded.voter, t),
        "choices": choices_text(poll, recorded.choices, t),
    }
    text = t(f"polls.vote.{recorded.status}", **params)
    notes = [t("polls.vote.secret_final")] if poll.secret else [t("polls.vote.can_change")]
    return Reply(text=text, blocks=[mrkdwn(text), context(*notes)])


def polls_list(items: Sequence[Votable], t: Translator, now: datetime, tz: tzinfo) -> Reply:
    """`/nls polls`: the polls you can vote in now, with your status and a Vote button each."""
    title = t("polls.list.title")
    if not items:
        return Reply(text=t("polls.list.none"), blocks=[header(title), mrkdwn(t("polls.list.none"))])
    blocks: list[Block] = [header(title)]
    for item in items:
        poll = item.poll
        status = t("polls.list.voted") if item.voted else t("polls.list.not_voted")
        text = lines(
            [
                f"*#{poll.id}* {escape(one_line(poll.question, 200))}",
                f"{status} · {voting_as(item.voter, t)} · {t(f'polls.kind.{poll.kind.value}')}",
                t("polls.list.closes", when=_when(poll.closes_at, t, tz), relative=t.relative(poll.closes_at, now)),
            ]
        )
        label = t("polls.btn.change") if item.voted and not poll.secret else t("polls.btn.vote")
        accessory = None if item.voted and poll.secret else _button(label, ids.POLL_BALLOT, str(poll.id))
        blocks.append(SectionBlock(text=text, accessory=accessory))
    blocks.append(context(t("polls.list.hint")))
    return Reply(text=title, blocks=fit(blocks, context(t("polls.list.more"))))


def reminder(poll: PollView, recipient: Recipient, t: Translator, tz: tzinfo) -> tuple[str, list[dict[str, object]]]:
    """The DM to someone who has not voted (or to the rep of an organisation that has not)."""
    whose = t("polls.remind.org", org=escape(recipient.org_name)) if recipient.org_name else t("polls.remind.you")
    text = t(
        "polls.remind.text",
        number=poll.id,
        question=escape(one_line(poll.question, 200)),
        whose=whose,
        when=_when(poll.closes_at, t, tz),
    )
    blocks = [
        mrkdwn(text),
        ActionsBlock(elements=[_button(t("polls.btn.vote"), ids.POLL_BALLOT, str(poll.id), style="primary")]),
    ]
    return text, [b.to_dict() for b in blocks]


def posted_reply(poll: PollView, t: Translator) -> str:
    return t("polls.create.posted", number=poll.id, channel=poll.channel_id)


# --- the ballot modal --------------------------------------------------------------------------------


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
