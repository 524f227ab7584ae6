"""The small pieces every poll surface shares: an option's label, a ballot's choices, the poll's
facts and rules as a voter must read them, lines packed into sections, buttons and confirms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ConfirmObject,
)

from bot.blocks.common import clip, escape, lines, mrkdwn
from bot.infra.i18n import Translator
from bot.services.polls import Electorate, PollKind, PollView

SECTION_BUDGET = 2900  # characters per section, under Slack's 3,000


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
