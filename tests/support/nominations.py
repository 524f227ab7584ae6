"""Nomination test helpers: rounds and nominations through the real service, on the polls' test
network (the known directory plus N organisations, each with a rep and one other staff member)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from bot.deps import Deps
from bot.services import nominations
from bot.services.members import get_member, import_members
from models.nominations import ElectionMethod
from tests.support.directory import NOMINATIONS, rows
from tests.support.polls import NOW, network_rows

CHANNEL = "CGENERAL"
NOMINATIONS_CLOSE = NOW + timedelta(days=7)
ELECTION_CLOSE = NOW + timedelta(days=14)


def round_spec(**overrides: Any) -> nominations.RoundSpec:
    values: dict[str, Any] = {
        "seats": 2,
        "reserved": (),
        "method": ElectionMethod.STV,
        "nominations_close_at": NOMINATIONS_CLOSE,
        "election_closes_at": ELECTION_CLOSE,
        "channel_id": CHANNEL,
    }
    values.update(overrides)
    return nominations.RoundSpec(**values)


async def open_round(
    deps: Deps, *, actor: str = NOMINATIONS, now: datetime = NOW, **overrides: Any
) -> nominations.RoundView:
    async with deps.db.transaction() as session:
        member = await get_member(session, actor)
        return await nominations.open_round(session, spec=round_spec(**overrides), actor=member, now=now)


async def nominate(
    deps: Deps, round_id: int, nominator: str, nominee: str, *, statement: str = "Ready to serve.", now: datetime = NOW
) -> nominations.NominationView:
    async with deps.db.transaction() as session:
        member = await get_member(session, nominator)
        nomination, _ = await nominations.nominate(
            session, round_id=round_id, nominee_user=nominee, statement=statement, actor=member, now=now,
            default_locale="en",
        )  # fmt: skip
        return nomination


async def answer(
    deps: Deps, nomination_id: int, user: str, *, accept: bool = True, now: datetime = NOW
) -> nominations.NominationView:
    async with deps.db.transaction() as session:
        nomination, _ = await nominations.respond(
            session, nomination_id=nomination_id, accept=accept, user_id=user, now=now, default_locale="en"
        )
        return nomination


async def load_orgs(deps: Deps, count: int, extra: list[tuple[str, ...]] | None = None) -> None:
    """The known directory, `count` network organisations (rep and staff each) and `extra` rows."""
    async with deps.db.transaction() as session:
        await import_members(session, rows(network_rows(count) + (extra or [])), today=date(2026, 1, 15))
