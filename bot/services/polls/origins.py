"""Counting a poll by the rule of the feature that opened it (its `origin`).

The feature registers `@origin_count("prefix:")` in its own service module, and the close
(`bot.services.polls.lifecycle`) asks it — with the ballots and the engine's own count — before
freezing the result. This package never imports the features (they are loaded like the Home's
contributors), and there is still one vote engine: the ballots, the receipts, the close, the
freezing and the publication stay in the package; the origin only says who fills which seat
(`OriginCount`), e.g. nomination rounds with reserved seats.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.contributions import Fact
from bot.services.counting import Count
from bot.services.polls.records import PollView


@dataclass(frozen=True)
class Seat:
    """One seat an origin's count filled: the option elected, the origin's name for the seat
    (`kind:ZIP`; None for a general seat) and how to say it next to the winner."""

    option: int
    tag: str | None = None
    label: Fact | None = None


@dataclass(frozen=True)
class OriginCount:
    """The final count of a closed poll by the rule of the feature that opened it: the seats in
    order of election, and notes stating the rule (shown with the results)."""

    seats: tuple[Seat, ...]
    notes: tuple[Fact, ...] = ()


OriginCounter = Callable[[AsyncSession, PollView, Sequence[Sequence[int]], Count], Awaitable[OriginCount | None]]
ORIGIN_COUNTERS: dict[str, OriginCounter] = {}


def origin_count(prefix: str) -> Callable[[OriginCounter], OriginCounter]:
    """Register `async def (session, poll, ballots, engine_count) -> OriginCount | None` for polls
    whose origin starts with `prefix`; called once, when such a poll closes. None keeps the
    engine's count unchanged."""

    def decorate(fn: OriginCounter) -> OriginCounter:
        ORIGIN_COUNTERS[prefix] = fn
        return fn

    return decorate


def _counter_for(origin: str | None) -> OriginCounter | None:
    if not origin:
        return None
    import bot.services as package  # features register in their own modules: load them all

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"bot.services.{info.name}")
    return next((fn for prefix, fn in ORIGIN_COUNTERS.items() if origin.startswith(prefix)), None)


def _fact_json(fact: Fact) -> dict[str, Any]:
    return {"key": fact.key, "params": {k: _fact_json(v) if isinstance(v, Fact) else v for k, v in fact.params.items()}}


def _fact_from(data: Mapping[str, Any]) -> Fact:
    params = {k: _fact_from(v) if isinstance(v, dict) else v for k, v in data.get("params", {}).items()}
    return Fact(data["key"], params)


def _origin_json(counted: OriginCount) -> dict[str, Any]:
    return {
        "seats": [
            {"option": s.option, "tag": s.tag, "label": _fact_json(s.label) if s.label else None} for s in counted.seats
        ],
        "notes": [_fact_json(n) for n in counted.notes],
    }


def _origin_from(data: Mapping[str, Any] | None) -> OriginCount | None:
    if not data:
        return None
    seats = tuple(
        Seat(s["option"], s.get("tag"), _fact_from(s["label"]) if s.get("label") else None) for s in data["seats"]
    )
    return OriginCount(seats, tuple(_fact_from(n) for n in data.get("notes", [])))


async def _origin_counted(
    session: AsyncSession, poll: PollView, ballots: Sequence[Sequence[int]], tally: Count
) -> tuple[Count, OriginCount | None]:
    """The count to freeze: the origin's, if it registered a counter and has a rule to apply
    (its winners replace the engine's; the engine's rounds, of a count that decided nothing, are
    dropped, while the votes per option stay as cast), else the engine's unchanged."""
    counter = _counter_for(poll.origin)
    counted = await counter(session, poll, ballots, tally) if counter is not None else None
    if counted is None:
        return tally, None
    winners = tuple(s.option for s in counted.seats)
    return replace(tally, winners=winners, rounds=(), quota=None, tie_break=None, tied=()), counted
