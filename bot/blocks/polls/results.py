"""Counts as people read them: a bar and a percentage per option, the outcome, turnout against
the electorate, the quorum, every round of a ranked count; turnout alone while results wait for
the close; and who voted what, for an open poll's creator."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from fractions import Fraction

from slack_sdk.models.blocks import Block

from bot.blocks.common import Reply, bar, context, escape, fit, header, lines, mrkdwn
from bot.blocks.polls.pieces import _when, choices_text, option_label, sections
from bot.infra.i18n import Translator
from bot.services.contributions import Fact
from bot.services.counting import EARLIER_ROUNDS, LOT, Count, Round
from bot.services.polls import OpenBallot, PollKind, PollView, Results


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
