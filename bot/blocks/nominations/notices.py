"""The messages the bot owes about nominations and seats (`Notice`s), each rendered in its
recipient's (or channel's) language: the nominee's ask, what became of a nomination, the close,
the statements in the election's thread, the result, the seated and the failed, term-end warnings
and seat transfers. The ledger keeps the rendered text and blocks."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.blocks import ids
from bot.blocks.common import context, escape, fit, header, lines, mrkdwn
from bot.blocks.nominations.nominating import nomination_reply
from bot.blocks.nominations.pieces import button, org_line, quote, reservation_label, who
from bot.blocks.polls import sections
from bot.infra.i18n import Translator
from bot.services.nominations import RoundOutcome, RoundStatus, SeatFilled, Seating
from bot.services.terms import Notice, TermWarning, Transfer


def notice_message(notice: Notice, tz: tzinfo) -> tuple[str, list[dict[str, Any]]]:
    """Any nominations or seat message, in its recipient's (or channel's) language; the ledger
    keeps the rendered text and blocks."""
    t = Translator(notice.locale)
    render = _RENDERERS[notice.occasion.split("_")[0]]
    text, blocks = render(notice, t, tz)
    return text, [b.to_dict() for b in fit(blocks)]


def _ask(notice: Notice, t: Translator, tz: tzinfo) -> tuple[str, list[Block]]:
    reply = nomination_reply(*notice.subject, t, tz)
    return reply.text, reply.blocks


def _answer(notice: Notice, t: Translator, tz: tzinfo) -> tuple[str, list[Block]]:
    """To the nominator (or the nominee, for a withdrawal): what became of the nomination."""
    round_, nomination = notice.subject
    text = t(f"nominations.told.{notice.occasion}", user=nomination.nominee_user_id, number=round_.id,
             reason=escape(nomination.reason or ""))  # fmt: skip
    return text, [mrkdwn(text)]


def _closed(notice: Notice, t: Translator, tz: tzinfo) -> tuple[str, list[Block]]:
    """To the committee: nominations closed, and what comes next."""
    round_, nominees, poll = notice.subject
    params = {"number": round_.id, "nominees": len(nominees), "count": round_.seats, "poll": poll.id if poll else ""}
    text = t(f"nominations.told.{notice.occasion}", **params)
    blocks: list[Block] = [mrkdwn(text)]
    if nominees:
        blocks.append(mrkdwn(lines(f"• {who(n, t)}" for n in nominees)))
    if round_.status is RoundStatus.ACCLAMATION:
        blocks.append(ActionsBlock(elements=[button(t("nominations.btn.review"), ids.NOMINATIONS_REVIEW,
                                                    str(round_.id), style="primary")]))  # fmt: skip
    return text, blocks


def _statements(notice: Notice, t: Translator, tz: tzinfo) -> tuple[str, list[Block]]:
    """In the election poll's thread: every candidate with their statement."""
    round_, nominees = notice.subject
    title = t("nominations.statements.title", number=round_.id)
    entries = [f"*{n + 1}.* {who(nom, t)}\n{quote(nom.statement)}" for n, nom in enumerate(nominees)]
    notes = [t("nominations.statements.reserved_first")] if round_.reserved else []
    return title, [header(title), *sections(entries), *([context(*notes)] if notes else [])]


def _seat_line(seat: SeatFilled, t: Translator) -> str:
    line = f"• <@{seat.nomination.nominee_user_id}> — {org_line(seat.nomination.org, t)}"
    if seat.reserved is not None:
        line += " · " + t("nominations.result.reserved_seat", seat=reservation_label(seat.reserved, t))
    return line


def _result(notice: Notice, t: Translator, tz: tzinfo) -> tuple[str, list[Block]]:
    """In the channel: who was elected or acclaimed, for which term; or why nobody was."""
    seating: Seating = notice.subject
    round_ = seating.round
    outcome = round_.outcome or RoundOutcome.NO_BALLOTS
    text = t(f"nominations.result.{outcome.value}", number=round_.id, poll=round_.poll_id or "")
    blocks: list[Block] = [header(t("nominations.result.title", number=round_.id)), mrkdwn(text)]
    if seating.filled:
        first = seating.filled[0]
        blocks.append(mrkdwn(lines(_seat_line(s, t) for s in seating.filled)))
        blocks.append(context(t("nominations.result.term", start=t.date(first.term_start), end=t.date(first.term_end))))
        notes = [t("nominations.result.vacant", count=seating.vacant)] if seating.vacant else []
        if round_.reserved and outcome is RoundOutcome.ELECTED:
            notes.append(t("nominations.statements.reserved_first"))
        if notes:
            blocks.append(context(*notes))
    return text, blocks


def _seated(notice: Notice, t: Translator, tz: tzinfo) -> tuple[str, list[Block]]:
    seating: Seating = notice.subject
    seat = next(s for s in seating.filled if s.nomination.nominee_user_id == notice.channel)
    text = t(f"nominations.seated.{seating.round.outcome.value if seating.round.outcome else 'elected'}",
             org=escape(seat.nomination.org.name), start=t.date(seat.term_start), end=t.date(seat.term_end),
             number=seating.round.id)  # fmt: skip
    return text, [mrkdwn(text)]


def _failed(notice: Notice, t: Translator, tz: tzinfo) -> tuple[str, list[Block]]:
    seating: Seating = notice.subject
    outcome = seating.round.outcome or RoundOutcome.NO_BALLOTS
    text = t("nominations.told.failed", number=seating.round.id, why=t(f"nominations.state.{outcome.value}"))
    return text, [mrkdwn(text)]


def _term(notice: Notice, t: Translator, tz: tzinfo) -> tuple[str, list[Block]]:
    warning: TermWarning = notice.subject
    seat = warning.seat
    params = {
        "org": escape(seat.org.name if seat.org else "—"), "end": t.date(seat.term_end) if seat.term_end else "—",
        "count": warning.days_left, "user": seat.holder.slack_user_id,
    }  # fmt: skip
    text = t(f"nominations.told.{notice.occasion}", **params)
    return text, [mrkdwn(text)]


def _transfer(notice: Notice, t: Translator, tz: tzinfo) -> tuple[str, list[Block]]:
    transfer: Transfer = notice.subject
    to_new = notice.channel == transfer.new.slack_user_id
    text = t(
        "exec.told.transfer_in" if to_new else "exec.told.transfer_out", old=transfer.old.slack_user_id,
        new=transfer.new.slack_user_id, org=escape(transfer.seat.org.name if transfer.seat.org else "—"),
        end=t.date(transfer.seat.term_end) if transfer.seat.term_end else "—",
    )  # fmt: skip
    return text, [mrkdwn(text)]


_RENDERERS = {
    "ask": _ask, "accepted": _answer, "declined": _answer, "withdrawn": _answer, "ineligible": _answer,
    "closed": _closed, "statements": _statements, "result": _result, "seated": _seated, "failed": _failed,
    "term": _term, "transfer": _transfer,
}  # fmt: skip
