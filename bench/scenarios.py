"""What the load benchmark sends: Slack-shaped, signed requests against a seeded database
(the demo network, plus an open channel poll whose electorate is the benchmark's voters)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.blocks import ids
from bot.blocks.feedback import feedback_modal
from bot.demo import load_demo
from bot.deps import Deps
from bot.infra.db import Database
from bot.infra.i18n import Translator
from bot.infra.settings import Settings
from bot.services import polls
from bot.services.feedback import FormPlaces
from bot.shell import payloads
from bot.shell.forms import state_values
from models import UserPref
from models.polls import Electorate, PollKind

DEMO_USERS = [f"UDEMO{n:04d}" for n in range(1, 17)]
VOTERS = [f"UVOTE{n:05d}" for n in range(5000)]


@dataclass(frozen=True)
class Scenario:
    name: str
    body: Callable[[int, str], str]  # (request number, response_url) -> body to sign and send
    # The answer reaches the user later, through the request's response_url (a search's results,
    # a vote's receipt); otherwise it is in the acknowledgement itself.
    answers_later: bool = False


async def seed(database_url: str) -> dict[str, Any]:
    """Migrate, load the demo network, and open a channel poll the benchmark's voters may vote in."""
    db = Database(database_url)
    await db.upgrade()
    deps = Deps(settings=Settings(DATABASE_URL=database_url), db=db)
    await load_demo(deps)
    now = deps.now()
    spec = polls.PollSpec(
        question="Which day suits the network call?", options=["Monday", "Wednesday", "Friday"],
        kind=PollKind.SINGLE, electorate=Electorate.CHANNEL, channel_id="CBENCH", closes_at=now + timedelta(days=7),
    )  # fmt: skip
    async with db.transaction() as session:
        poll = await polls.create_system_poll(session, spec=spec, now=now, electors=VOTERS)
        # Voters who have used the bot this week: their Slack profile is cached, as a real
        # network's reps' would be (a first contact also costs a users.info call).
        # A database kept from an earlier run already has them.
        known = set(await session.scalars(select(UserPref.slack_user_id).where(UserPref.slack_user_id.in_(VOTERS))))
        session.add_all(UserPref(slack_user_id=uid, slack_locale="en-CA", tz="America/Toronto", profile_fetched_at=now)
                        for uid in VOTERS if uid not in known)  # fmt: skip
    await db.dispose()
    return {"poll_id": poll.id, "feedback_view": {**feedback_modal(Translator("en"), FormPlaces(3, None, {})).to_dict(), "id": "VBENCH"}}


def scenarios(context: dict[str, Any]) -> list[Scenario]:
    def user(i: int) -> str:
        return DEMO_USERS[i % len(DEMO_USERS)]

    def find(i: int, url: str) -> str:
        return payloads.slash_command(user(i), "find housing toolkit", response_url=url)

    def vote(i: int, url: str) -> str:
        button = {"action_id": ids.POLL_QUICK_VOTE, "type": "button", "value": f"{context['poll_id']}:{i % 3 + 1}"}
        return payloads.block_actions(
            VOTERS[i % len(VOTERS)], button, block_id="poll_vote", response_url=url, channel_id="CBENCH",
            message_ts="1700000000.000100",
        )  # fmt: skip

    views = itertools.count()

    def feedback(i: int, url: str) -> str:
        # A view of its own for every submission, as every person's modal is: the same view id
        # again is a second Submit of one view, answered from memory (bot.transport.submissions).
        view = {**context["feedback_view"], "id": f"VBENCH{next(views):07d}"}
        answers = {ids.FEEDBACK_VOICE: "1", ids.FEEDBACK_TOPIC: "1", ids.FEEDBACK_PROVINCE: "1",
                   ids.FEEDBACK_TEXT: f"Housing waitlists are growing in our region ({i})."}  # fmt: skip
        return payloads.view_submission(user(i), view, state_values(view, answers))

    return [
        Scenario("/nls help", lambda i, url: payloads.slash_command(user(i), "help", response_url=url)),
        Scenario("/nls find", find, answers_later=True),
        Scenario("vote button", vote, answers_later=True),
        Scenario("modal submission", feedback),
    ]
