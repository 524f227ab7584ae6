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
from functools import cached_property
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.members import PROVINCES as PROVINCE_REGIONS
from models import Organisation, Person

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
    """Cells below *k* merged into one "other" cell, which the smallest other cells join until it
    holds two categories and reaches *k* (so that the total minus the cells shown never gives a
    small count away). How many categories it holds is not shown: that too would tell. A lone
    category is shown on its own, by the rule for a single count."""
    ordered = sorted(((key, n) for key, n in counts.items() if n), key=lambda kv: (-kv[1], str(kv[0])))
    if len(ordered) <= 1:
        return Breakdown(tuple((key, shown(n)) for key, n in ordered))
    small = [(key, n) for key, n in ordered if n < _k]
    large = [(key, n) for key, n in ordered if n >= _k]
    # The merged cell must stand for two categories at least, and reach k while cells remain to
    # give it: shown as "fewer than k" beside an exact total, it would be the total minus the rest.
    while small and large and (len(small) == 1 or sum(n for _, n in small) < _k):
        small.insert(0, large.pop())
    cells = tuple((key, shown(n)) for key, n in large)
    if not small:
        return Breakdown(cells)
    return Breakdown(cells, shown(sum(n for _, n in small)), len(small))


# --- place -----------------------------------------------------------------------------------------


def _kept(groups: Mapping[str, int]) -> frozenset[str]:
    """Which of these groups (provinces of a region, or regions of the country) an anonymous entry
    may keep by name: those of *k* organisations or more — less the smallest of them while the
    ones left out together hold some but fewer than *k* organisations. Otherwise "Atlantic, no
    province" would mean "one of Atlantic's small provinces", which may be a single organisation."""
    kept = {g for g, n in groups.items() if n >= _k}
    left_out = sum(n for g, n in groups.items() if g not in kept)
    while kept and 0 < left_out < _k:
        smallest = min(kept, key=lambda g: (groups[g], g))
        kept.discard(smallest)
        left_out += groups[smallest]
    return frozenset(kept)


@dataclass(frozen=True)
class Places:
    """How many member organisations (with someone active in the directory) each province and
    region has, and so which of them an anonymous entry may name."""

    by_province: Mapping[str, int]
    by_region: Mapping[str, int]
    province_region: Mapping[str, str]

    @cached_property
    def kept_provinces(self) -> frozenset[str]:
        kept: set[str] = set()
        for region in set(self.province_region.values()):
            provinces = {p: self.by_province.get(p, 0) for p, r in self.province_region.items() if r == region}
            kept |= _kept(provinces) if region in self.kept_regions else set()
        return frozenset(kept)

    @cached_property
    def kept_regions(self) -> frozenset[str]:
        return _kept({r: self.by_region.get(r, 0) for r in set(self.province_region.values())})

    def anonymous_place(self, province: str | None, region: str | None) -> tuple[str | None, str | None]:
        """The (province, region) an anonymous contribution may keep: never finer than recorded,
        and only where it stays hidden among at least *k* organisations; (None, None) is Canada-wide."""
        if province and province in self.kept_provinces:
            return province, region
        if region and region in self.kept_regions:
            return None, region
        return None, None

    def identifying(self, province: str) -> bool:
        """True if an anonymous contribution could not keep this province as it is."""
        return province not in self.kept_provinces


async def places(session: AsyncSession) -> Places:
    """From the directory: organisations that have someone active (an organisation nobody speaks
    for in Slack cannot be the one a reader is asked to believe sent it)."""
    active = select(Person.organisation_id).where(Person.active.is_(True))
    rows = (
        await session.execute(
            select(Organisation.province, Organisation.region, func.count())
            .where(Organisation.id.in_(active))
            .group_by(Organisation.province, Organisation.region)
        )
    ).all()
    by_province: dict[str, int] = {}
    by_region: dict[str, int] = {}
    for province, region, n in rows:
        by_province[province] = by_province.get(province, 0) + n
        by_region[region] = by_region.get(region, 0) + n
    return Places(by_province, by_region, PROVINCE_REGIONS)
