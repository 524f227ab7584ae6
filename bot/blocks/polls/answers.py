"""Answers to voters: what was recorded, the polls they can vote in, a reminder to vote."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from slack_sdk.models.blocks import ActionsBlock, Block, SectionBlock

from bot.blocks import ids
from bot.blocks.common import Reply, context, escape, fit, header, lines, mrkdwn, one_line
from bot.blocks.polls.pieces import _button, _when, choices_text
from bot.infra.i18n import Translator
from bot.services.polls import PollView, Recipient, Votable, Voter, VoteRecorded


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
