"""The one disclosure rule for whatever counts anonymous contributions (docs/feedback.md, "Small
numbers").

Anonymity can be lost by arithmetic: "anonymous, Nova Scotia" is Halifax LIP when Halifax is the
only member organisation in Nova Scotia, and "employment · urgent: 1" points at whoever wrote it.
So, with *k* from NLS_ANONYMITY_K (default 3):

- **place**: an anonymous contribution keeps its place only at the finest level that covers at
  least *k* member organisations of the directory — the province, else its region, else none
  (Canada-wide) — when it is stored, and again whenever it is read (the directory changes);
- **counts**: a count below *k* is not shown as a number. In a breakdown (by topic, by region…)
  the small cells are merged into one "other" cell, with at least two categories in it so that the
  total minus the others does not give a small cell away; an "other" cell or a total still below *k*
  is shown as "fewer than k".

Every summary, digest, Home number and export calls these functions; the builders render what
they return (`Shown`), never a raw count of anonymous contributions.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Organisation

DEFAULT_K = 3
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Shown:
    """A count as it may be shown: `value`, or None for "fewer than `k`" (never zero: a zero
    reveals nothing and is shown as it is)."""

    value: int | None
    k: int

    @property
    def few(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Breakdown:
    """A breakdown as it may be shown: the categories shown on their own, largest first, then the
    merged rest (`other`, standing for `other_count` categories), if any."""

    cells: tuple[tuple[Hashable, Shown], ...]
    other: Shown | None = None
    other_count: int = 0


_k = DEFAULT_K


def configure(k: int) -> None:
    """Set *k* for this process (bot.deps does, from NLS_ANONYMITY_K)."""
    global _k
    if k < 2:
        raise ValueError("k must be at least 2")
    _k = k


def k() -> int:
    return _k


def shown(count: int) -> Shown:
    return Shown(count if count == 0 or count >= _k else None, _k)


def breakdown(counts: Mapping[K, int]) -> Breakdown:
    """Cells below *k* merged into one "other" cell; if only one category is small, the smallest
    of the others joins it, so that the total minus the cells shown never gives one category's
    small count away. A lone category is shown on its own, by the rule for a single count."""
    ordered = sorted(((key, n) for key, n in counts.items() if n), key=lambda kv: (-kv[1], str(kv[0])))
    if len(ordered) <= 1:
        return Breakdown(tuple((key, shown(n)) for key, n in ordered))
    small = [(key, n) for key, n in ordered if n < _k]
    large = [(key, n) for key, n in ordered if n >= _k]
    if len(small) == 1:
        small.insert(0, large.pop())
    cells = tuple((key, shown(n)) for key, n in large)
    if not small:
        return Breakdown(cells)
    return Breakdown(cells, shown(sum(n for _, n in small)), len(small))


# --- place -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """How many member organisations the directory has per province and per region."""

    by_province: Mapping[str, int]
    by_region: Mapping[str, int]

    def anonymous_place(self, province: str | None, region: str | None) -> tuple[str | None, str | None]:
        """The (province, region) an anonymous contribution may keep: the finest level that covers
        at least *k* organisations, never finer than what was recorded; (None, None) is Canada-wide."""
        if province and self.by_province.get(province, 0) >= _k:
            return province, region
        if region and self.by_region.get(region, 0) >= _k:
            return None, region
        return None, None

    def identifying(self, province: str) -> bool:
        """True if an anonymous contribution could not keep this province as it is."""
        return self.by_province.get(province, 0) < _k


async def places(session: AsyncSession) -> Places:
    rows = (
        await session.execute(select(Organisation.province, Organisation.region, func.count()).group_by(
            Organisation.province, Organisation.region
        ))
    ).all()  # fmt: skip
    by_province: dict[str, int] = {}
    by_region: dict[str, int] = {}
    for province, region, n in rows:
        by_province[province] = by_province.get(province, 0) + n
        by_region[region] = by_region.get(region, 0) + n
    return Places(by_province, by_region)
