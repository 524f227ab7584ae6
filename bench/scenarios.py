"""What the load benchmark sends: Slack-shaped, signed requests against a seeded database
(the demo network, plus an open channel poll whose electorate is the benchmark's voters), one
scenario per kind of Bolt listener (command, action, view submission, event), so that each can be
set beside the bare Bolt app's listener of the same kind (bench.bare_bolt)."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bench.polls import BENCH_KEY
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
from bot.slack.localslack.server import LocalSlack
from handlers.home import publish_home
from models import UserPref
from models.polls import Electorate, PollKind

DEMO_USERS = [f"UDEMO{n:04d}" for n in range(1, 17)]
VOTERS = [f"UVOTE{n:05d}" for n in range(5000)]
KINDS = ("command", "action", "view", "event")  # Bolt's listener kinds, each with a floor in bench.bare_bolt


@dataclass(frozen=True)
class Scenario:
    name: str
    kind: str  # one of KINDS: which of the bare Bolt app's listeners is its floor
    body: Callable[[int, str], str]  # (request number, response_url) -> body to sign and send
    # When the answer reaches the user after the acknowledgement (a search's results and a vote's
    # receipt at the request's response_url, a Home through views.publish), the key the fake Slack
    # files it under (bench.fake_slack); None: the answer is the acknowledgement itself.
    answer_key: Callable[[int], str] | None = None


async def seed(database_url: str) -> dict[str, Any]:
    """Migrate, load the demo network, and open a channel poll the benchmark's voters may vote in.
    Everyone the benchmark speaks as is a returning user: their Slack profile is cached and their
    welcome sent, as a real network's would be (a first contact also costs a users.info call and
    a welcome DM, once per person, which is not what a steady load or a restart looks like)."""
    db = Database(database_url)
    await db.upgrade()
    deps = Deps(settings=Settings(DATABASE_URL=database_url, NLS_BALLOT_KEY=BENCH_KEY), db=db)
    await load_demo(deps)
    now = deps.now()
    spec = polls.PollSpec(
        question="Which day suits the network call?", options=["Monday", "Wednesday", "Friday"],
        kind=PollKind.SINGLE, electorate=Electorate.CHANNEL, channel_id="CBENCH", closes_at=now + timedelta(days=7),
    )  # fmt: skip
    async with db.transaction() as session:
        poll = await polls.create_system_poll(session, spec=spec, now=now, electors=VOTERS)
        # The demo network has made some of them.
        prefs = {
            p.slack_user_id: p
            for p in await session.scalars(select(UserPref).where(UserPref.slack_user_id.in_(VOTERS + DEMO_USERS)))
        }
        for uid in VOTERS + DEMO_USERS:
            pref = prefs.get(uid) or UserPref(slack_user_id=uid, slack_locale="en-CA", tz="America/Toronto")
            pref.profile_fetched_at = now
            pref.welcomed_at = pref.welcomed_at or now
            session.add(pref)
    homes = await published_homes(deps)
    await db.dispose()
    view = {**feedback_modal(Translator("en"), FormPlaces(3, None, {})).to_dict(), "id": "VBENCH"}
    return {"poll_id": poll.id, "feedback_view": view, "homes": homes}


async def published_homes(deps: Deps) -> dict[str, dict[str, Any]]:
    """Each demo user's Home as Slack holds it once the bot has published it: Slack sends that view
    in every `app_home_opened` of someone whose Home was published before (most opens), so the
    benchmark's events are as large as real ones."""
    slack = await LocalSlack().start()
    client = AsyncWebClient(token="xoxb-bench", base_url=slack.base_url)
    try:
        for uid in DEMO_USERS:
            await publish_home(deps, client, uid)
        return dict(slack.home_views)
    finally:
        await slack.stop()


def scenarios(context: dict[str, Any]) -> list[Scenario]:
    def user(i: int) -> str:
        return DEMO_USERS[i % len(DEMO_USERS)]

    def response(i: int) -> str:
        return f"response:{i}"

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

    def home_opened(i: int, _url: str) -> str:
        """The event a workspace sends this bot most: every click on its Home (or Messages) tab,
        where a DM to the bot or a mention is a question now and then. Each delivery has its own
        event_id, as Slack's do (the bot keeps one per delivery to refuse replays)."""
        uid = user(i)
        event = {"type": "app_home_opened", "user": uid, "channel": "D" + uid[1:], "tab": "home",
                 "event_ts": f"{time.time():.6f}", "view": context["homes"][uid]}  # fmt: skip
        return payloads.event_callback(event, event_id=f"Ev{uuid.uuid4().hex[:16].upper()}")

    return [
        Scenario("/nls help", "command", lambda i, url: payloads.slash_command(user(i), "help", response_url=url)),
        Scenario("/nls find", "command", find, answer_key=response),
        Scenario("vote button", "action", vote, answer_key=response),
        Scenario("modal submission", "view", feedback),
        Scenario("Home opened", "event", home_opened, answer_key=lambda i: f"home:{user(i)}"),
    ]
