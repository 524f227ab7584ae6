"""Nominations and the Executive Committee in Block Kit: the round modal and announcement, the
nomination modal, the nominee's DM, the committee's review, the messages owed (`Notice`s), the
roster of `/nls exec` and the transfer confirmation.

Statements, reasons, names and organisation names are user text: escaped wherever mrkdwn shows
them. Buttons carry ids only; what they do is re-checked by the service whoever presses them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
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
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.common import Reply, clip, context, escape, fit, header, lines, mrkdwn
from bot.blocks.polls import sections
from bot.infra.i18n import Translator
from bot.services import nominations, terms
from bot.services.members import OrgInfo
from bot.services.nominations import (
    RESERVATIONS,
    NominationView,
    Reservation,
    Review,
    RoundView,
    SeatFilled,
    Seating,
)
from bot.services.terms import Notice, Roster, Seat, TermWarning, Transfer
from models.nominations import ElectionMethod, NominationStatus, RoundOutcome, RoundStatus

STATEMENT_PREVIEW = 600  # characters of a statement in the committee's list
ROUND_DEFAULT_DAYS = (14, 21)  # default nomination and election deadlines, days from now, at 17:00


# --- small pieces -------------------------------------------------------------------------------


def _at(value: datetime, t: Translator, tz: tzinfo) -> str:
    return f"{t.short_datetime(value, tz)} ({value.astimezone(tz).tzname()})"


def _button(text: str, action_id: str, value: str, **kwargs: Any) -> ButtonElement:
    return ButtonElement(text=clip(text, 75), action_id=action_id, value=value, **kwargs)


def _confirm(t: Translator, key: str, *, danger: bool = False, **params: Any) -> ConfirmObject:
    """A Block Kit confirmation from `<key>_title`, `<key>_text` and `<key>_ok`."""
    return ConfirmObject(
        title=clip(t(f"{key}_title", **params), 100), text=clip(t(f"{key}_text", **params), 300),
        confirm=clip(t(f"{key}_ok", **params), 30), deny=clip(t("nominations.confirm.back"), 30),
        style="danger" if danger else None,
    )  # fmt: skip


def reservation_label(reserved: Reservation, t: Translator) -> str:
    if reserved.by == "region":
        return t("nominations.reserved.region", region=t.choice("regions", reserved.value))
    return t("nominations.reserved.kind", kind=reserved.value)


def org_line(org: OrgInfo, t: Translator) -> str:
    """`Halifax LIP (LIP, Atlantic)`, escaped."""
    return t("nominations.org", org=escape(org.name), kind=org.kind.value, region=t.choice("regions", org.region))


def _who(nomination: NominationView, t: Translator) -> str:
    return f"*{escape(nomination.nominee_name)}* (<@{nomination.nominee_user_id}>) — {org_line(nomination.org, t)}"


def _quote(text: str, limit: int = nominations.STATEMENT_LIMIT) -> str:
    return "\n".join(f"> {line}" for line in escape(clip(text, limit)).splitlines() if line.strip()) or "> —"


def round_facts(round_: RoundView, t: Translator, tz: tzinfo) -> list[str]:
    """Seats, reservations, method, term and the two deadlines, one per line."""
    facts = [t("nominations.round.seats", count=round_.seats)]
    if round_.reserved:
        facts.append(t("nominations.round.reserved", seats=", ".join(reservation_label(r, t) for r in round_.reserved)))
    facts += [
        t(f"nominations.method.{round_.method.value}"),
        t("nominations.round.term", count=round_.term_years),
        t("nominations.round.nominations_close", when=_at(round_.nominations_close_at, t, tz)),
        t("nominations.round.election_closes", when=_at(round_.election_closes_at, t, tz)),
    ]
    return facts


# --- the round: modal and announcement ------------------------------------------------------------


def _input(block_id: str, label: str, element: Any, *, hint: str | None = None, optional: bool = False) -> InputBlock:
    return InputBlock(block_id=block_id, label=clip(label, 2000), element=element, hint=hint, optional=optional)


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
        _input(
            ids.ROUND_F_SEATS, t("nominations.form.seats"),
            NumberInputElement(action_id=ids.ROUND_F_SEATS, is_decimal_allowed=False, min_value=1,
                               max_value=nominations.MAX_SEATS, initial_value=3),
        ),
        _input(
            ids.ROUND_F_RESERVED, t("nominations.form.reserved"),
            StaticMultiSelectElement(action_id=ids.ROUND_F_RESERVED, options=reserved,
                                     placeholder=clip(t("nominations.form.reserved_placeholder"), 150)),
            hint=t("nominations.form.reserved_hint"), optional=True,
        ),
        _input(ids.ROUND_F_METHOD, t("nominations.form.method"),
               RadioButtonsElement(action_id=ids.ROUND_F_METHOD, options=methods, initial_option=methods[0])),
        _input(
            ids.ROUND_F_NOMINATIONS_CLOSE, t("nominations.form.nominations_close"),
            DateTimePickerElement(action_id=ids.ROUND_F_NOMINATIONS_CLOSE,
                                  initial_date_time=_deadline(now, tz, nominations_days)),
        ),
        _input(
            ids.ROUND_F_ELECTION_CLOSE, t("nominations.form.election_close"),
            DateTimePickerElement(action_id=ids.ROUND_F_ELECTION_CLOSE, initial_date_time=_deadline(now, tz, election_days)),
            hint=t("nominations.form.election_close_hint"),
        ),
        _input(
            ids.ROUND_F_TERM, t("nominations.form.term"),
            NumberInputElement(action_id=ids.ROUND_F_TERM, is_decimal_allowed=False, min_value=1,
                               max_value=nominations.MAX_TERM_YEARS, initial_value=terms.DEFAULT_TERM_YEARS),
        ),
        _input(
            ids.ROUND_F_CHANNEL, t("nominations.form.channel"),
            ConversationSelectElement(
                action_id=ids.ROUND_F_CHANNEL, initial_conversation=channel_id,
                default_to_current_conversation=channel_id is None,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
            hint=t("nominations.form.channel_hint"),
        ),
    ]  # fmt: skip
    return View(
        type="modal", callback_id=ids.ROUND_FORM, title=clip(t("nominations.form.title"), 24),
        submit=clip(t("nominations.form.submit"), 24), close=clip(t("nominations.form.close"), 24), blocks=blocks,
    )  # fmt: skip


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
        blocks.append(ActionsBlock(elements=[_button(t("nominations.btn.nominate"), ids.NOMINATE, str(round_.id),
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
    return _done_view(t, t("nominations.done.round_opened", number=round_.id, channel=round_.channel_id))


def _done_view(t: Translator, text: str) -> View:
    return View(
        type="modal", callback_id=ids.NOMINATION_DONE, title=clip(t("nominations.form.done_title"), 24),
        close=clip(t("nominations.form.done_close"), 24), blocks=[mrkdwn(text)],
    )  # fmt: skip


# --- nominating ---------------------------------------------------------------------------------


def nomination_modal(round_: RoundView, t: Translator, tz: tzinfo, *, nominee: str | None = None) -> View:
    """Whom, and a short statement of why (shown to the nominee, the committee and, on the ballot's
    thread, every voter)."""
    blocks: list[Block] = [
        mrkdwn(t("nominations.nominate.intro", number=round_.id)),
        context(t("nominations.round.nominations_close", when=_at(round_.nominations_close_at, t, tz)),
                t("nominations.round.rules")),
        _input(ids.NOMINATION_F_NOMINEE, t("nominations.nominate.nominee"),
               UserSelectElement(action_id=ids.NOMINATION_F_NOMINEE, initial_user=nominee,
                                 placeholder=clip(t("nominations.nominate.nominee_placeholder"), 150)),
               hint=t("nominations.nominate.nominee_hint")),
        _input(ids.NOMINATION_F_STATEMENT, t("nominations.nominate.statement"),
               PlainTextInputElement(action_id=ids.NOMINATION_F_STATEMENT, multiline=True,
                                     max_length=nominations.STATEMENT_LIMIT),
               hint=t("nominations.nominate.statement_hint", limit=nominations.STATEMENT_LIMIT)),
    ]  # fmt: skip
    return View(
        type="modal", callback_id=ids.NOMINATION_FORM, private_metadata=str(round_.id),
        title=clip(t("nominations.nominate.title"), 24), submit=clip(t("nominations.nominate.submit"), 24),
        close=clip(t("nominations.form.close"), 24), blocks=blocks,
    )  # fmt: skip


def nominated_view(nomination: NominationView, t: Translator) -> View:
    key = "nominations.done.nominated_self" if nomination.self_nominated else "nominations.done.nominated"
    return _done_view(t, t(key, user=nomination.nominee_user_id, number=nomination.round_id))


def ineligible_modal(nomination: NominationView, t: Translator) -> View:
    blocks: list[Block] = [
        mrkdwn(_who(nomination, t)),
        _input(ids.NOMINATION_F_REASON, t("nominations.ineligible.reason"),
               PlainTextInputElement(action_id=ids.NOMINATION_F_REASON, multiline=True,
                                     max_length=nominations.REASON_LIMIT),
               hint=t("nominations.ineligible.reason_hint")),
    ]  # fmt: skip
    return View(
        type="modal", callback_id=ids.NOMINATION_INELIGIBLE_FORM, private_metadata=str(nomination.id),
        title=clip(t("nominations.ineligible.title"), 24), submit=clip(t("nominations.ineligible.submit"), 24),
        close=clip(t("nominations.form.close"), 24), blocks=blocks,
    )  # fmt: skip


def ineligible_done_view(nomination: NominationView, t: Translator) -> View:
    return _done_view(t, t("nominations.done.ineligible", user=nomination.nominee_user_id))


# --- the nominee's side -------------------------------------------------------------------------


def nomination_card(round_: RoundView, nomination: NominationView, t: Translator, tz: tzinfo) -> list[Block]:
    """What the nominee reads before answering: who nominated them, the statement, the round, and
    Accept / Decline."""
    key = "nominations.ask.self" if nomination.self_nominated else "nominations.ask.other"
    blocks: list[Block] = [
        mrkdwn(t(key, nominator=nomination.nominated_by, number=round_.id, org=escape(nomination.org.name))),
        mrkdwn(_quote(nomination.statement)),
        context(*round_facts(round_, t, tz)),
    ]
    if nomination.status is NominationStatus.PENDING:
        blocks.append(
            ActionsBlock(
                elements=[
                    _button(t("nominations.btn.accept"), ids.NOMINATION_ACCEPT, str(nomination.id), style="primary"),
                    _button(t("nominations.btn.decline"), ids.NOMINATION_DECLINE, str(nomination.id),
                            confirm=_confirm(t, "nominations.confirm.decline")),
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
    return _button(t("nominations.btn.withdraw"), ids.NOMINATION_WITHDRAW, str(nomination.id),
                   confirm=_confirm(t, "nominations.confirm.withdraw", danger=True))  # fmt: skip


def withdrawn_reply(nomination: NominationView, t: Translator) -> str:
    return t("nominations.answered.withdrawn", user=nomination.nominee_user_id, number=nomination.round_id)


# --- the committee's review --------------------------------------------------------------------------


def coverage_lines(review: Review, t: Translator) -> list[str]:
    cover = review.coverage
    regions = " · ".join(f"{t.choice('regions', r)} {n}" for r, n in cover.regions)
    kinds = " · ".join(f"{k.value} {n}" for k, n in cover.kinds)
    out = [t("nominations.review.regions", regions=regions), t("nominations.review.kinds", kinds=kinds)]
    out += [t("nominations.review.reserved", seat=reservation_label(r, t), count=n) for r, n in cover.reserved]
    uncovered = [t.choice("regions", r) for r, n in cover.regions if n == 0]
    if uncovered:
        out.append(t("nominations.review.uncovered", regions=", ".join(uncovered)))
    return out


def _review_entry(round_: RoundView, nomination: NominationView, t: Translator, now: datetime) -> SectionBlock:
    status = t(f"nominations.status.{nomination.status.value}")
    if nomination.reason:
        status += " — " + escape(nomination.reason)
    text = lines([
        f"{_who(nomination, t)}", f"_{status}_ · {t('nominations.review.nominated_by', user=nomination.nominated_by)}",
        _quote(nomination.statement, STATEMENT_PREVIEW),
    ])  # fmt: skip
    accessory = None
    if nomination.status in (NominationStatus.PENDING, NominationStatus.ACCEPTED) and round_.taking_nominations(now):
        accessory = _button(t("nominations.btn.ineligible"), ids.NOMINATION_INELIGIBLE, str(nomination.id))
    return SectionBlock(text=clip(text, 3000), accessory=accessory)


def review_reply(review: Review, t: Translator, tz: tzinfo, now: datetime) -> Reply:
    """Nominees with statements, organisations and regions, the slate's coverage, and the
    committee's buttons (mark ineligible; close now; acclaim)."""
    round_ = review.round
    title = t("nominations.review.title", number=round_.id)
    blocks: list[Block] = [
        header(title),
        mrkdwn(f"*{round_state(round_, t)}*\n" + lines(round_facts(round_, t, tz))),
        mrkdwn(
            t("nominations.review.slate", accepted=len(review.accepted), count=round_.seats,
              total=len(review.nominations))
            + "\n" + lines(coverage_lines(review, t))
        ),
    ]  # fmt: skip
    actions = _review_actions(review, t, now)
    if actions:
        blocks.append(ActionsBlock(elements=actions))
    entries = [_review_entry(round_, n, t, now) for n in review.nominations]
    if not entries:
        blocks.append(context(t("nominations.review.none")))
    blocks += entries
    return Reply(text=title, blocks=fit(blocks, context(t("nominations.review.more"))))


