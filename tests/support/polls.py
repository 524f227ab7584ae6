"""Poll test helpers: a network of 80 organisations (loaded through the real import service),
polls opened through the real service, and the poll message the bot posted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.deps import Deps
from bot.services import polls
from bot.services.members import get_member, import_members
from bot.slack.localslack.server import LocalSlack
from models.polls import Electorate, PollKind, ResultsShown
from tests.support.directory import ADMIN, rows

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in Toronto
PROVINCES = ("ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB", "NL", "PE", "YT", "NT", "NU")


def rep_id(n: int) -> str:
    return f"UREPN{n:04d}"


def staff_id(n: int) -> str:
    return f"USTFN{n:04d}"


def network_rows(count: int) -> list[tuple[str, ...]]:
    """`count` more member organisations, each with its rep and one other staff member."""
    out: list[tuple[str, ...]] = []
    for n in range(count):
        org, kind, province = f"Network Test LIP {n:02d}", "ZIP" if n % 7 == 0 else "LIP", PROVINCES[n % len(PROVINCES)]
        out.append((org, kind, province, rep_id(n), f"Rep {n:02d}", "rep;staff", ""))
        out.append((org, kind, province, staff_id(n), f"Staff {n:02d}", "staff", ""))
    return out


async def load_network(deps: Deps, extra_orgs: int = 0) -> int:
    """The known test directory plus `extra_orgs` organisations; returns how many organisations."""
    all_rows = rows(network_rows(extra_orgs))
    async with deps.db.transaction() as session:
        report = await import_members(session, all_rows, today=date(2026, 1, 15))
    return report.organisations_created


def spec(**overrides: Any) -> polls.PollSpec:
    values: dict[str, Any] = {
        "question": "Adopt the 2026 work plan?",
        "options": ("Option A", "Option B", "Option C"),
        "kind": PollKind.SINGLE,
        "electorate": Electorate.NETWORK,
        "channel_id": "CGENERAL",
        "closes_at": NOW + timedelta(days=3),
        "results": ResultsShown.AT_CLOSE,
    }
    values.update(overrides)
    return polls.PollSpec(**values)


async def open_poll(
    deps: Deps, *, creator: str = ADMIN, electors: tuple[str, ...] = (), now: datetime = NOW, **overrides: Any
) -> polls.PollView:
    async with deps.db.transaction() as session:
        actor = await get_member(session, creator)
        return await polls.create_poll(
            session, spec=spec(**overrides), creator_id=creator, actor=actor, now=now, today=now.date(),
            electors=electors,
        )  # fmt: skip


async def vote(deps: Deps, poll_id: int, user: str, choices: list[int], *, now: datetime = NOW) -> polls.VoteRecorded:
    async with deps.db.transaction() as session:
        actor = await get_member(session, user)
        return await polls.cast_vote(
            session, poll_id=poll_id, choices=choices, user_id=user, actor=actor, now=now, today=now.date(),
            keys=deps.ballots,
        )


def poll_message(slack: LocalSlack, poll_id: int) -> dict[str, Any]:
    """The poll's message as it stands in the channel (after any chat.update)."""
    for message in slack.messages.values():
        if message.get("text", "").startswith((f"Poll #{poll_id}:", f"Sondage nº {poll_id} :")):
            return message
    raise AssertionError(f"poll #{poll_id} was not posted")
