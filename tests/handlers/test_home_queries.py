"""Publishing a Home costs the same number of statements whatever the size of the data (no N+1):
measured with a few items of every kind, then with many more."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event

from bot.app import web_client
from handlers.home import publish_home
from tests.support.directory import LEAD, REP_TORONTO
from tests.support.plans import action, add_actions, load_plan
from tests.support.polls import NOW, load_network, open_poll
from tests.support.resources import add


async def _statements_to_publish(deps, user: str) -> int:
    count = 0

    def counter(*_args: object) -> None:
        nonlocal count
        count += 1

    engine = deps.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", counter)
    try:
        await publish_home(deps, web_client(deps), user)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return count


async def _add_data(deps, n: int, start: int) -> None:
    owners = [LEAD, REP_TORONTO]
    await add_actions(
        deps, [action(f"q{start + i}", owners, date(2026, 3, 1) + timedelta(days=i % 30)) for i in range(n)]
    )
    for i in range(n):
        await open_poll(deps, question=f"Question {start + i}?")
        await add(deps, LEAD, now=NOW - timedelta(days=400), title=f"Guide {start + i}", url=f"https://example.org/g{start + i}")


async def test_the_number_of_statements_does_not_grow_with_the_data(deps, slack, clock):
    clock.set(NOW)
    await load_network(deps, extra_orgs=5)
    await load_plan(deps)
    await _add_data(deps, 2, start=0)
    few_lead, few_rep = await _statements_to_publish(deps, LEAD), await _statements_to_publish(deps, REP_TORONTO)
    await _add_data(deps, 25, start=100)
    assert await _statements_to_publish(deps, LEAD) == few_lead
    assert await _statements_to_publish(deps, REP_TORONTO) == few_rep
    home = slack.home_views[LEAD]
    assert len(home["blocks"]) <= 100 and "Needs you" in str(home)
