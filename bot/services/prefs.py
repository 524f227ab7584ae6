"""Per-user preferences: language choice and the Slack profile facts we cache (locale, time zone)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.i18n import LOCALES, normalise_locale, resolve_locale
from bot.services.errors import Invalid
from bot.services.sql import chunks, insert_if_absent
from models import UserPref

PROFILE_TTL = timedelta(days=7)


@dataclass(frozen=True)
class PrefView:
    """A person's preferences as of one read."""

    slack_user_id: str
    locale: str | None
    slack_locale: str | None
    tz: str | None
    profile_fetched_at: datetime | None
    welcomed_at: datetime | None


PREF_COLUMNS = tuple(UserPref.__table__.c[name] for name in PrefView.__dataclass_fields__)
_PREF_OF_USER = select(*PREF_COLUMNS).where(
    UserPref.slack_user_id == bindparam("slack_user_id")
)  # built once, as members' directory lookup: both run before every request


async def get_pref(session: AsyncSession, slack_user_id: str) -> PrefView | None:
    """Read on the session's connection: a Core row needs none of the ORM's loading."""
    row = (await (await session.connection()).execute(_PREF_OF_USER, {"slack_user_id": slack_user_id})).first()
    return PrefView(*row) if row else None


async def _pref(session: AsyncSession, slack_user_id: str) -> UserPref:
    """The person's row, locked for this transaction. Created with INSERT … ON CONFLICT: the
    welcome and the background profile refresh can both meet a new person at the same moment."""
    await insert_if_absent(
        session, UserPref, {"slack_user_id": slack_user_id}, ["slack_user_id"], returning="slack_user_id"
    )
    query = select(UserPref).where(UserPref.slack_user_id == slack_user_id).with_for_update()
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one()


async def choose_locale(session: AsyncSession, slack_user_id: str, choice: str) -> str:
    locale = normalise_locale(choice)
    if locale is None:
        raise Invalid("prefs.lang_usage", choices=" | ".join(LOCALES))
    (await _pref(session, slack_user_id)).locale = locale
    return locale


def _day(moment: datetime) -> datetime:
    """Midnight UTC of `moment`. These timestamps are kept to the day on purpose: a precise time
    of someone's request could be lined up with the time of an anonymous submission."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def profile_is_stale(pref: PrefView | None, now: datetime) -> bool:
    return pref is None or pref.profile_fetched_at is None or now - pref.profile_fetched_at > PROFILE_TTL


async def store_profile(
    session: AsyncSession, slack_user_id: str, *, locale: str | None, tz: str | None, now: datetime
) -> None:
    pref = await _pref(session, slack_user_id)
    pref.slack_locale, pref.tz, pref.profile_fetched_at = locale, tz, _day(now)


async def note_profile_change(
    session: AsyncSession, slack_user_id: str, *, locale: str | None, tz: str | None, now: datetime
) -> bool:
    """Cache what a `user_change` says of the person's Slack locale and time zone at once, rather
    than at the next periodic refresh, so their next answer and next reminder hour follow. A fact
    the change does not carry (Slack could not be asked) keeps its cached value. True when the
    language or time zone the bot uses for them changed (their Home is then worth republishing)."""
    pref = await _pref(session, slack_user_id)
    before = (pref.slack_locale, pref.tz)
    pref.slack_locale, pref.tz = locale or pref.slack_locale, tz or pref.tz
    if locale and tz:
        pref.profile_fetched_at = _day(now)
    return (pref.slack_locale, pref.tz) != before


async def mark_welcomed(session: AsyncSession, slack_user_id: str, now: datetime) -> bool:
    """Record the first welcome; True only for the call that recorded it."""
    pref = await _pref(session, slack_user_id)
    if pref.welcomed_at is not None:
        return False
    pref.welcomed_at = _day(now)
    return True


def language(pref: PrefView | UserPref | None, default: str) -> str:
    """The person's language: their `/nls lang` choice, else their Slack locale, else `default`."""
    return resolve_locale(pref.locale if pref else None, pref.slack_locale if pref else None, default)


def zone_of(name: str | None, default: ZoneInfo) -> ZoneInfo:
    """A person's time zone from their cached Slack `tz`, or `default` when unknown or invalid."""
    try:
        return ZoneInfo(name) if name else default
    except (ZoneInfoNotFoundError, ValueError):
        return default


async def languages(session: AsyncSession, user_ids: Iterable[str], default: str) -> dict[str, str]:
    """Each person's language, for messages to many people at once (one query per 500)."""
    wanted = list(dict.fromkeys(user_ids))
    found: dict[str, UserPref] = {}
    for chunk in chunks(wanted):
        rows = await session.execute(select(UserPref).where(UserPref.slack_user_id.in_(chunk)))
        found.update((pref.slack_user_id, pref) for pref in rows.scalars())
    return {uid: language(found.get(uid), default) for uid in wanted}


_MET = select(UserPref.slack_user_id).where(
    UserPref.slack_user_id.in_(bindparam("user_ids", expanding=True)), UserPref.welcomed_at.is_not(None)
)


async def home_users(session: AsyncSession, user_ids: list[str]) -> list[str]:
    """Those of `user_ids` who have met the bot (opened its Home or written to it): the people
    whose Home is worth republishing after a change."""
    if not user_ids:
        return []
    rows = await (await session.connection()).execute(_MET, {"user_ids": user_ids})
    met = set(rows.scalars())
    return [uid for uid in user_ids if uid in met]
