"""Test support for Voices: a network of N member organisations with a rep each (imported through
the real directory service), and the steps of a consultation over signed HTTP."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import MetaData, select

from bot.blocks import ids
from bot.deps import Deps
from bot.services.members import import_members
from tests.support.slackbot import BotClient, find_action

COLUMNS = ("org", "kind", "province", "slack_user_id", "name", "roles", "term_ends")
PROVINCE_CYCLE = ("ON", "QC", "BC", "AB", "NS", "MB", "SK", "NB", "NL", "PE")
LEAD = "UVLEAD001"
STRANGER = "UVSTRANG1"


def rep(n: int) -> str:
    return f"UVREP{n:04d}"


def staff(n: int) -> str:
    return f"UVSTF{n:04d}"


def org(n: int) -> str:
    return f"Voix LIP {n:02d} — Île-de-Test"


def network_rows(organisations: int) -> list[tuple[int, dict[str, str]]]:
    """A lead in the Secretariat (no rep there), and `organisations` LIPs with a rep each; the
    first organisation also has a staff member, who may answer for it too."""
    rows = [("NLS Secretariat", "LIP", "ON", LEAD, "Léa Lead", "staff;lead", "")]
    for n in range(1, organisations + 1):
        province = PROVINCE_CYCLE[(n - 1) % len(PROVINCE_CYCLE)]
        rows.append((org(n), "LIP", province, rep(n), f"Rep {n:02d}", "rep;staff", ""))
    rows.append((org(1), "LIP", PROVINCE_CYCLE[0], staff(1), "Staff 01", "staff", ""))
    return [(line, dict(zip(COLUMNS, row, strict=True))) for line, row in enumerate(rows, start=2)]


async def load_network(deps: Deps, organisations: int = 30) -> None:
    async with deps.db.transaction() as session:
        await import_members(session, network_rows(organisations), today=date(2026, 1, 15))


async def start_consultation(bot: BotClient, user: str, answers: dict[str, str | None]) -> Any:
    """`/nls consult start`, then submit the modal; the HTTP response of the submission."""
    before = len(bot.slack.calls_to("views.open"))
    await bot.command(user, "consult start")
    view = await bot.opened_view(before)
    return await bot.submit(user, view, answers)


async def open_questionnaire(bot: BotClient, user: str, message: dict[str, Any]) -> dict[str, Any]:
    """Press the Respond button of a DM and return the questionnaire it opened."""
    before = len(bot.slack.calls_to("views.open"))
    button, block_id = find_action(message["blocks"], ids.CONSULT_RESPOND)
    await bot.press(user, button, block_id=block_id, message=message, channel="D" + user[1:])
    return await bot.opened_view(before)


def answer_blocks(view: dict[str, Any]) -> list[str]:
    """The questionnaire's input block ids, in question order."""
    return [b["block_id"] for b in view["blocks"] if b.get("type") == "input"]


def dm_to(bot: BotClient, user: str, contains: str) -> dict[str, Any]:
    """The newest DM the bot posted to `user` whose text contains `contains`."""
    for call in reversed(bot.slack.calls_to("chat.postMessage")):
        if call.args.get("channel") == user and contains in json.dumps(call.args, ensure_ascii=False):
            return {"text": call.args.get("text", ""), "blocks": call.args.get("blocks") or [], "ts": "1.0"}
    raise AssertionError(f"no DM to {user} containing {contains!r}")


async def dump_database(deps: Deps) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, every column, as stored (reflected, so tables added by any
    feature are included)."""
    metadata = MetaData()
    async with deps.db.engine.connect() as conn:
        await conn.run_sync(metadata.reflect)
        dump = {}
        for table in metadata.sorted_tables:
            rows = (await conn.execute(select(table))).mappings().all()
            dump[table.name] = [dict(row) for row in rows]
    return dump


def occurrences(dump: dict[str, list[dict[str, Any]]], needles: list[str]) -> set[tuple[str, str]]:
    """(table, column) pairs where any needle appears, case-insensitively, in any value."""
    wanted = [n.casefold() for n in needles]
    found = set()
    for table, rows in dump.items():
        for row in rows:
            for column, value in row.items():
                text = json.dumps(value, ensure_ascii=False, default=str).casefold()
                if any(n in text for n in wanted):
                    found.add((table, column))
    return found
