"""The search vocabulary (`resource_terms`: each folded word of a live resource and how many
resources have it), kept in step by every write and held in memory by each process for up to a
minute.

Every search asks it which words are whole words (exact forms instead of prefixes), and every
"did you mean" which words are unknown and which known words are closest. Asked of the database,
that was one more statement per search and two per typo; here it is a dictionary lookup.

A stale copy changes no answer's correctness, only how a word is looked up: a word new to the
vocabulary is matched as a prefix (a superset of its exact forms) until the copy is refreshed, and
a word gone from it has no resources to find. This process's own resource writes drop the copy at
once (see `forget`); other processes' writes are seen within `MAX_AGE`.

On PostgreSQL the copy also holds how many resources the index has (the planner's own count), so
a word's `docs` says what share of them it is in: see `engines.walk_window`.
"""

from __future__ import annotations

import bisect
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, delete, event, false, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.services.resources.words import findable_words
from bot.services.sql import dialect_of
from models.resources import Resource, ResourceTerm

MAX_AGE = 60.0  # seconds


@dataclass(frozen=True)
class Vocabulary:
    docs: dict[str, int]  # word -> live resources containing it (> 0 only)
    indexed: int = 0  # resources in PostgreSQL's index (an estimate), 0 on SQLite, which needs none
    loaded_at: float = field(default_factory=time.monotonic)
    _sorted: list[str] = field(default_factory=list)
    _by_size: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, docs: dict[str, int], indexed: int = 0) -> Vocabulary:
        by_size: dict[int, list[str]] = defaultdict(list)
        for word in docs:
            by_size[len(word)].append(word)
        return cls(docs=docs, indexed=indexed, _sorted=sorted(docs), _by_size=dict(by_size))

    def whole_words(self, words: Iterable[str]) -> set[str]:
        return {w for w in words if w in self.docs}

    def starts_a_word(self, prefix: str) -> bool:
        """Whether some word begins with `prefix` (itself included)."""
        at = bisect.bisect_left(self._sorted, prefix)
        return at < len(self._sorted) and self._sorted[at].startswith(prefix)

    def docs_starting(self, prefix: str) -> int:
        """Resources with a word that begins with `prefix`, at most (one with two such words counts twice)."""
        total, at = 0, bisect.bisect_left(self._sorted, prefix)
        while at < len(self._sorted) and self._sorted[at].startswith(prefix):
            total += self.docs[self._sorted[at]]
            at += 1
        return total

    def of_size(self, low: int, high: int) -> dict[str, int]:
        return {w: self.docs[w] for size in range(low, high + 1) for w in self._by_size.get(size, ())}


_copies: WeakKeyDictionary[Engine, Vocabulary] = WeakKeyDictionary()


def _engine(session: AsyncSession) -> Engine:
    return session.sync_session.get_bind()  # type: ignore[return-value]


async def current(session: AsyncSession) -> Vocabulary:
    """This process's copy for the session's database, read again when older than MAX_AGE."""
    engine = _engine(session)
    copy = _copies.get(engine)
    if copy is None or time.monotonic() - copy.loaded_at > MAX_AGE:
        rows = await session.execute(select(ResourceTerm.term, ResourceTerm.docs).where(ResourceTerm.docs > 0))
        docs = {term: docs for term, docs in rows}
        indexed = await _indexed(session) if dialect_of(session) == "postgresql" else 0
        copy = _copies[engine] = Vocabulary.of(docs, indexed)
    return copy


async def _indexed(session: AsyncSession) -> int:
    """The rows of `resources_fts` as the planner last counted them (autovacuum keeps it close),
    counted once when the table was never analysed. An estimate is enough: it only chooses
    between two plans that give the same answer."""
    estimate = await session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = 'resources_fts'::regclass"))
    if estimate is not None and estimate >= 0:
        return int(estimate)
    return await session.scalar(select(func.count()).select_from(text("resources_fts"))) or 0


def forget(session: AsyncSession) -> None:
    """Drop this process's copy after a change to the vocabulary: now, and again once the change is
    committed (a search in between may have read the copy as it was before the commit)."""
    _copies.pop(_engine(session), None)
    session.sync_session.info[_CHANGED] = True


_CHANGED = "nls_vocabulary_changed"


@event.listens_for(Session, "after_commit")
def _forget_committed(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        _copies.pop(session.get_bind(), None)  # type: ignore[call-overload]


# --- keeping the counts: every write, and a recount after a bulk load ---------------------------


async def count_terms(session: AsyncSession, changes: Counter[str]) -> None:
    """Apply +n/-n document counts to the vocabulary, in term order (so concurrent writers lock
    rows in the same order and cannot deadlock)."""
    changes = Counter({t: n for t, n in changes.items() if n})
    if not changes:
        return
    forget(session)
    insert = postgresql.insert if dialect_of(session) == "postgresql" else sqlite.insert
    rows = [{"term": t[:64], "size": len(t), "docs": n} for t, n in sorted(changes.items())]
    for start in range(0, len(rows), 1000):
        stmt = insert(ResourceTerm).values(rows[start : start + 1000])
        stmt = stmt.on_conflict_do_update(
            index_elements=[ResourceTerm.term], set_={"docs": ResourceTerm.docs + stmt.excluded.docs}
        )
        await session.execute(stmt)


def terms_of(resource: Resource) -> set[str]:
    return set() if resource.retired else findable_words(resource.title, resource.tags, resource.description)


def difference(before: set[str], after: set[str]) -> Counter[str]:
    """+1 for each word a resource gained, -1 for each it lost (a Counter keeps negatives here)."""
    return Counter({**{t: 1 for t in after - before}, **{t: -1 for t in before - after}})


async def rebuild_vocabulary(session: AsyncSession) -> int:
    """Recount the vocabulary from every live resource (after a bulk load that bypassed the
    service). Returns the number of distinct terms."""
    counts: Counter[str] = Counter()
    rows = await session.stream(
        select(Resource.title, Resource.tags, Resource.description).where(Resource.retired == false())
    )
    async for title, tags, description in rows:
        counts.update(findable_words(title, tags, description))
    await session.execute(delete(ResourceTerm))
    forget(session)
    await count_terms(session, counts)
    return len(counts)
