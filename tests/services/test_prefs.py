"""Per-user preferences under concurrency: a new person met by two requests at once."""

from __future__ import annotations

import asyncio

from bot.services import prefs
from models import UserPref


async def test_two_first_contacts_at_once_create_one_row(deps):
    now = deps.now()

    async def refresh(user: str) -> None:
        async with deps.db.transaction() as session:
            await prefs.store_profile(session, user, locale="fr-CA", tz="America/Montreal", now=now)

    async def welcome(user: str) -> bool:
        async with deps.db.transaction() as session:
            return await prefs.mark_welcomed(session, user, now)

    users = [f"UNEW{n:05d}" for n in range(20)]
    results = await asyncio.gather(*(f(u) for u in users for f in (refresh, welcome, welcome)))
    assert [r for r in results if r is True] == [True] * len(users)  # each welcomed exactly once
    async with deps.db.reader() as session:
        for user in users:
            pref = await session.get(UserPref, user)
            assert (pref.slack_locale, pref.tz) == ("fr-CA", "America/Montreal") and pref.welcomed_at is not None
