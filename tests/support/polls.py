"""Poll test helpers: a network of 80 organisations (loaded through the real import service),
polls opened through the real service, the poll message the bot posted, and the steps a person
takes over signed HTTP (the creation modal, a button pressed on the poll message)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.blocks import ids
from bot.deps import Deps
from bot.services import polls
from bot.services.members import get_member, import_members
from bot.slack.localslack.server import LocalSlack
from models.polls import Electorate, PollKind, PollReceipt, ResultsShown
from tests.support.directory import ADMIN, rows
from tests.support.slackbot import BotClient

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in Toronto
CHANNEL = "CGENERAL"
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
        "channel_id": CHANNEL,
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


def buttons(message: dict[str, Any], action_id: str) -> list[tuple[dict[str, Any], str]]:
    """Every element with this action_id in a message, with its block_id."""
    found = []
    for block in message.get("blocks", []):
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                found.append((element, block.get("block_id", "")))
    return found


async def press(bot: BotClient, user: str, message: dict[str, Any], action_id: str, index: int = 0) -> dict[str, Any]:
    """Press a button of the poll message and return the private answer it got."""
    before = len(bot.slack.calls_to("response_url"))
    element, block_id = buttons(message, action_id)[index]
    response = await bot.press(user, element, block_id=block_id, message=message, channel=CHANNEL)
    assert response.status_code == 200
    calls = await bot.slack.wait_for("response_url", count=before + 1)
    return calls[before].args


async def create(bot: BotClient, user: str, answers: dict[str, str | None]) -> Any:
    """`/nls poll`, then submit the modal with these answers (block_id → typed text)."""
    before = len(bot.slack.calls_to("views.open"))
    response = await bot.command(user, "poll", channel=CHANNEL)
    assert response.status_code == 200
    view = await bot.opened_view(before)
    return await bot.submit(user, view, answers)


def form(**overrides: str | None) -> dict[str, str | None]:
    """What a lead types into the creation modal (block_id → text), with these changes."""
    answers: dict[str, str | None] = {
        ids.POLL_F_QUESTION: "Adopt the <!channel> work plan?",
        ids.POLL_F_OPTIONS: "Adopt as written\nAdopt with changes\nSend back",
        ids.POLL_F_KIND: "single",
        ids.POLL_F_ELECTORATE: "network",
        ids.POLL_F_CLOSES: (NOW + timedelta(days=3)).isoformat(),
    }
    answers.update(overrides)
    return answers


async def posted(bot: BotClient, poll_id: int) -> dict[str, Any]:
    """The poll's message, once the bot has posted it."""
    await bot.slack.wait_for("chat.postMessage", lambda c: str(c.args.get("text", "")).startswith(f"Poll #{poll_id}:"))
    return poll_message(bot.slack, poll_id)


async def receipts(deps: Deps) -> int:
    """How many receipts (who voted, never what) are stored, over every poll."""
    async with deps.db.reader() as session:
        return (await session.execute(select(func.count()).select_from(PollReceipt))).scalar_one()
