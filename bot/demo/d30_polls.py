"""Demo polls: an open network poll with some organisations' votes in, a secret Executive
Committee proposal, a closed ranked-choice poll whose rounds can be read at once (#3), and an open
ranked poll of the shell's channel (#4: anyone in the directory can vote in it, so the README's
tour line `/nls vote 4 2` is recorded for whoever types it).

Dated from the clock, not from a fixed hour of the day: a poll that opened "at 15:00 UTC today"
would not have opened yet for someone trying the shell in the morning."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo import DEMO_MARK
from bot.demo.d10_members import PEOPLE
from bot.deps import Deps
from bot.services import polls
from bot.services.members import get_member
from bot.services.polls import Electorate, PollKind, ResultsShown

ORIGIN = "demo"
CHANNEL = "CSHELL"  # the local shell's channel
CREATOR = "UDEMO0001"  # Amina Haddad, lead and admin


async def load(session: AsyncSession, today: date, deps: Deps) -> str:
    if await polls.polls_by_origin(session, ORIGIN):
        return "demo polls already there"
    now = deps.now()
    creator = await get_member(session, CREATOR)

    async def open_poll(question: str, **spec: object) -> polls.PollView:
        values: dict[str, object] = {
            "channel_id": CHANNEL, "closes_at": now + timedelta(days=7), "origin": ORIGIN,
            "electorate": Electorate.NETWORK, "kind": PollKind.SINGLE, **spec,
        }  # fmt: skip
        electors = [person[3] for person in PEOPLE] if values["electorate"] is Electorate.CHANNEL else ()
        return await polls.create_poll(
            session, spec=polls.PollSpec(question=f"{DEMO_MARK} {question}", **values),  # type: ignore[arg-type]
            creator_id=CREATOR, actor=creator, now=now, today=today, electors=electors,
        )  # fmt: skip

    async def ballots(poll: polls.PollView, votes: dict[str, list[int]]) -> None:
        for user, choices in votes.items():
            await polls.cast_vote(
                session, poll_id=poll.id, choices=choices, user_id=user, actor=await get_member(session, user),
                now=now, today=today, keys=deps.ballots,
            )  # fmt: skip

    theme = await open_poll(
        "Which theme should lead the 2026 national learning event?",
        options=("Newcomer housing", "Rural attraction and retention", "Francophone immigration", "Mental health"),
        results=ResultsShown.LIVE, quorum=7,
    )  # fmt: skip
    await ballots(theme, {"UDEMO0003": [0], "UDEMO0005": [2], "UDEMO0008": [2], "UDEMO0012": [1]})
    budget = await open_poll(
        "Approve the Secretariat's 2026–27 budget proposal?", kind=PollKind.YES_NO, options=(),
        electorate=Electorate.EXECUTIVE, secret=True,
    )  # fmt: skip
    await ballots(budget, {"UDEMO0010": [0]})
    host = await open_poll(
        "Where should the 2026 summit be held?", kind=PollKind.RANKED,
        options=("Halifax", "Montréal", "Winnipeg", "Vancouver"),
    )  # fmt: skip
    await ballots(
        host,
        {
            "UDEMO0003": [1, 0], "UDEMO0004": [2, 3], "UDEMO0005": [0, 1], "UDEMO0007": [0, 1],
            "UDEMO0008": [1, 0], "UDEMO0009": [1, 2], "UDEMO0012": [2, 1], "UDEMO0014": [3, 2],
        },
    )  # fmt: skip
    await polls.close_poll(
        session, poll_id=host.id, user_id=CREATOR, actor=creator, now=now, today=today, keys=deps.ballots
    )
    webinars = await open_poll(
        "Rank the topics for next season's network webinars", kind=PollKind.RANKED, electorate=Electorate.CHANNEL,
        options=("Credential recognition", "Welcoming rural communities", "Newcomer youth", "Housing partnerships"),
        results=ResultsShown.LIVE,
    )  # fmt: skip
    await ballots(webinars, {"UDEMO0003": [3, 0], "UDEMO0009": [1, 2], "UDEMO0015": [1, 3, 0]})
    return f"4 polls (#{host.id} closed, with its rounds; #{webinars.id} open to everyone here)"