def _review_actions(review: Review, t: Translator, now: datetime) -> list[ButtonElement]:
    round_, value = review.round, str(review.round.id)
    if round_.taking_nominations(now):
        return [_button(t("nominations.btn.close"), ids.NOMINATIONS_CLOSE, value,
                        confirm=_confirm(t, "nominations.confirm.close", number=round_.id))]  # fmt: skip
    if round_.status is RoundStatus.ACCLAMATION:
        return [_button(t("nominations.btn.acclaim"), ids.NOMINATIONS_ACCLAIM, value, style="primary",
                        confirm=_confirm(t, "nominations.confirm.acclaim", number=round_.id,
                                         count=len(review.accepted)))]  # fmt: skip
    return []


def no_round_reply(t: Translator) -> str:
    return t("nominations.review.no_round")


# --- messages owed ------------------------------------------------------------------------------------


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
        blocks.append(mrkdwn(lines(f"• {_who(n, t)}" for n in nominees)))
    if round_.status is RoundStatus.ACCLAMATION:
        blocks.append(ActionsBlock(elements=[_button(t("nominations.btn.review"), ids.NOMINATIONS_REVIEW,
                                                     str(round_.id), style="primary")]))  # fmt: skip
    return text, blocks


def _statements(notice: Notice, t: Translator, tz: tzinfo) -> tuple[str, list[Block]]:
    """In the election poll's thread: every candidate with their statement."""
    round_, nominees = notice.subject
    title = t("nominations.statements.title", number=round_.id)
    entries = [f"*{n + 1}.* {_who(nom, t)}\n{_quote(nom.statement)}" for n, nom in enumerate(nominees)]
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


# --- /nls exec ----------------------------------------------------------------------------------------


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
    button = _button(
        t("exec.transfer.button"), ids.EXEC_TRANSFER, f"{transfer.old.slack_user_id}:{transfer.new.slack_user_id}",
        style="danger", confirm=_confirm(t, "exec.transfer.confirm", danger=True, **params),
    )  # fmt: skip
    return Reply(text=text, blocks=[mrkdwn(text), ActionsBlock(elements=[button])])


def transfer_done(transfer: Transfer, t: Translator) -> str:
    return t("exec.transfer.done", old=transfer.old.slack_user_id, new=transfer.new.slack_user_id,
             org=escape(transfer.seat.org.name if transfer.seat.org else "—"))  # fmt: skip
