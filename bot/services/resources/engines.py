"""How each database finds and ranks resources: SQLite FTS5 (bm25) and PostgreSQL (`ts_rank` over
a GIN-indexed tsvector). User text never reaches an engine as query syntax: the words are quoted
for FTS5 and passed one by one as bound parameters on PostgreSQL, so `"`, `*`, `NEAR(`, `-x`,
`col:x` or `(((` are only punctuation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, bindparam, column, false, func, literal_column, select, table
from sqlalchemy import text as sql_text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.resources import vocabulary as vocab
from bot.services.resources.input import NATIONAL
from bot.services.resources.query import Filters, Query, SearchMode
from bot.services.resources.results import ResourceView, SearchPage, split_tags
from bot.services.resources.words import fold, number_forms, stem
from bot.services.sql import dialect_of
from models.resources import PG_SEARCH_CONFIG, Resource, ResourceLanguage, ResourceTag

PREFIX_MIN = 3  # shorter words match exactly: a 1-2 letter prefix matches half the index
CANDIDATES = 1000  # matches ranked per query at most (the newest); see `_candidates`

# whether each is a prefix or a few exact forms) with every value a bound parameter, and kept.
# Assembling and cache-keying a statement of this size cost more CPU than SQLite spends
# answering it at 100k resources; a kept statement is found compiled in SQLAlchemy's cache.


@dataclass(frozen=True)
class FilterShape:
    language: Literal["both", "one"] | None = None  # only bilingual, or one language (or both)
    province: Literal["national", "code"] | None = None
    kind: bool = False
    tags: int = 0

    @classmethod
    def of(cls, filters: Filters) -> FilterShape:
        language = None if filters.language is None else "both" if filters.language is ResourceLanguage.BOTH else "one"
        province = None if not filters.province else "national" if filters.province == NATIONAL else "code"
        return cls(language, province, filters.kind is not None, len(filters.tags))


def _filter_params(filters: Filters) -> dict[str, Any]:
    params: dict[str, Any] = {f"tag{i}": fold(tag) for i, tag in enumerate(filters.tags)}
    if filters.language is not None:
        params["language"] = filters.language
    if filters.province and filters.province != NATIONAL:
        params["province"] = filters.province
    if filters.kind is not None:
        params["kind"] = filters.kind
    return params


def _column_param(name: str, column: Any) -> Any:
    return bindparam(name, type_=column.type)


def _filter_clauses(shape: FilterShape) -> list[ColumnElement[bool]]:
    """Conditions on `resources` for the filters (retired resources are never in the search
    indexes, so only a filters-only listing needs to exclude them)."""
    clauses: list[ColumnElement[bool]] = []
    language = _column_param("language", Resource.language)
    if shape.language == "both":
        clauses.append(Resource.language == language)
    elif shape.language == "one":
        clauses.append(Resource.language.in_([language, ResourceLanguage.BOTH]))
    if shape.province == "national":
        clauses.append(Resource.province.is_(None))
    elif shape.province == "code":
        clauses.append(Resource.province == _column_param("province", Resource.province))
    if shape.kind:
        clauses.append(Resource.kind == _column_param("kind", Resource.kind))
    for i in range(shape.tags):  # EXISTS: a primary-key probe per row, never a list of every tagged id
        tagged = select(ResourceTag.resource_id).where(
            ResourceTag.resource_id == Resource.id, ResourceTag.tag == bindparam(f"tag{i}")
        )
        clauses.append(tagged.exists())
    return clauses


@dataclass(frozen=True)
class Match:
    """How one word is looked up: as any of a few exact forms, or as a prefix."""

    forms: tuple[str, ...] = ()
    prefix: str | None = None

    @property
    def shape(self) -> int:
        """0 for a prefix, else the number of forms: what the PostgreSQL statement depends on."""
        return 0 if self.prefix is not None else len(self.forms)


WHOLE_LAST_WORD = 7  # a whole last word this long is taken as finished (see `match_plan`)


def match_plan(terms: Sequence[str], complete: Iterable[str] = ()) -> list[Match]:
    """Words of 3+ letters match as prefixes when they may be unfinished: any word that is not
    a whole word of the vocabulary (`complete`, folded), and a short last word even when it is
    one (`employ` should find employment, `health` healthcare). Whole words match themselves or
    their other number, which the engines look up directly instead of merging every word that
    starts with them (half the time or less for a broad word at 100k resources). Shorter words
    match exactly."""
    whole = set(complete)
    plan = []
    for index, term in enumerate(terms):
        last = index == len(terms) - 1
        if len(term) < PREFIX_MIN:
            plan.append(Match(forms=(term,)))
        elif fold(term) not in whole or (last and len(term) < WHOLE_LAST_WORD):
            plan.append(Match(prefix=stem(term)))
        else:
            plan.append(Match(forms=number_forms(term)))
    return plan


async def _whole_words(session: AsyncSession, terms: Sequence[str]) -> set[str]:
    """Which words are whole words of the vocabulary; a short last word is a prefix whatever
    the answer, so it is not asked about."""
    asked = {fold(t) for t in terms[:-1] if len(t) >= PREFIX_MIN}
    if terms and len(terms[-1]) >= WHOLE_LAST_WORD:
        asked.add(fold(terms[-1]))
    if not asked:
        return set()
    return (await vocab.current(session)).whole_words(asked)


FTS5 = table("resources_fts", column("rowid"))
PG_FTS = table("resources_fts", column("resource_id"), column("document"))
PG_CONFIG = literal_column(f"'{PG_SEARCH_CONFIG}'::regconfig")
PG_WEIGHTS = literal_column("'{0.05, 0.1, 0.4, 1.0}'::float4[]")  # D, C description, B tags, A title


def _fts5_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts5_expression(plan: Sequence[Match], *, any_term: bool) -> str:
    """An FTS5 MATCH expression where every word is a quoted string (FTS5 operators inside
    quotes are plain text), with `*`, `OR` and `AND` added by us only."""
    parts = []
    for match in plan:
        if match.prefix is not None:
            parts.append(_fts5_quote(match.prefix) + "*")
        elif len(match.forms) == 1:
            parts.append(_fts5_quote(match.forms[0]))
        else:
            parts.append("(" + " OR ".join(_fts5_quote(f) for f in match.forms) + ")")
    return (" OR " if any_term else " AND ").join(parts)


def _sqlite_candidates(filters: list[ColumnElement[bool]]) -> Select[Any]:
    """FTS5 walks its matches newest first (rowid order) and stops at the cap; bm25 is computed
    for those rows only. `resources` is joined only to apply filters."""
    score = literal_column("bm25(resources_fts, 20.0, 8.0, 1.0)")  # title, tags, description; lower is better
    stmt = select(FTS5.c.rowid.label("id"), score.label("score")).where(sql_text("resources_fts MATCH :match"))
    if filters:
        stmt = stmt.join_from(FTS5, Resource.__table__, Resource.id == FTS5.c.rowid).where(*filters)
    return stmt.order_by(FTS5.c.rowid.desc()).limit(CANDIDATES)


def _pg_word(index: int, shape: int) -> ColumnElement[Any]:
    if shape == 0:
        return func.to_tsquery(PG_CONFIG, bindparam(f"w{index}"))
    forms = [func.websearch_to_tsquery(PG_CONFIG, bindparam(f"w{index}_{n}")) for n in range(shape)]
    combined = forms[0]
    for form in forms[1:]:
        combined = combined.op("||")(form)
    return combined


def pg_tsquery(shapes: Sequence[int], *, any_term: bool) -> ColumnElement[Any]:
    """A tsquery combined from one query per word form, each a bound parameter holding letters
    and digits only: `websearch_to_tsquery` for exact words (it never raises), `to_tsquery(word:*)`
    for prefixes (websearch syntax has none; the word cannot contain an operator)."""
    parts = [_pg_word(index, shape) for index, shape in enumerate(shapes)]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined.op("||" if any_term else "&&")(part)
    return combined


def _pg_candidates(shapes: Sequence[int], any_term: bool, filters: list[ColumnElement[bool]]) -> Select[Any]:
    """The GIN index finds every match, the newest CANDIDATES are kept, and only those are
    ranked. `OFFSET 0` fences the match off from the ordering: without it a plan (a generic one
    especially, made without the words) may walk the table newest first testing every row, which
    is fast for a word in a third of the resources and a full scan for a rare combination. With
    it, the cost follows the number of matches, whatever the words."""
    query = pg_tsquery(shapes, any_term=any_term)
    matches = select(PG_FTS.c.resource_id, PG_FTS.c.document).where(PG_FTS.c.document.op("@@")(query))
    if filters:
        matches = matches.join_from(PG_FTS, Resource.__table__, Resource.id == PG_FTS.c.resource_id).where(*filters)
    found = matches.offset(0).subquery("matches")
    score = -func.ts_rank(PG_WEIGHTS, found.c.document, query)  # negated: lower is better, as bm25
    return (
        select(found.c.resource_id.label("id"), score.label("score"))
        .order_by(found.c.resource_id.desc())
        .limit(CANDIDATES)
    )


def _word_params(plan: Sequence[Match], dialect: str, any_term: bool) -> dict[str, str]:
    if dialect != "postgresql":
        return {"match": fts5_expression(plan, any_term=any_term)}
    params = {}
    for index, match in enumerate(plan):
        if match.prefix is not None:
            params[f"w{index}"] = match.prefix + ":*"
        else:
            params.update({f"w{index}_{n}": form for n, form in enumerate(match.forms)})
    return params


_VIEW_COLUMNS = tuple(Resource.__table__.c[name] for name in ResourceView.__dataclass_fields__)


@lru_cache(maxsize=512)
def _page_statement(dialect: str, words: tuple[int, ...] | None, any_term: bool, filters: FilterShape) -> Select[Any]:
    """One page of ranked rows, best first (a listing by filters alone is newest first).
    `words` is the plan's shape (see `Match.shape`; only PostgreSQL's statement depends on it),
    None for a listing."""
    clauses = _filter_clauses(filters)
    if words is None:
        ranked = select(Resource.id.label("id"), literal_column("0").label("score")).where(
            Resource.retired == false(), *clauses
        )
        order = [Resource.id.desc()]
    else:
        candidates = (
            _pg_candidates(words, any_term, clauses) if dialect == "postgresql" else _sqlite_candidates(clauses)
        )
        ranked = select(*candidates.subquery("candidates").c)
        order = [ranked.selected_columns.score, ranked.selected_columns.id.desc()]
    top = ranked.order_by(*order).offset(bindparam("offset")).limit(bindparam("limit")).subquery("top")
    return (
        select(*_VIEW_COLUMNS)
        .join_from(Resource.__table__, top, Resource.id == top.c.id)
        .order_by(top.c.score, Resource.id.desc())
    )


def _row_view(row: Any) -> ResourceView:
    values = row._asdict()
    values["tags"] = split_tags(values["tags"])
    return ResourceView(**values)


async def page(session: AsyncSession, query: Query, mode: SearchMode, offset: int, limit: int) -> SearchPage | None:
    """Rank, then read only the rows of the page (and one more, to know whether there is a next)."""
    dialect, any_term = dialect_of(session), mode == "any"
    params: dict[str, Any] = {**_filter_params(query.filters), "offset": offset, "limit": limit + 1}
    words: tuple[int, ...] | None = None
    if query.terms:
        plan = match_plan(query.terms, await _whole_words(session, query.terms))
        words = tuple(match.shape for match in plan) if dialect == "postgresql" else ()
        params.update(_word_params(plan, dialect, any_term))
    statement = _page_statement(dialect, words, any_term, FilterShape.of(query.filters))
    # On the session's connection: Core rows need none of the ORM's execution steps (~10 % of a search).
    found = [_row_view(row) for row in await (await session.connection()).execute(statement, params)]
    if not found:
        return None
    return SearchPage(query=query, hits=tuple(found[:limit]), offset=offset, has_more=len(found) > limit, mode=mode)
