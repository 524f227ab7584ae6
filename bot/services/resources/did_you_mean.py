"""Did you mean: when no resource has every word, each word no resource contains is replaced by
the closest word of the vocabulary, and each unknown tag by the closest tag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rapidfuzz import fuzz, process
from sqlalchemy import false, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.resources import vocabulary as vocab
from bot.services.resources.engines import PREFIX_MIN
from bot.services.resources.query import Query
from bot.services.resources.words import fold, stem
from models.resources import Resource, ResourceTag

SUGGEST_CUTOFF = 75.0


async def _unknown(session: AsyncSession, terms: Sequence[str]) -> list[str]:
    """The words (3+ letters) no live resource has, as typed or as the start of a longer word."""
    known = await vocab.current(session)
    return [t for t in dict.fromkeys(terms) if len(t) >= PREFIX_MIN and not known.starts_a_word(fold(stem(t)))]


async def _closest_terms(session: AsyncSession, terms: Sequence[str]) -> dict[str, str]:
    """For each word, the closest vocabulary word of about its length."""
    folded = {t: fold(t) for t in terms}
    sizes = [len(f) for f in folded.values()]
    docs = (await vocab.current(session)).of_size(min(sizes) - 2, max(sizes) + 2)
    closest = {}
    for term, word in folded.items():
        choices = [w for w in docs if abs(len(w) - len(word)) <= 2]
        best = process.extract(word, choices, scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF, limit=5)
        if best:
            closest[term] = max(best, key=lambda m: (m[1], docs[m[0]]))[0]
    return closest


async def _closest_tag(session: AsyncSession, tag: str) -> str | None:
    tags = list(
        (
            await session.execute(select(ResourceTag.tag).join(Resource).where(Resource.retired == false()).distinct())
        ).scalars()
    )
    if fold(tag) in tags:
        return None
    best = process.extractOne(fold(tag), tags, scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF)
    return best[0] if best else None


async def suggest(session: AsyncSession, query: Query) -> Query | None:
    """The query with each word no resource contains replaced by the closest word of the
    vocabulary (same length ± 2, `fuzz.ratio` ≥ 75; the more common word wins a tie), and each
    unknown tag by the closest tag. None when there is nothing to correct."""
    unknown = await _unknown(session, query.terms)
    closest = await _closest_terms(session, unknown) if unknown else {}
    terms = [closest.get(term, term) for term in query.terms]
    tags = [await _closest_tag(session, tag) or tag for tag in query.filters.tags]
    corrected = Query(terms=tuple(dict.fromkeys(terms)), filters=replace(query.filters, tags=tuple(tags)))
    return corrected if corrected != query else None
