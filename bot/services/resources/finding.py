"""One domain function, `search`, answers `/nls find`, mentions, DMs, the shell and the benchmark:
every word first, then a corrected query, then any of the words."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.resources.did_you_mean import suggest
from bot.services.resources.engines import page
from bot.services.resources.errors import EmptyQuery
from bot.services.resources.query import Query, SearchMode, parse_query
from bot.services.resources.results import SearchPage
from models.resources import Resource, ResourceTag

PAGE_SIZE = 5


async def search(session: AsyncSession, query: Query | str, *, offset: int = 0, limit: int = PAGE_SIZE) -> SearchPage:
    """Ranked answers for what a person typed: title matches first, then tags, then
    descriptions; filters narrow. When no resource has every word, a typo is corrected against
    the vocabulary ("did you mean"), else resources with any of the words are offered."""
    parsed = parse_query(query) if isinstance(query, str) else query
    if not parsed:
        raise EmptyQuery()
    offset, limit = max(0, offset), max(1, min(limit, 20))
    first_try: SearchMode = "all" if parsed.terms else "filters"
    found = await page(session, parsed, first_try, offset, limit)
    if found:
        return found
    corrected = await suggest(session, parsed)
    if corrected is not None:
        fixed = await page(session, corrected, first_try, offset, limit)
        if fixed:
            return replace(fixed, query=parsed, mode="corrected", corrected=corrected)
    if len(parsed.terms) > 1:
        partial = await page(session, parsed, "any", offset, limit)
        if partial:
            return partial
    return SearchPage(parsed, (), offset, False, first_try)


async def popular_tags(session: AsyncSession, limit: int = 8) -> list[str]:
    """The most used topics, to suggest filters in the how-to."""
    count = func.count().label("n")
    rows = await session.execute(
        select(ResourceTag.tag, count)
        .join(Resource)
        .where(Resource.retired == false())
        .group_by(ResourceTag.tag)
        .order_by(count.desc(), ResourceTag.tag)
        .limit(limit)
    )
    return [tag for tag, _ in rows.all()]
