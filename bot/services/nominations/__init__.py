"""Open nominations and elections for the Executive Committee.

The strategic plan: representatives "are selected by an independent LIP/ZIP Nominations Committee
following an open nominations process and serve for a two-year term". The cycle, every rule of it
here so a button, a command, the job and the shell are covered by one check:

1. The Nominations Committee (or an admin) opens a round (`rounds`): seats, seats reserved by
   region or kind, the nomination and election deadlines, the term length, the channel. One round
   runs at a time.
2. Any LIP/ZIP staff member nominates a member organisation's staff member (or themselves) with a
   statement (`nominating`, which says who is not eligible and why).
3. The nominee accepts or declines; only accepted nominations go forward. The committee may mark a
   nomination ineligible, with a reason the nominee is told (`answers`), weighing the slate's
   coverage of the network (`review`).
4. At the nomination deadline (the job) or when the committee closes it, exactly once (a
   conditional UPDATE decides, `closing`): no accepted nominee → the round fails; no more than
   seats → the committee may acclaim them; more → a secret, network-electorate election poll on
   the poll engine (`elections`).
5. When that poll has closed, exactly once: reserved seats are filled first (`tally.fill_seats`),
   the winners take their organisations' seats for the round's term (`results`, `bot.services.terms`).

Concurrency: everything that changes a round's nominations first locks the round row (FOR UPDATE
on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE), and closing is an UPDATE of that
row, so no nomination or acceptance lands after the close, and the checks see a stable round.
The schema backs the rules (one person and one organisation per round, one round at a time).

This package's surface is what callers use; importing it registers the election count with the
poll engine (`tally`) and the Home and digest contributors (`home`).
"""

from __future__ import annotations

from bot.services.nominations.answers import MAX_CANDIDATES, REASON_LIMIT, mark_ineligible, respond, withdraw
from bot.services.nominations.closing import close_due, close_nominations
from bot.services.nominations.contributors import (
    nominations_to_answer,
    open_round_link,
    rounds_digest,
    rounds_to_acclaim,
)
from bot.services.nominations.elections import (
    ORIGIN,
    POLL_KINDS,
    UNPOSTED_GRACE,
    ballot_nominations,
    candidate_label,
    origin_of,
    statements_notice,
    unposted_elections,
)
from bot.services.nominations.fields import NominationField
from bot.services.nominations.nominating import (
    RENEWAL_WINDOW,
    STATEMENT_LIMIT,
    check_can_nominate,
    check_nominee,
    clean_statement,
    nominate,
)
from bot.services.nominations.permissions import may_run, require_committee, require_staff
from bot.services.nominations.reading import active_round, get_nomination, get_round, latest_round, nominations_in
from bot.services.nominations.results import acclaim, seat_due
from bot.services.nominations.reviewing import coverage, review
from bot.services.nominations.rounds import (
    LONGEST_ROUND,
    MAX_SEATS,
    MAX_TERM_YEARS,
    MIN_ELECTION,
    open_round,
    set_round_message,
    validate_round,
    withdraw_unposted,
)
from bot.services.nominations.shapes import (
    RESERVATIONS,
    Closing,
    Coverage,
    NominationView,
    Reservation,
    Review,
    RoundSpec,
    RoundView,
    SeatFilled,
    Seating,
    reservation,
)
from bot.services.nominations.tally import count_election, fill_seats, reservation_fact
from models.nominations import ElectionMethod, NominationStatus, RoundOutcome, RoundStatus

__all__ = [
    "LONGEST_ROUND",
    "MAX_CANDIDATES",
    "MAX_SEATS",
    "MAX_TERM_YEARS",
    "MIN_ELECTION",
    "ORIGIN",
    "POLL_KINDS",
    "REASON_LIMIT",
    "RENEWAL_WINDOW",
    "RESERVATIONS",
    "STATEMENT_LIMIT",
    "UNPOSTED_GRACE",
    "Closing",
    "Coverage",
    "ElectionMethod",
    "NominationField",
    "NominationStatus",
    "NominationView",
    "Reservation",
    "Review",
    "RoundOutcome",
    "RoundSpec",
    "RoundStatus",
    "RoundView",
    "SeatFilled",
    "Seating",
    "acclaim",
    "active_round",
    "ballot_nominations",
    "candidate_label",
    "check_can_nominate",
    "check_nominee",
    "clean_statement",
    "close_due",
    "close_nominations",
    "count_election",
    "coverage",
    "fill_seats",
    "get_nomination",
    "get_round",
    "latest_round",
    "mark_ineligible",
    "may_run",
    "nominate",
    "nominations_in",
    "nominations_to_answer",
    "open_round",
    "open_round_link",
    "origin_of",
    "require_committee",
    "require_staff",
    "reservation",
    "reservation_fact",
    "respond",
    "review",
    "rounds_digest",
    "rounds_to_acclaim",
    "seat_due",
    "set_round_message",
    "statements_notice",
    "unposted_elections",
    "validate_round",
    "withdraw",
    "withdraw_unposted",
]
