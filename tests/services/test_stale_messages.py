"""What a reinstall drops of the parked messages (bot.services.stale_messages), by kind of
occasion, on both databases: an owner's reminder before the due date is stale once the date went
by or the item is done; an overdue one is not; a digest of a past week and a past month's network
update are stale; a message of no known kind never is."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update

from bot.services import stale_messages
from bot.services.digest import Occasion, digest_key, network_key, reminder_key
from models.feedback import Audience, Consultation, ConsultationStatus
from models.nominations import NominationRound, RoundStatus
from models.plans import ItemStatus
from tests.support.directory import LEAD, REP_TORONTO, load_directory
from tests.support.nominations import load_orgs, nominate, open_round
from tests.support.plans import action, add_actions, load_plan
from tests.support.polls import rep_id

TODAY = date(2026, 3, 25)
NOW = datetime(2026, 3, 25, 15, 0, tzinfo=UTC)


async def test_each_kind_of_parked_message_is_judged_by_its_occasion(deps):
    await load_directory(deps)
    await load_plan(deps)
    items = await add_actions(
        deps,
        [
            action("open-past", [REP_TORONTO], date(2026, 3, 20)),
            action("open-ahead", [REP_TORONTO], date(2026, 4, 20)),
            action("done", [REP_TORONTO], date(2026, 4, 20), status=ItemStatus.DONE.value, percent=100),
        ],
    )

    def owner(ref: str, kind: str, day: date) -> str:
        return reminder_key(items[ref], REP_TORONTO, Occasion(kind, day, NOW))

    parked = {
        1: owner("open-past", "day-before", date(2026, 3, 19)),  # the due date went by
        2: owner("open-past", "overdue", date(2026, 3, 23)),  # still overdue: still true
        3: owner("open-ahead", "week-before", date(2026, 4, 13)),  # not yet due
        4: owner("done", "week-before", date(2026, 4, 13)),  # done meanwhile
        5: digest_key(LEAD, date(2026, 3, 16)),  # a newer week began
        6: digest_key(LEAD, date(2026, 3, 23)),  # this week's
        7: network_key(date(2026, 2, 1)),  # last month's
        8: network_key(date(2026, 3, 1)),  # this month's
        9: f"welcome:{REP_TORONTO}",  # no rule: a welcome still welcomes
    }
    async with deps.db.reader() as session:
        stale = await stale_messages.stale(session, parked, now=NOW, today=TODAY)
    assert sorted(stale) == [1, 4, 5, 7], stale
    assert stale[4] == "the action item is closed" and stale[1] == "the action item is past its due date"


async def test_a_consultations_invitation_or_reminder_is_stale_once_it_closed(deps):
    async with deps.db.transaction() as session:
        for title, status, deadline in (
            ("open", ConsultationStatus.OPEN, datetime(2026, 4, 1, tzinfo=UTC)),
            ("closed", ConsultationStatus.CLOSED, datetime(2026, 4, 1, tzinfo=UTC)),
            ("past its deadline", ConsultationStatus.OPEN, datetime(2026, 3, 24, tzinfo=UTC)),
        ):
            session.add(Consultation(title=title, status=status, audience=Audience.REPS, deadline=deadline,
                                     created_by=LEAD, created_at=NOW))  # fmt: skip
    parked = {
        1: f"consult-invite:1:{REP_TORONTO}",
        2: f"consult-reminder:1:3d:{REP_TORONTO}",
        3: f"consult-invite:2:{REP_TORONTO}",
        4: f"consult-reminder:3:1d:{REP_TORONTO}",
        5: f"consult-invite:99:{REP_TORONTO}",  # no such consultation
    }
    async with deps.db.reader() as session:
        stale = await stale_messages.stale(session, parked, now=NOW, today=TODAY)
    assert sorted(stale) == [3, 4, 5] and set(stale.values()) == {"the consultation is closed"}


async def test_a_request_to_accept_is_stale_once_the_round_closed_and_a_term_warning_once_the_term_ended(deps):
    await load_orgs(deps, 2)
    round_ = await open_round(deps)
    nomination = await nominate(deps, round_.id, rep_id(0), rep_id(1))
    parked = {
        1: f"nomination:{nomination.id}:ask",  # the round still takes nominations
        2: f"nomination:{nomination.id}:accepted",  # what happened: still true
        3: f"exec-term:1:{date(2026, 3, 31)}:30d:{REP_TORONTO}",  # the term has not ended yet
        4: f"exec-term:1:{date(2026, 3, 1)}:30d:{REP_TORONTO}",  # it has
    }
    async with deps.db.reader() as session:
        before = await stale_messages.stale(session, parked, now=NOW, today=TODAY)
    async with deps.db.transaction() as session:
        await session.execute(update(NominationRound).values(status=RoundStatus.VOTING))
        after = await stale_messages.stale(session, parked, now=NOW, today=TODAY)
    assert sorted(before) == [4] and before[4] == "the term has ended"
    assert sorted(after) == [1, 4] and after[1] == "the round no longer takes nominations"
