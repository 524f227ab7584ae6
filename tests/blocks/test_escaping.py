"""User text can never ping, mention or disguise a link in anything the bot renders as mrkdwn.

Every public builder of `bot/blocks/*.py` is run with hostile text in every field a person wrote
(resource titles, descriptions and tags, poll questions and options, feedback, consultation titles,
questions and answers, nominee statements and reasons, plan items, notes and groups, organisation
and person names, search words…); the output is walked and no mrkdwn text (section text and
fields, context elements, confirm dialogs, the message's own `text`) may hold the hostile markup
raw. The bot's own mentions (`<@U…>` built from Slack ids) are fine; only the hostile strings
must not survive.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models import JsonObject
from slack_sdk.models.views import View

from bot.blocks import consultations as consult_blocks
from bot.blocks import digest as digest_blocks
from bot.blocks import facts as fact_blocks
from bot.blocks import feedback as feedback_blocks
from bot.blocks import help as help_blocks
from bot.blocks import home as home_blocks
from bot.blocks import members as member_blocks
from bot.blocks import nominations as nomination_blocks
from bot.blocks import plans as plan_blocks
from bot.blocks import polls as poll_blocks
from bot.blocks import resource_sources as resource_source_blocks
from bot.blocks import resources as resource_blocks
from bot.blocks.common import Reply
from bot.infra.i18n import Translator
from bot.services import consultations as consult
from bot.services import nominations as nom
from bot.services import plans, terms
from bot.services.contributions import Fact, HomeAction, HomeLink, NeedsYou, Section
from bot.services.counting import Count, Round
from bot.services.digest import LeadDigest, NetworkUpdate, Occasion, Recipient, Reminder
from bot.services.disclosure import Breakdown, Shown
from bot.services.errors import Mentions
from bot.services.feedback import Entry, FeedbackSummary, FormPlaces, Receipt
from bot.services.home import Committee, HomeData
from bot.services.members import Grant, Member, OrgInfo, OrgSummary
from bot.services.polls import OpenBallot, OriginCount, PollView, Results, Votable, Voter, VoteRecorded
from bot.services.polls import Recipient as PollRecipient
from bot.services.polls import Seat as OriginSeat
from bot.services.resources import Query, ResourceView, SearchPage
from bot.services.resources.sources import Flag
from models import OrgKind, Role
from models.feedback import Topic, Urgency, Voice
from models.nominations import ElectionMethod, NominationStatus, RoundOutcome, RoundStatus
from models.plans import ItemStatus
from models.polls import Electorate, PollKind, PollStatus, ResultsShown
from models.resources import ResourceKind, ResourceLanguage

HOSTILE = ("<https://evil.example|click>", "<!channel>", "<@U123>", "<!subteam^S1>")
EVIL = " ".join(HOSTILE)
# What must never be left raw in mrkdwn, even clipped: the opening of each hostile token.
RAW = ("<https://evil", "<!channel", "<@U123>", "<!subteam")

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
TODAY = NOW.date()
TZ = ZoneInfo("America/Toronto")


def evil(what: str) -> str:
    return f"{what} {EVIL}"


# --- walking the output --------------------------------------------------------------------------


def as_json(out: Any) -> Any:
    """Any builder's output as Slack would receive it. A Reply or a (text, blocks) pair is a
    message, whose top-level `text` Slack formats as mrkdwn too; a bare string is a message text."""
    if isinstance(out, Reply):
        return {"type": "message", "text": {"type": "mrkdwn", "text": out.text}, "blocks": out.blocks_dicts()}
    if isinstance(out, tuple) and len(out) == 2 and isinstance(out[0], str):
        return {"type": "message", "text": {"type": "mrkdwn", "text": out[0]}, "blocks": as_json(out[1])}
    if isinstance(out, str):
        return {"type": "mrkdwn", "text": out}
    if isinstance(out, JsonObject | View):
        return out.to_dict()
    if isinstance(out, list | tuple):
        return [as_json(o) for o in out]
    if isinstance(out, dict):
        return {k: as_json(v) for k, v in out.items()}
    return out


def mrkdwn_texts(node: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield path, node["text"]
        for key, value in node.items():
            yield from mrkdwn_texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from mrkdwn_texts(value, f"{path}[{n}]")


def raw_hostile(out: Any) -> list[str]:
    return [f"{path}: {text!r}" for path, text in mrkdwn_texts(as_json(out)) if any(r in text for r in RAW)]


def test_the_walk_finds_raw_markup_in_mrkdwn_and_ignores_plain_text():
    from bot.blocks.common import context, header, mrkdwn

    bad = Reply(text="ok", blocks=[header(EVIL), context("fine", EVIL)])
    assert raw_hostile(bad) == [f"$.blocks[1].elements[1]: {EVIL!r}"]
    assert raw_hostile(Reply(text=EVIL, blocks=[])) and raw_hostile(EVIL)
    assert raw_hostile(Reply(text="ok", blocks=[mrkdwn("<@UOWNER0001> <https://example.org|ok>")])) == []


# --- the data: every user-written field hostile ---------------------------------------------------

ORG = OrgInfo(1, evil("Toronto South LIP"), OrgKind.LIP, "ON", "ontario")
ORG_NORTH = OrgInfo(2, evil("Yukon ZIP"), OrgKind.ZIP, "YT", "north")


def member(n: int, *grants: Grant, org: OrgInfo | None = ORG) -> Member:
    return Member(n, f"UMEMBER{n:03d}", evil(f"Person {n}"), org, grants)


EXEC = member(
    1,
    Grant(Role.EXEC, 1, date(2025, 4, 1), date(2027, 3, 31)),
    Grant(Role.REP, 1),
    Grant(Role.EX_OFFICIO),
    Grant(Role.LEAD),
)
EX_OFFICIO = member(2, Grant(Role.EX_OFFICIO), org=None)
NEWCOMER = member(3, Grant(Role.EXEC, 2, date(2027, 4, 1), date(2029, 3, 31)), org=ORG_NORTH)

# Resources
RESOURCE = ResourceView(
    id=7,
    title=evil("Housing guide"),
    url="https://example.org/guide",
    description=evil("How to find a flat"),
    tags=(evil("housing"), "rent"),
    language=ResourceLanguage.BOTH,
    province="ON",
    kind=ResourceKind.GUIDE,
    owner_id="UOWNER0001",
    added_by="UOWNER0001",
    created_at=NOW - timedelta(days=400),
    updated_at=NOW - timedelta(days=400),
    review_by=TODAY - timedelta(days=3),
    retired=False,
)
RESOURCE_NO_URL = replace(RESOURCE, id=8, url=None, review_by=TODAY + timedelta(days=10))
QUERY = Query(terms=(EVIL, "housing"))
PAGE = SearchPage(
    query=QUERY,
    hits=(RESOURCE, RESOURCE_NO_URL),
    offset=0,
    has_more=True,
    mode="corrected",
    corrected=Query(terms=(evil("housin"),)),
)
EMPTY_PAGE = SearchPage(query=QUERY, hits=(), offset=0, has_more=False, mode="all")

# Polls
POLL = PollView(
    id=12,
    question=evil("Which day?"),
    options=(evil("Monday"), evil("Tuesday"), evil("Wednesday")),
    kind=PollKind.SINGLE,
    electorate=Electorate.NETWORK,
    status=PollStatus.OPEN,
    secret=True,
    results=ResultsShown.LIVE,
    max_choices=None,
    seats=1,
    quorum=5,
    tie_order=(2, 0, 1),
    locale="en",
    channel_id="CPOLLS001",
    message_ts="1700000000.000100",
    created_by="UCREATOR1",
    origin=None,
    created_at=NOW - timedelta(days=1),
    closes_at=NOW + timedelta(days=2),
    closed_at=None,
    closed_by=None,
)
POLL_OPEN = replace(POLL, secret=False)
POLL_MANY = replace(POLL, kind=PollKind.MULTIPLE, max_choices=2, options=tuple(evil(f"Option {n}") for n in range(12)))
POLL_RANKED = replace(POLL, kind=PollKind.STV, seats=2, electorate=Electorate.EXECUTIVE)
POLL_CLOSED = replace(POLL_RANKED, status=PollStatus.CLOSED, closed_at=NOW, closed_by="UCREATOR1")
POLL_CANCELLED = replace(POLL, status=PollStatus.CANCELLED, closed_at=NOW)
ROUNDS = (
    Round(1, (Fraction(5), Fraction(3), Fraction(2)), Fraction(0), elected=(0,)),
    Round(2, (None, Fraction(9, 2), Fraction(5, 2)), Fraction(1), surplus_of=0, excluded=(2,), tie_break="lot"),
)
COUNT = Count(PollKind.STV, ballots=10, votes=(5, 3, 2), winners=(0, 1), rounds=ROUNDS, quota=Fraction(10, 3), seats=2)
ORIGIN = OriginCount(
    seats=(
        OriginSeat(
            0,
            "kind:ZIP",
            Fact("nominations.result.reserved_seat", {"seat": Fact("nominations.reserved.kind", {"kind": EVIL})}),
        ),
    ),
    notes=(Fact("nominations.poll.counted", {"number": 4}), Fact("nominations.statements.reserved_first")),
)
RESULTS = Results(POLL_CLOSED, COUNT, electorate=20, voted=10, final=True, by_origin=ORIGIN)
TIED = Results(
    POLL_OPEN, Count(PollKind.SINGLE, ballots=4, votes=(2, 2, 0), tied=(0, 1)), electorate=20, voted=4, final=False
)
ORG_VOTER = Voter("org:1", 1, evil("Toronto South LIP"))
SEAT_VOTER = Voter("seat:1", 1, evil("Toronto South LIP"))

# Consultations
INFO = consult.Info(
    id=3,
    title=evil("Housing consultation"),
    status=consult.ConsultationStatus.OPEN,
    deadline=NOW + timedelta(days=10),
    created_by="ULEAD0001",
    questions=3,
)
Q_SHORT = consult.Question(consult.QuestionKind.SHORT, evil("What works?"), id=1, position=1)
Q_CHOICE = consult.Question(consult.QuestionKind.CHOICE, evil("Pick one"), (evil("Yes"), "No"), id=2, position=2)
Q_SCALE = consult.Question(consult.QuestionKind.SCALE, evil("How much?"), id=3, position=3)
CONSULT_RESULTS = consult.Results(
    INFO,
    orgs=(consult.OrgProgress(ORG, True, "UMEMBER001", NOW), consult.OrgProgress(ORG_NORTH, False)),
    questions=(
        consult.QuestionResult(Q_SHORT, {}, ((evil("Toronto South LIP"), evil("Answer")),) * 4, 4),
        consult.QuestionResult(Q_CHOICE, {evil("Yes"): 3, "No": 1}, (), 4),
        consult.QuestionResult(Q_SCALE, {"1": 1, "5": 3}, (), 4),
    ),
)

# Plans
TITLE = plans.Bilingual(en=evil("Direction"), fr=evil("Orientation"))
OBJECTIVE = plans.ObjectiveRef(1, 1, 2, plans.Bilingual(en=evil("Objective"), fr=evil("Objectif")))
OWNERS = (plans.Owner(1, "UOWNER0001", evil("Owner")), plans.Owner(2, "UOWNER0002", evil("Other")))
ITEM = plans.Item(
    id=5,
    title=evil("Hold a forum"),
    objective=OBJECTIVE,
    year="2026-27",
    owners=OWNERS,
    working_group=evil("Housing group"),
    start=TODAY - timedelta(days=30),
    due=TODAY - timedelta(days=2),
    status=ItemStatus.IN_PROGRESS,
    percent=40,
    notes=(
        plans.Note(NOW, "UOWNER0001", ItemStatus.IN_PROGRESS, 40, evil("Booked the hall")),
        plans.Note(NOW, None, ItemStatus.NOT_STARTED, 0, evil("Imported")),
    ),
)
DONE_ITEM = replace(ITEM, id=6, status=ItemStatus.DONE, percent=100)
TALLY = plans.Tally(total=2, done=1, in_progress=1, overdue=1, blocked=1, percent_sum=140)
PROGRESS = plans.PlanProgress(
    plan="2025-2028",
    years=("2026-27",),
    directions=(plans.DirectionProgress(1, TITLE, (plans.ObjectiveProgress(OBJECTIVE, TALLY, (ITEM, DONE_ITEM)),)),),
)
OWNER = Recipient("UOWNER0001", "en", TZ)
OCCASION = Occasion("weekly", TODAY, NOW)

# Contributions (Home, digest)
SECTION = Section(
    order=1,
    title=Fact("consult.digest.title"),
    headline=(
        Fact(
            "consult.fact.progress",
            {"number": 3, "title": EVIL, "responded": 1, "invited": 2, "deadline": "2026-12-05"},
        ),
    ),
    details=(Fact("polls.digest.closing", {"number": 12, "question": EVIL, "hours": 5, "voted": 3}),),
    more=Fact("consult.digest.more"),
)
HOME = HomeData(
    slack_user_id=EXEC.slack_user_id,
    member=EXEC,
    needs_you=(
        NeedsYou(
            Fact("polls.home.needs_org_vote", {"number": 12, "question": EVIL, "org": EVIL}),
            due=NOW + timedelta(hours=5),
            action=HomeAction.VOTE,
            action_label=Fact("polls.home.vote_button"),
            value="12",
        ),
        NeedsYou(Fact("consult.needs_you", {"title": EVIL, "org": EVIL}), due_day=TODAY - timedelta(days=1)),
    ),
    committee=Committee((EXEC, NEWCOMER), (EX_OFFICIO,)),
    network=(HomeLink(Fact("resources.home.newest", {"title": EVIL})),),
    find=(HomeLink(Fact("resources.home.newest_link", {"title": EVIL, "url": "https://example.org/x"})),),
    lead_stats=(SECTION,),
    contacts="",
)

# Nominations
ROUND = nom.RoundView(
    id=4,
    seats=3,
    reserved=(nom.Reservation("kind", "ZIP"), nom.Reservation("region", "north")),
    method=ElectionMethod.STV,
    term_years=2,
    channel_id="CEXEC0001",
    message_ts=None,
    locale="en",
    status=RoundStatus.OPEN,
    outcome=None,
    opened_by="UADMIN001",
    opened_at=NOW - timedelta(days=1),
    nominations_close_at=NOW + timedelta(days=7),
    election_closes_at=NOW + timedelta(days=14),
    nominations_closed_at=None,
    poll_id=None,
    ballot=(),
)
VOTING_ROUND = replace(ROUND, status=RoundStatus.VOTING, nominations_closed_at=NOW, poll_id=12)
ACCLAIMED_ROUND = replace(ROUND, status=RoundStatus.ACCLAMATION, nominations_closed_at=NOW)
ELECTED_ROUND = replace(ROUND, status=RoundStatus.DONE, outcome=RoundOutcome.ELECTED, poll_id=12)
NOMINATION = nom.NominationView(
    id=9,
    round_id=4,
    nominee_person_id=1,
    nominee_user_id=EXEC.slack_user_id,
    nominee_name=evil("Amina"),
    org=ORG,
    nominated_by="UNOMINATR",
    statement=evil("She knows the network") + "\n" + evil("and more"),
    status=NominationStatus.PENDING,
    reason=evil("Not a member"),
    created_at=NOW,
)
ACCEPTED = replace(NOMINATION, id=10, status=NominationStatus.ACCEPTED, nominated_by=EXEC.slack_user_id)
REVIEW = nom.Review(
    ROUND,
    (NOMINATION, ACCEPTED),
    nom.Coverage(
        regions=(("ontario", 2), ("north", 0)),
        kinds=((OrgKind.LIP, 2),),
        reserved=((nom.Reservation("kind", "ZIP"), 0),),
    ),
)
SEATING = nom.Seating(
    ELECTED_ROUND,
    filled=(nom.SeatFilled(ACCEPTED, nom.Reservation("kind", "ZIP"), date(2027, 4, 1), date(2029, 3, 31)),),
    notices=(),
)
SEAT = terms.Seat(EXEC, ORG, date(2025, 4, 1), date(2027, 3, 31))
ENDED_SEAT = terms.Seat(member(4, Grant(Role.EXEC, 1, date(2023, 4, 1), date(2025, 3, 31))), ORG, None, TODAY)
TRANSFER = terms.Transfer(EXEC, NEWCOMER, SEAT)

# Feedback
ENTRY = Entry(
    ref="FB-26-0001",
    received_on=TODAY,
    voice=Voice.ORGANISATION,
    topic=Topic.HOUSING,
    urgency=Urgency.URGENT,
    province="ON",
    region="ontario",
    text=evil("Rents doubled"),
    anonymous=False,
    submitted_by="USUBMIT01",
    organisation=evil("Toronto South LIP"),
    contact=evil("amina@example.org"),
)
ANONYMOUS_ENTRY = replace(ENTRY, ref="FB-26-0002", anonymous=True, submitted_by=None, names_someone=True)
FEW = Shown(None, 3)
SUMMARY = FeedbackSummary(
    since=TODAY - timedelta(days=7),
    total=Shown(5, 3),
    by_topic=Breakdown(((Topic.HOUSING, Shown(5, 3)),), other=FEW),
    by_region=Breakdown((("ontario", Shown(4, 3)), ("", Shown(3, 3)))),
    by_voice=Breakdown(((Voice.NEWCOMER, Shown(5, 3)),)),
    by_urgency=Breakdown(((Urgency.URGENT, Shown(5, 3)),)),
    recent=(ENTRY, ANONYMOUS_ENTRY),
)


@dataclass(frozen=True)
class Subcommand:
    usage: str
    help_key: str | None


# --- the builders --------------------------------------------------------------------------------

Build = Callable[[Translator], Any]


def _consult_notices(t: Translator) -> list[Any]:
    return [
        consult_blocks.notice_message(
            consult.Notice("k", "UREP00001", t.locale, occasion, INFO, evil("Toronto South LIP"), 1, 2), TZ
        )
        for occasion in ("invite", "3d", "1d", "closed")
    ]


def _nomination_notices(t: Translator) -> list[Any]:
    def notice(occasion: str, subject: Any, channel: str = "UNOMINATR") -> Any:
        return nomination_blocks.notice_message(terms.Notice("k", channel, t.locale, occasion, subject), TZ)

    warning = terms.TermWarning(SEAT, days_left=30, stage=1, to_holder=True)
    return [
        notice("ask", (ROUND, NOMINATION)),
        *(notice(o, (ROUND, replace(NOMINATION, status=NominationStatus(o)))) for o in ("accepted", "declined")),
        notice("withdrawn", (ROUND, NOMINATION)),
        notice("ineligible", (ROUND, NOMINATION)),
        notice("closed_voting", (VOTING_ROUND, (NOMINATION, ACCEPTED), POLL_RANKED)),
        notice("closed_acclamation", (ACCLAIMED_ROUND, (ACCEPTED,), None)),
        notice("closed_failed", (replace(ROUND, status=RoundStatus.FAILED), (), None)),
        notice("statements", (VOTING_ROUND, (NOMINATION, ACCEPTED))),
        notice("result", SEATING),
        notice("seated", SEATING, channel=ACCEPTED.nominee_user_id),
        notice("failed", replace(SEATING, round=replace(ROUND, outcome=RoundOutcome.NO_BALLOTS))),
        notice("term_holder", warning),
        notice("term_committee", replace(warning, to_holder=False)),
        notice("transfer", TRANSFER, channel=NEWCOMER.slack_user_id),
        notice("transfer", TRANSFER, channel=EXEC.slack_user_id),
    ]


BUILDERS: dict[str, Build] = {
    # resources
    "resources.resource_blocks": lambda t: resource_blocks.resource_blocks(RESOURCE, t, share=True, editable=True),
    "resources.search_reply": lambda t: [
        resource_blocks.search_reply(PAGE, t, editable=frozenset({7, 8})),
        resource_blocks.search_reply(replace(PAGE, mode="any"), t),
        resource_blocks.search_reply(EMPTY_PAGE, t),
    ],
    "resources.how_to_reply": lambda t: resource_blocks.how_to_reply(t, (EVIL, "housing")),
    "resources.thread_reply": lambda t: [
        resource_blocks.thread_reply(PAGE, t),
        resource_blocks.thread_reply(replace(PAGE, mode="all"), t),
        resource_blocks.thread_reply(EMPTY_PAGE, t),
    ],
    "resources.shared_reply": lambda t: resource_blocks.shared_reply(RESOURCE, t, "USHARER01"),
    "resources.form_view": lambda t: resource_blocks.form_view(
        t, values=resource_blocks.form_values(RESOURCE), owner_id="UOWNER0001", resource_id=7
    ),
    "resources.saved_reply": lambda t: [
        resource_blocks.saved_reply(RESOURCE, t, added=True),
        resource_blocks.saved_reply(RESOURCE_NO_URL, t, added=False),
    ],
    "resources.review_reply": lambda t: [
        resource_blocks.review_reply([RESOURCE, RESOURCE_NO_URL], t, TODAY),
        resource_blocks.review_reply([RESOURCE] * 14, t, TODAY, mine=True),
    ],
    "resources.review_blocks": lambda t: resource_blocks.review_blocks(RESOURCE, t, TODAY),
    "resource_sources.flag_reply": lambda t: [
        resource_source_blocks.flag_reply(Flag(RESOURCE, "deleted", "CGENERAL", "key"), t, TODAY),
        resource_source_blocks.flag_reply(Flag(RESOURCE, "edited", "CGENERAL", "key", kept=("title", "url")), t, TODAY),
    ],
    # polls
    "polls.poll_message": lambda t: [
        poll_blocks.poll_message(POLL, t, TZ),  # secret: one-click votes behind a confirm
        poll_blocks.poll_message(POLL_OPEN, t, TZ),
        poll_blocks.poll_message(POLL_MANY, t, TZ),
        poll_blocks.poll_message(replace(POLL, kind=PollKind.YES_NO, options=("yes", "no", "abstain")), t, TZ),
        poll_blocks.poll_message(POLL_CLOSED, t, TZ, results=RESULTS),
        poll_blocks.poll_message(POLL_CANCELLED, t, TZ),
    ],
    "polls.results_reply": lambda t: [
        poll_blocks.results_reply(RESULTS, t, TZ),
        poll_blocks.results_reply(TIED, t, TZ),
        poll_blocks.results_reply(replace(RESULTS, by_origin=None), t, TZ),
    ],
    "polls.turnout_reply": lambda t: poll_blocks.turnout_reply(POLL, 3, 20, t, TZ),
    "polls.voters_reply": lambda t: [
        poll_blocks.voters_reply(
            POLL_OPEN, [OpenBallot("org:1", "UVOTER001", evil("Toronto South LIP"), (0, 2), NOW)], t
        ),
        poll_blocks.voters_reply(
            replace(POLL_OPEN, kind=PollKind.RANKED), [OpenBallot("person:1", "UVOTER001", None, (2, 0), NOW)], t
        ),
    ],
    "polls.vote_reply": lambda t: [
        poll_blocks.vote_reply(VoteRecorded(POLL, ORG_VOTER, (1,), "recorded"), t),
        poll_blocks.vote_reply(VoteRecorded(POLL_MANY, SEAT_VOTER, (0, 3), "changed"), t),
    ],
    "polls.polls_list": lambda t: poll_blocks.polls_list(
        [Votable(POLL, ORG_VOTER, True), Votable(POLL_OPEN, SEAT_VOTER, False), Votable(POLL_MANY, Voter("p:1"), True)],
        t,
        NOW,
        TZ,
    ),
    "polls.reminder": lambda t: [
        poll_blocks.reminder(POLL, PollRecipient("UVOTER001", t.locale, evil("Toronto South LIP")), t, TZ),
        poll_blocks.reminder(POLL, PollRecipient("UVOTER001", t.locale), t, TZ),
    ],
    "polls.posted_reply": lambda t: poll_blocks.posted_reply(POLL, t),
    "polls.ballot_modal": lambda t: [
        poll_blocks.ballot_modal(POLL, ORG_VOTER, t, TZ, current=(1,)),
        poll_blocks.ballot_modal(POLL_MANY, SEAT_VOTER, t, TZ, current=(0, 11)),
        poll_blocks.ballot_modal(replace(POLL_MANY, kind=PollKind.RANKED), Voter("p:1"), t, TZ, current=(3, 1)),
    ],
    "polls.create_modal": lambda t: poll_blocks.create_modal(t, channel_id="CPOLLS001", now=NOW),
    "polls.vote_receipt_view": lambda t: poll_blocks.vote_receipt_view(
        VoteRecorded(POLL, ORG_VOTER, (2,), "unchanged"), t
    ),
    # consultations
    "consultations.start_modal": lambda t: consult_blocks.start_modal(t, today=TODAY),
    "consultations.started_view": lambda t: consult_blocks.started_view(
        consult.Started(INFO, (consult.Invitee("UREP00001", ORG),), organisations=1, skipped=1, without_rep=1), t, TZ
    ),
    "consultations.notice_message": _consult_notices,
    "consultations.questionnaire_modal": lambda t: consult_blocks.questionnaire_modal(
        consult.Questionnaire(
            INFO, (Q_SHORT, Q_CHOICE, Q_SCALE), ORG, {"1": evil("We"), "2": evil("Yes")}, "UREP00001", NOW
        ),
        t,
        TZ,
    ),
    "consultations.saved_view": lambda t: [
        consult_blocks.saved_view(consult.Saved(INFO, ORG, edited=edited), t, TZ) for edited in (True, False)
    ],
    "consultations.overview_reply": lambda t: consult_blocks.overview_reply(
        [consult.Open(INFO, False), consult.Open(INFO, True)], [consult.Progress(INFO, 1, 3)], t, TZ
    ),
    "consultations.results_reply": lambda t: consult_blocks.results_reply(CONSULT_RESULTS, t, TZ),
    # plans
    "plans.my_items_reply": lambda t: [
        plan_blocks.my_items_reply([ITEM, replace(ITEM, owners=OWNERS[:1]), DONE_ITEM], t, TODAY),
        plan_blocks.my_items_reply([], t, TODAY),
    ],
    "plans.progress_reply": lambda t: [
        plan_blocks.progress_reply(PROGRESS, t, TODAY),
        plan_blocks.progress_reply(PROGRESS, t, TODAY, direction=1),
    ],
    "plans.update_modal": lambda t: plan_blocks.update_modal(ITEM, t, TODAY, can_drop=True),
    "plans.add_modal": lambda t: plan_blocks.add_modal([plans.DirectionInfo(1, TITLE, (OBJECTIVE,))], t, TODAY),
    "plans.done_view": lambda t: [plan_blocks.done_view(ITEM, t, TODAY, added=a) for a in (True, False)],
    "plans.snoozed_text": lambda t: plan_blocks.snoozed_text(plans.Snoozed(ITEM, 7, NOW), t),
    "plans.reminder_reply": lambda t: [
        plan_blocks.reminder_reply(Reminder("k", item, OWNER, OCCASION), t, NOW)
        for item in (ITEM, replace(ITEM, due=TODAY + timedelta(days=5)), replace(ITEM, due=TODAY))
    ],
    # digest
    "digest.lead_digest_reply": lambda t: digest_blocks.lead_digest_reply(
        LeadDigest(
            "k",
            OWNER,
            OCCASION,
            NOW - timedelta(days=7),
            (SECTION,),
            plans.Attention(total=3, overdue=1, due_soon=1, blocked=1, items=(ITEM,)),
            PROGRESS,
        ),
        t,
        NOW,
    ),
    "digest.network_update_reply": lambda t: digest_blocks.network_update_reply(
        NetworkUpdate("k", "CNETWORK1", replace(OCCASION, kind="monthly"), PROGRESS, 1, (DONE_ITEM,)),
        t,
        Translator("fr"),
    ),
    # facts
    "facts.render_fact": lambda t: [fact_blocks.render_fact(f, t) for f in (*SECTION.headline, *SECTION.details)],
    "facts.section_blocks": lambda t: fact_blocks.section_blocks(SECTION, t),
    # feedback (read only here: the builders belong to someone else)
    "feedback.feedback_modal": lambda t: feedback_blocks.feedback_modal(
        t, FormPlaces(k=3, initial="ON", recorded_as={"PE": "atlantic", "NU": None})
    ),
    "feedback.receipt_view": lambda t: feedback_blocks.receipt_view(Receipt("FB-26-0001", True, TODAY), t),
    "feedback.entry_block": lambda t: [feedback_blocks.entry_block(e, t) for e in (ENTRY, ANONYMOUS_ENTRY)],
    "feedback.summary_reply": lambda t: feedback_blocks.summary_reply(SUMMARY, t),
    # help
    "help.help_reply": lambda t: help_blocks.help_reply(
        [Subcommand("find <words>", "resources.help.find"), Subcommand("hidden", None)], t, unknown=EVIL
    ),
    # home
    "home.home_view": lambda t: [
        home_blocks.home_view(HOME, t, NOW, TZ),
        home_blocks.home_view(replace(HOME, member=None, contacts=Mentions(("UADMIN001",))), t, NOW, TZ),
    ],
    "home.welcome_reply": lambda t: home_blocks.welcome_reply(t, Mentions(("UADMIN001",))),
    # members
    "members.whois_reply": lambda t: [
        member_blocks.whois_reply(m, t, TODAY) for m in (EXEC, EX_OFFICIO, NEWCOMER, member(5, org=ORG))
    ],
    "members.lips_reply": lambda t: [
        member_blocks.lips_reply([OrgSummary(ORG, EXEC, 3), OrgSummary(ORG_NORTH, None, 0)] * 15, t, province=province)
        for province in (None, "on")
    ],
    # nominations
    "nominations.round_modal": lambda t: nomination_blocks.round_modal(t, channel_id="CEXEC0001", now=NOW, tz=TZ),
    "nominations.round_message": lambda t: [
        nomination_blocks.round_message(r, t, TZ, now=NOW) for r in (ROUND, VOTING_ROUND, ELECTED_ROUND)
    ],
    "nominations.round_opened_view": lambda t: nomination_blocks.round_opened_view(ROUND, t),
    "nominations.nomination_modal": lambda t: nomination_blocks.nomination_modal(ROUND, t, TZ, nominee="UMEMBER001"),
    "nominations.nominated_view": lambda t: [nomination_blocks.nominated_view(n, t) for n in (NOMINATION, ACCEPTED)],
    "nominations.ineligible_modal": lambda t: nomination_blocks.ineligible_modal(NOMINATION, t),
    "nominations.ineligible_done_view": lambda t: nomination_blocks.ineligible_done_view(NOMINATION, t),
    "nominations.nomination_card": lambda t: [
        nomination_blocks.nomination_card(ROUND, n, t, TZ) for n in (NOMINATION, ACCEPTED)
    ],
    "nominations.nomination_reply": lambda t: nomination_blocks.nomination_reply(ROUND, NOMINATION, t, TZ),
    "nominations.answered_reply": lambda t: [
        nomination_blocks.answered_reply(n, t)
        for n in (ACCEPTED, replace(NOMINATION, status=NominationStatus.DECLINED))
    ],
    "nominations.withdrawn_reply": lambda t: nomination_blocks.withdrawn_reply(NOMINATION, t),
    "nominations.review_reply": lambda t: [
        nomination_blocks.review_reply(REVIEW, t, TZ, NOW),
        nomination_blocks.review_reply(replace(REVIEW, round=ACCLAIMED_ROUND), t, TZ, NOW),
        nomination_blocks.review_reply(replace(REVIEW, nominations=()), t, TZ, NOW),
    ],
    "nominations.no_round_reply": lambda t: nomination_blocks.no_round_reply(t),
    "nominations.notice_message": _nomination_notices,
    "nominations.roster_reply": lambda t: [
        nomination_blocks.roster_reply(
            terms.Roster(
                (SEAT, ENDED_SEAT, terms.Seat(NEWCOMER, ORG_NORTH, date(2027, 4, 1), None)), (EX_OFFICIO, EXEC)
            ),
            t,
            TODAY,
        ),
        nomination_blocks.roster_reply(terms.Roster((), ()), t, TODAY),
    ],
    "nominations.transfer_preview": lambda t: nomination_blocks.transfer_preview(TRANSFER, t),
    "nominations.transfer_done": lambda t: nomination_blocks.transfer_done(TRANSFER, t),
}

# Public functions that are pieces of the builders above (covered through them), take no user
# text, or are not renderers at all.
NOT_BUILDERS = {
    "common": {"escape", "link", "clip", "one_line", "header", "mrkdwn", "context", "divider", "bar", "fit", "lines"},
    "resources": {
        "inert", "title_line", "meta_line", "more_value", "parse_more_value", "values_from_message", "form_values",
        "read_form", "form_errors",  # modal errors: plain text
        "text_reply",  # wraps text its caller made
    },
    "polls": {"option_label", "choices_text", "tie_rule", "sections", "summary_line", "fact_text", "results_blocks",
              "voting_as"},
    "consultations": {"deadline_day", "until", "respond_button", "question_block"},
    "plans": {"status_label", "due_phrase", "item_line", "item_text", "update_button", "item_actions", "packed",
              "tally_text", "direction_heading"},
    "feedback": {"option", "text_input", "province_label", "place", "recorded_places", "done_view", "shown_count"},
    "members": {"role_label"},
    "resource_sources": {"source_metadata", "read_source"},  # the form's metadata: no text shown
    "nominations": {"reservation_label", "org_line", "round_facts", "round_state", "coverage_lines"},
}  # fmt: skip
MODULES = {
    "common": __import__("bot.blocks.common", fromlist=["_"]),
    "consultations": consult_blocks,
    "digest": digest_blocks,
    "facts": fact_blocks,
    "feedback": feedback_blocks,
    "help": help_blocks,
    "home": home_blocks,
    "members": member_blocks,
    "nominations": nomination_blocks,
    "plans": plan_blocks,
    "polls": poll_blocks,
    "resources": resource_blocks,
    "resource_sources": resource_source_blocks,
}
# User text these builders take is only shown in plain text (labels, headers, initial values) or
# they take none: they are walked all the same, but need not show the hostile text in mrkdwn.
NO_USER_MRKDWN = {
    "resources.form_view", "polls.create_modal", "consultations.start_modal", "plans.add_modal",
    "feedback.feedback_modal", "feedback.receipt_view", "home.welcome_reply", "nominations.round_modal",
    "nominations.round_opened_view", "nominations.nomination_modal", "nominations.nominated_view",
    "nominations.ineligible_done_view", "nominations.withdrawn_reply", "nominations.no_round_reply",
    "nominations.answered_reply", "nominations.round_message", "polls.posted_reply", "polls.turnout_reply",
}  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "fr"])
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_no_hostile_markup_survives_in_mrkdwn(name: str, locale: str):
    out = BUILDERS[name](Translator(locale))
    assert raw_hostile(out) == [], f"{name} renders user text raw in mrkdwn"
    if name not in NO_USER_MRKDWN:  # the hostile text did reach the output, made inert
        shown = [text for _, text in mrkdwn_texts(as_json(out))]
        assert any("&lt;!channel&gt;" in text for text in shown), f"{name}: no user text reached mrkdwn"


def test_the_retire_confirm_shows_the_title_as_typed_but_inert():
    (actions,) = [b for b in as_json(resource_blocks.resource_blocks(RESOURCE, Translator("en"), editable=True))
                  if b["type"] == "actions"]  # fmt: skip
    confirm = next(e["confirm"] for e in actions["elements"] if "confirm" in e)
    assert confirm["text"]["type"] == "mrkdwn"
    assert "&lt;https://evil.example|click&gt;" in confirm["text"]["text"]
    assert "&amp;lt;" not in json.dumps(confirm)  # escaped once, not twice


def test_every_public_builder_is_walked():
    """A new builder must join BUILDERS (or say why it is not one) so its user text is checked."""
    missing = []
    for short, module in MODULES.items():
        for fname, fn in inspect.getmembers(module, inspect.isfunction):
            # a package's builders are defined in its modules and re-exported by its __init__
            ours = fn.__module__ == module.__name__ or fn.__module__.startswith(f"{module.__name__}.")
            if not ours or fname.startswith("_"):
                continue
            if f"{short}.{fname}" not in BUILDERS and fname not in NOT_BUILDERS.get(short, set()):
                missing.append(f"{short}.{fname}")
    assert missing == []
