"""Polls and votes: who may create, who may vote, one ballot per voter, secrecy, closing, results.

Every way in (a button, `/nls vote`, the ballot modal, a scheduled job, the CLI, the elections of
`bot.services.nominations`) calls these functions, so one check covers them all. This file is the
feature's public surface; each concern has its module:

- `records`: a poll as read (`PollView`) and the reads of its row;
- `creation`: the rules a new poll meets, and opening it;
- `electorates`: who may create, vote (and as whom) and manage, and how many could vote;
- `ballots`: casting, changing and reading ballots, one per voter;
- `secrecy`: a secret poll's sealed ballots opened and unlinked from their voters at close;
- `results`: counts live and frozen, turnout; `origins`: counts by the rule of the feature that
  opened the poll (an election's reserved seats);
- `lifecycle`: the poll's message, closing exactly once, cancelling;
- `reminders`: non-voters reminded once; `home`: what a person can vote in, the Home and the
  leads' digest (its contributors register on import); `export`: the operator's export.

The vocabulary builders and listeners need (kinds, electorates, statuses, when results show, the
form's fields) is exported from here, so they never import the models.
"""

from __future__ import annotations

from bot.services.polls.ballots import (
    YES_NO_WORDS,
    OpenBallot,
    VoteRecorded,
    cast_vote,
    check_choices,
    my_vote,
    open_ballots,
    parse_choices,
    who_voted_what,
)
from bot.services.polls.contributors import Votable, polls_closing_soon, polls_to_vote_in, votable
from bot.services.polls.creation import (
    LONGEST_POLL,
    MANY_KINDS,
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_LIMIT,
    QUESTION_LIMIT,
    YES_NO_OPTIONS,
    PollSpec,
    create_poll,
    create_system_poll,
    option_lines,
    validate_spec,
)
from bot.services.polls.electorates import Voter, may_create, require_manager, require_voter, voter_for
from bot.services.polls.export import ExportRow, export_open_ballots, export_results
from bot.services.polls.fields import PollField
from bot.services.polls.lifecycle import (
    Closing,
    cancel_poll,
    close_due,
    close_poll,
    mark_message_current,
    set_message,
    stale_messages,
    withdraw_unposted,
)
from bot.services.polls.origins import ORIGIN_COUNTERS, OriginCount, OriginCounter, Seat, origin_count
from bot.services.polls.records import RANKED_KINDS, PollView, get_poll, polls_by_origin
from bot.services.polls.reminders import (
    REMIND_BEFORE,
    Recipient,
    Render,
    claim_auto_reminders,
    non_voters,
    queue_reminders,
    remind_now,
    reminder_key,
)
from bot.services.polls.secrecy import SEALED_TABLES
from bot.services.polls.tallies import Results, closed_ballots, final_results, results, turnout
from models.polls import Electorate, PollKind, PollStatus, ResultsShown

__all__ = [
    "LONGEST_POLL",
    "MANY_KINDS",
    "MAX_OPTIONS",
    "MIN_OPTIONS",
    "OPTION_LIMIT",
    "ORIGIN_COUNTERS",
    "QUESTION_LIMIT",
    "RANKED_KINDS",
    "REMIND_BEFORE",
    "SEALED_TABLES",
    "YES_NO_OPTIONS",
    "YES_NO_WORDS",
    "Closing",
    "Electorate",
    "ExportRow",
    "OpenBallot",
    "OriginCount",
    "OriginCounter",
    "PollField",
    "PollKind",
    "PollSpec",
    "PollStatus",
    "PollView",
    "Recipient",
    "Render",
    "Results",
    "ResultsShown",
    "Seat",
    "Votable",
    "VoteRecorded",
    "Voter",
    "cancel_poll",
    "cast_vote",
    "check_choices",
    "claim_auto_reminders",
    "close_due",
    "close_poll",
    "closed_ballots",
    "create_poll",
    "create_system_poll",
    "export_open_ballots",
    "export_results",
    "final_results",
    "get_poll",
    "mark_message_current",
    "may_create",
    "my_vote",
    "non_voters",
    "open_ballots",
    "option_lines",
    "origin_count",
    "parse_choices",
    "polls_by_origin",
    "polls_closing_soon",
    "polls_to_vote_in",
    "queue_reminders",
    "remind_now",
    "reminder_key",
    "require_manager",
    "require_voter",
    "results",
    "set_message",
    "stale_messages",
    "turnout",
    "validate_spec",
    "votable",
    "voter_for",
    "who_voted_what",
    "withdraw_unposted",
]
