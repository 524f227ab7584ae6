"""Nominations and the Executive Committee in Block Kit: the round modal and announcement
(`rounds`), the nomination modal, the nominee's card and the reason modal (`nominating`), the
committee's review (`review`), the messages owed (`notices`), and the roster of `/nls exec` with
the transfer confirmation (`seats`).

Statements, reasons, names and organisation names are user text: escaped wherever mrkdwn shows
them. Buttons carry ids only; what they do is re-checked by the service whoever presses them.
Builders take what `bot.services.nominations` and `bot.services.terms` return, never rows.
"""

from __future__ import annotations

from bot.blocks.nominations.nominating import (
    answered_reply,
    ineligible_done_view,
    ineligible_modal,
    nominated_view,
    nomination_card,
    nomination_modal,
    nomination_reply,
    withdrawn_reply,
)
from bot.blocks.nominations.notices import notice_message
from bot.blocks.nominations.pieces import org_line, reservation_label, round_facts
from bot.blocks.nominations.review import STATEMENT_PREVIEW, coverage_lines, no_round_reply, review_reply
from bot.blocks.nominations.rounds import (
    ROUND_DEFAULT_DAYS,
    round_message,
    round_modal,
    round_opened_view,
    round_state,
)
from bot.blocks.nominations.seats import roster_reply, transfer_done, transfer_preview

__all__ = [
    "ROUND_DEFAULT_DAYS",
    "STATEMENT_PREVIEW",
    "answered_reply",
    "coverage_lines",
    "ineligible_done_view",
    "ineligible_modal",
    "no_round_reply",
    "nominated_view",
    "nomination_card",
    "nomination_modal",
    "nomination_reply",
    "notice_message",
    "org_line",
    "reservation_label",
    "review_reply",
    "roster_reply",
    "round_facts",
    "round_message",
    "round_modal",
    "round_opened_view",
    "round_state",
    "transfer_done",
    "transfer_preview",
    "withdrawn_reply",
]
