"""How features contribute to the surfaces that gather everything: the leads' weekly digest and
each person's App Home ("needs you", and the "network" and "find" areas). A feature registers a contributor in its own service module;
the digest and Home builders never import features one by one.

Contributions are facts (an i18n key and its parameters), not Slack blocks, so services stay free
of Slack and the builders render them in the reader's language. Each contributor must run a fixed
number of queries whatever the data size (the Home is published often).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.members import Member


@dataclass(frozen=True)
class Fact:
    """One line of text to render: `t(key, **params)`. Params are plain values or Facts (rendered
    first, in the same language: a topic's name inside a count); user-written text among them is
    escaped by the builder."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """A feature's part of a digest or of the Home: short headline numbers first, then details,
    then a pointer to the full list when details were cut."""

    order: int
    title: Fact
    headline: tuple[Fact, ...] = ()
    details: tuple[Fact, ...] = ()
    more: Fact | None = None


class HomeAction(StrEnum):
    """What a button beside a contribution does, named by the domain; the Home builder draws it
    with the action id its listener answers (bot.blocks.home), so services never name a view's ids."""

    VOTE = "vote"
    UPDATE_ITEM = "update-item"
    SHOW_NOMINATION = "show-nomination"
    REVIEW_NOMINATIONS = "review-nominations"
    NOMINATE = "nominate"
    ANSWER_CONSULTATION = "answer-consultation"
    MY_RESOURCES = "my-resources"


@dataclass(frozen=True)
class NeedsYou:
    """Something a person (or their organisation) should do: vote, accept, answer, update."""

    fact: Fact
    due: datetime | None = None  # a moment (a poll closing)…
    due_day: date | None = None  # …or a calendar day (an item due on the 22nd), shown without a time
    action: HomeAction | None = None  # a button next to it, e.g. the poll's vote or an item's Update
    action_label: Fact | None = None
    value: str | None = None  # the button's value: ids only, never a grant


@dataclass(frozen=True)
class HomeLink:
    """A short entry in a Home area (a newest resource, an open nomination round), optionally with
    a button."""

    fact: Fact
    action: HomeAction | None = None
    action_label: Fact | None = None
    value: str | None = None
    url: str | None = None


DigestContributor = Callable[[AsyncSession, datetime, datetime], Awaitable[Section | None]]
HomeContributor = Callable[[AsyncSession, Member, datetime], Awaitable[list[NeedsYou]]]
LeadStatsContributor = Callable[[AsyncSession, datetime], Awaitable[Section | None]]
HomeAreaContributor = Callable[[AsyncSession, Member | None, datetime], Awaitable[list[HomeLink]]]
HOME_AREAS = ("network", "find")

DIGEST: list[DigestContributor] = []
NEEDS_YOU: list[HomeContributor] = []
LEAD_STATS: list[LeadStatsContributor] = []
HOME: dict[str, list[HomeAreaContributor]] = {area: [] for area in HOME_AREAS}


def digest_section(fn: DigestContributor) -> DigestContributor:
    """Register `async def (session, since, now) -> Section | None` for the leads' digest."""
    DIGEST.append(fn)
    return fn


def needs_you(fn: HomeContributor) -> HomeContributor:
    """Register `async def (session, member, now) -> list[NeedsYou]` for a person's Home."""
    NEEDS_YOU.append(fn)
    return fn


def lead_stats(fn: LeadStatsContributor) -> LeadStatsContributor:
    """Register `async def (session, now) -> Section | None`: headline numbers for leads' Home."""
    LEAD_STATS.append(fn)
    return fn


def home_area(area: str) -> Callable[[HomeAreaContributor], HomeAreaContributor]:
    """Register `async def (session, member_or_None, now) -> list[HomeLink]` for a Home area:
    "network" (e.g. open nomination rounds) or "find" (e.g. the newest resources)."""
    if area not in HOME_AREAS:
        raise ValueError(f"unknown Home area {area!r}; use one of {HOME_AREAS}")

    def decorate(fn: HomeAreaContributor) -> HomeAreaContributor:
        HOME[area].append(fn)
        return fn

    return decorate


def _load_services() -> None:
    import bot.services as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"bot.services.{info.name}")


async def collect_digest(session: AsyncSession, since: datetime, now: datetime) -> list[Section]:
    _load_services()
    sections = [s for fn in DIGEST if (s := await fn(session, since, now)) is not None]
    return sorted(sections, key=lambda s: s.order)


async def collect_needs_you(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    _load_services()
    items = [item for fn in NEEDS_YOU for item in await fn(session, member, now)]
    return sorted(items, key=lambda i: (_when(i) is None, _when(i) or now))


def _when(item: NeedsYou) -> datetime | None:
    """A moment to sort by: a due day counts from its start (UTC is close enough to order)."""
    if item.due_day is not None:
        return datetime.combine(item.due_day, time.min, tzinfo=UTC)
    return item.due


async def collect_lead_stats(session: AsyncSession, now: datetime) -> list[Section]:
    _load_services()
    sections = [s for fn in LEAD_STATS if (s := await fn(session, now)) is not None]
    return sorted(sections, key=lambda s: s.order)


async def collect_home_area(session: AsyncSession, area: str, member: Member | None, now: datetime) -> list[HomeLink]:
    _load_services()
    return [link for fn in HOME[area] for link in await fn(session, member, now)]
