"""Polls in Block Kit: the creation modal, the poll message, the ballot, results, answers to voters.

Limits shape the design. A poll may have 50 options but a message only 50 blocks, so options are
listed as numbered lines in a few sections, and voting happens on a ballot modal (radio buttons or
checkboxes up to 10 options, selects beyond) opened by one button; short single-choice and yes/no
polls also get one-click buttons. Ranked ballots offer up to `RANK_INPUTS` preference selects
(a modal holds 100 blocks but 250 kB; `/nls vote N a b c …` ranks any number).

Question and options are user text: escaped wherever mrkdwn shows them, plain text elsewhere.

`pieces` holds what every surface shares; `message` the channel message; `results` counts and
turnout; `answers` the replies to voters; `forms` the ballot and creation modals, and which input
each of the domain's fields is drawn in (`FIELD_BLOCKS`).
"""

from __future__ import annotations

from bot.blocks.polls.answers import polls_list, posted_reply, reminder, vote_reply, voting_as
from bot.blocks.polls.forms import (
    CREATE_KINDS,
    FIELD_BLOCKS,
    OPTIONS_TEXT_LIMIT,
    RANK_INPUTS,
    SMALL_CHOICE,
    ballot_modal,
    create_modal,
    vote_receipt_view,
)
from bot.blocks.polls.message import QUICK_BUTTONS, poll_message
from bot.blocks.polls.pieces import SECTION_BUDGET, choices_text, option_label, sections, tie_rule
from bot.blocks.polls.results import (
    fact_text,
    results_blocks,
    results_reply,
    summary_line,
    turnout_reply,
    voters_reply,
)

__all__ = [
    "CREATE_KINDS",
    "FIELD_BLOCKS",
    "OPTIONS_TEXT_LIMIT",
    "QUICK_BUTTONS",
    "RANK_INPUTS",
    "SECTION_BUDGET",
    "SMALL_CHOICE",
    "ballot_modal",
    "choices_text",
    "create_modal",
    "fact_text",
    "option_label",
    "poll_message",
    "polls_list",
    "posted_reply",
    "reminder",
    "results_blocks",
    "results_reply",
    "sections",
    "summary_line",
    "tie_rule",
    "turnout_reply",
    "vote_receipt_view",
    "vote_reply",
    "voters_reply",
    "voting_as",
]
