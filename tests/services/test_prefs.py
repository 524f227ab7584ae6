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


async def test_a_profile_change_keeps_what_it_does_not_say(deps):
    """A user_change whose users.info lookup failed carries the time zone only: the cached
    locale stays, and the profile is not taken as freshly fetched (the refresh still comes)."""
    now = deps.now()
    async with deps.db.transaction() as session:
        await prefs.store_profile(session, "UMOVED001", locale="fr-CA", tz="America/Montreal", now=now)
    async with deps.db.transaction() as session:
        fetched_before = (await prefs.get_pref(session, "UMOVED001")).profile_fetched_at
        assert await prefs.note_profile_change(session, "UMOVED001", locale=None, tz="America/Vancouver", now=now)
        assert not await prefs.note_profile_change(session, "UMOVED001", locale=None, tz="America/Vancouver", now=now)
    async with deps.db.reader() as session:
        pref = await prefs.get_pref(session, "UMOVED001")
    assert (pref.slack_locale, pref.tz, pref.profile_fetched_at) == ("fr-CA", "America/Vancouver", fetched_before)
