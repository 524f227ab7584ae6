"""The Executive Committee's seats in Block Kit: the roster of `/nls exec` (voting members with
organisation, region and term end; seats without a vote today; ex-officio members) and the
confirmed transfer of a seat to a colleague."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block

from bot.blocks import ids
from bot.blocks.common import Reply, context, escape, fit, header, mrkdwn
from bot.blocks.nominations.pieces import button, confirm, org_line
from bot.blocks.polls import sections
from bot.infra.i18n import Translator
from bot.services.terms import Roster, Seat, Transfer


def _seat_entry(seat: Seat, t: Translator, today: date) -> str:
    where = org_line(seat.org, t) if seat.org else "—"
    end = t.date(seat.term_end) if seat.term_end else "—"
    if seat.voting(today):
        return t("exec.roster.voting", user=seat.holder.slack_user_id, org=where, end=end)
    if seat.term_end is not None and seat.term_end < today:
        return t("exec.roster.ended", user=seat.holder.slack_user_id, org=where, end=end)
    return t("exec.roster.not_started", user=seat.holder.slack_user_id, org=where,
             start=t.date(seat.term_start) if seat.term_start else "—")  # fmt: skip


def roster_reply(roster: Roster, t: Translator, today: date) -> Reply:
    """Voting members with organisation, region and term end; seats without a vote today; and the
    ex-officio members, marked non-voting."""
    title = t("exec.roster.title")
    voting = sum(1 for s in roster.seats if s.voting(today))
    entries = [_seat_entry(s, t, today) for s in roster.seats]
    entries += [
        t("exec.roster.ex_officio", user=m.slack_user_id, org=org_line(m.org, t) if m.org else "—")
        for m in roster.ex_officio
    ]
    blocks: list[Block] = [header(title), context(t("exec.roster.count", count=voting))]
    blocks += sections(entries) if entries else [mrkdwn(t("exec.roster.none"))]
    blocks.append(context(t("exec.roster.hint")))
    return Reply(text=title, blocks=fit(blocks))


def transfer_preview(transfer: Transfer, t: Translator) -> Reply:
    """What the transfer will do, with the confirmed button that does it."""
    params = {
        "old": transfer.old.slack_user_id, "new": transfer.new.slack_user_id,
        "org": escape(transfer.seat.org.name if transfer.seat.org else "—"),
        "end": t.date(transfer.seat.term_end) if transfer.seat.term_end else "—",
    }  # fmt: skip
    text = t("exec.transfer.preview", **params)
    confirmed = button(
        t("exec.transfer.button"), ids.EXEC_TRANSFER, f"{transfer.old.slack_user_id}:{transfer.new.slack_user_id}",
        style="danger", confirm=confirm(t, "exec.transfer.confirm", danger=True, **params),
    )  # fmt: skip
    return Reply(text=text, blocks=[mrkdwn(text), ActionsBlock(elements=[confirmed])])


def transfer_done(transfer: Transfer, t: Translator) -> str:
    return t("exec.transfer.done", old=transfer.old.slack_user_id, new=transfer.new.slack_user_id,
             org=escape(transfer.seat.org.name if transfer.seat.org else "—"))  # fmt: skip
