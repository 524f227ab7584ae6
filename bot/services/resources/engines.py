"""How each database finds and ranks resources: SQLite FTS5 (bm25) and PostgreSQL (`ts_rank` over
a GIN-indexed tsvector). User text never reaches an engine as query syntax: the words are quoted
for FTS5 and passed one by one as bound parameters on PostgreSQL, so `"`, `*`, `NEAR(`, `-x`,
`col:x` or `(((` are only punctuation."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    bindparam,
    column,
    false,
    func,
    literal_column,
    select,
    table,
    union_all,
)
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
CANDIDATES = 1000  # matches ranked per query at most (the newest); see `_sqlite_candidates`

# A search's statement is built once per shape (which filters, how many words, and for PostgreSQL
# whether each is a prefix or a few exact forms, and how far back a walk looks) with every value
# a bound parameter, and kept. Assembling and cache-keying a statement of this size cost more CPU
# than SQLite spends answering it at 100k resources; a kept statement is found compiled in
# SQLAlchemy's cache.


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


def _filter_clauses(shape: FilterShape, rows: Any = Resource.__table__) -> list[ColumnElement[bool]]:
    """Conditions for the filters on `rows`: `resources`, or PostgreSQL's index table, which
    carries the filtered columns too (retired resources are never in the search indexes, so
    only a filters-only listing needs to exclude them)."""
    clauses: list[ColumnElement[bool]] = []
    language = _column_param("language", Resource.language)
    if shape.language == "both":
        clauses.append(rows.c.language == language)
    elif shape.language == "one":
        clauses.append(rows.c.language.in_([language, ResourceLanguage.BOTH]))
    if shape.province == "national":
        clauses.append(rows.c.province.is_(None))
    elif shape.province == "code":
        clauses.append(rows.c.province == _column_param("province", Resource.province))
    if shape.kind:
        clauses.append(rows.c.kind == _column_param("kind", Resource.kind))
    key = next(rows.c[name] for name in ("id", "resource_id", "rowid") if name in rows.c)
    for i in range(shape.tags):  # EXISTS: a primary-key probe per row, never a list of every tagged id
        tagged = select(ResourceTag.resource_id).where(
            ResourceTag.resource_id == key, ResourceTag.tag == bindparam(f"tag{i}")
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


def _asked(terms: Sequence[str]) -> set[str]:
    """The words whose being whole words of the vocabulary decides their match; a short last word
    is a prefix whatever the answer, so it is not asked about."""
    asked = {fold(t) for t in terms[:-1] if len(t) >= PREFIX_MIN}
    if terms and len(terms[-1]) >= WHOLE_LAST_WORD:
        asked.add(fold(terms[-1]))
    return asked


async def _whole_words(session: AsyncSession, terms: Sequence[str]) -> set[str]:
    """Which words are whole words of the vocabulary (without reading it when none is asked about)."""
    asked = _asked(terms)
    if not asked:
        return set()
    return (await vocab.current(session)).whole_words(asked)


FTS5 = table("resources_fts", column("rowid"))
# PostgreSQL's index table carries the filtered columns (migration 0013), so a filtered search
# reads one table and its plan cannot turn into a probe of `resources` per match.
PG_FTS = table(
    "resources_fts",
    column("resource_id"),
    column("document"),
    *(column(name, Resource.__table__.c[name].type) for name in ("language", "province", "kind")),
)
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


def _sqlite_candidates(shape: FilterShape) -> Select[Any]:
    """FTS5 walks its matches newest first (rowid order) and stops at the cap; bm25 is computed
    for those rows only. `resources` is joined only for filters on its columns; tags alone are
    tested on `resource_tags` straight from the match."""
    score = literal_column("bm25(resources_fts, 20.0, 8.0, 1.0)")  # title, tags, description; lower is better
    stmt = select(FTS5.c.rowid.label("id"), score.label("score")).where(sql_text("resources_fts MATCH :match"))
    if shape.language or shape.province or shape.kind:
        stmt = stmt.join_from(FTS5, Resource.__table__, Resource.id == FTS5.c.rowid).where(*_filter_clauses(shape))
    elif shape.tags:
        stmt = stmt.where(*_filter_clauses(shape, FTS5))
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


def _constant(value: int) -> ColumnElement[int]:
    """A LIMIT or OFFSET written into the statement: a generic plan (asyncpg's prepared statements
    get one after five runs) is made knowing it, where a bound one is a guess."""
    return literal_column(str(value))


def _pg_newest_matches(query: ColumnElement[Any], filters: list[ColumnElement[bool]]) -> Select[Any]:
    """The newest CANDIDATES matches, found by the GIN index. `OFFSET 0` fences the match off from
    the ordering: without it a plan (a generic one especially, made without the words) may walk
    the table newest first testing every row, which is fast for a word in a third of the
    resources and a full scan for a rare combination. With it, the cost follows the number of
    matches, whatever the words. Only their ids are sorted; the documents of the newest are read
    again by primary key (sorting 30,000 documents to keep 1,000 cost twice as much)."""
    matches = select(PG_FTS.c.resource_id).where(PG_FTS.c.document.op("@@")(query), *filters)
    found = matches.offset(_constant(0)).subquery("matches")
    newest = (
        select(found.c.resource_id).order_by(found.c.resource_id.desc()).limit(_constant(CANDIDATES)).subquery("newest")
    )
    return select(PG_FTS.c.resource_id, PG_FTS.c.document).join_from(
        newest, PG_FTS, PG_FTS.c.resource_id == newest.c.resource_id
    )


def _pg_walk_or_newest(query: ColumnElement[Any], window: int) -> CompoundSelect:
    """The same rows as `_pg_newest_matches` (no filters), found the other way when a word is
    common: walk the newest `window` rows by primary key testing each, which stops as soon as
    CANDIDATES match (for a word in a third of the resources, after ~3,000 rows instead of
    sorting 30,000 matches). Those are then exactly the newest matches, since every row the walk
    did not reach is older. Fewer means the words are rarer among the newest than the estimate
    said, and the GIN index answers instead, in the same statement (the branch not taken is
    never run: its condition is a one-time filter)."""
    recent = (
        select(PG_FTS.c.resource_id, PG_FTS.c.document)
        .order_by(PG_FTS.c.resource_id.desc())
        .limit(_constant(window))
        .subquery("recent")
    )
    walked = (
        select(recent.c.resource_id, recent.c.document)
        .where(recent.c.document.op("@@")(_once(query)))
        .order_by(recent.c.resource_id.desc())
        .limit(_constant(CANDIDATES))
        .cte("walked")
    )
    enough = select(func.count()).select_from(walked).scalar_subquery() >= _constant(CANDIDATES)
    indexed = _pg_newest_matches(query, []).subquery("indexed")
    return union_all(
        select(walked.c.resource_id, walked.c.document).where(enough),
        select(indexed.c.resource_id, indexed.c.document).where(~enough),
    )


def _once(query: ColumnElement[Any]) -> ColumnElement[Any]:
    """The tsquery as a subquery, which PostgreSQL computes once per statement. Where a row is
    tested or ranked, the expression itself is computed for every row in a generic plan (its
    words are parameters there, so it cannot be folded into a constant): 6,000 parsings of
    `housing` for a walk of 3,000 rows, 28 ms instead of 4. The GIN index condition computes it
    once whatever the plan, and a custom plan sees the words there to estimate their matches."""
    return select(query).scalar_subquery()


def _pg_candidates(shapes: Sequence[int], any_term: bool, filters: FilterShape, window: int | None) -> Select[Any]:
    """The newest CANDIDATES matches (after filters), ranked."""
    query = pg_tsquery(shapes, any_term=any_term)
    if window is None:
        rows = _pg_newest_matches(query, _filter_clauses(filters, PG_FTS)).subquery("candidates")
    else:
        rows = _pg_walk_or_newest(query, window).subquery("candidates")
    score = -func.ts_rank(PG_WEIGHTS, rows.c.document, _once(query))  # negated: lower is better, as bm25
    return select(rows.c.resource_id.label("id"), score.label("score"))


WALK_MARGIN = 2  # a walk may look this many times further back than the estimate says it needs
# What a match costs the GIN index (its row read where it lies, its id sorted, the kept ones read
# again) against a row a walk tests, measured at 100,000 resources: 25 ms for refugees' 6,600
# matches against 9 ms for the walk's 15,000 rows.
WALK_ADVANTAGE = 4


def walk_window(plan: Sequence[Match], vocabulary: vocab.Vocabulary, any_term: bool) -> int | None:
    """How many of the newest rows PostgreSQL should walk for the plan (a power of two, so few
    statements), or None to ask the GIN index. Each word's share of the resources comes from the
    vocabulary (every word at once assumed independent). A walk reads CANDIDATES / share rows,
    the index share × resources matches, each dearer by WALK_ADVANTAGE; so walking pays above a
    share of sqrt(CANDIDATES / (WALK_ADVANTAGE × resources)): 5 % at 100,000, 1.6 % at a million."""
    total = vocabulary.indexed
    if total < 4 * CANDIDATES:
        return None
    shares = []
    for match in plan:
        if match.prefix is not None:
            docs = vocabulary.docs_starting(fold(match.prefix))
        else:
            docs = sum(vocabulary.docs.get(fold(form), 0) for form in match.forms)
        shares.append(min(1.0, docs / total))
    share = 1 - math.prod(1 - s for s in shares) if any_term else math.prod(shares)
    if share * share * WALK_ADVANTAGE * total < CANDIDATES:
        return None
    window = 1 << math.ceil(math.log2(WALK_MARGIN * CANDIDATES / share))
    return window if window < total else None


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
def _page_statement(
    dialect: str, words: tuple[int, ...] | None, any_term: bool, filters: FilterShape, window: int | None = None
) -> Select[Any]:
    """One page of ranked rows, best first (a listing by filters alone is newest first).
    `words` is the plan's shape (see `Match.shape`; only PostgreSQL's statement depends on it),
    None for a listing; `window`, PostgreSQL's walk (see `walk_window`)."""
    if words is None:
        ranked = select(Resource.id.label("id"), literal_column("0").label("score")).where(
            Resource.retired == false(), *_filter_clauses(filters)
        )
        order = [Resource.id.desc()]
    else:
        candidates = (
            _pg_candidates(words, any_term, filters, window) if dialect == "postgresql" else _sqlite_candidates(filters)
        )
        ranked = select(*candidates.subquery("ranked").c)
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
    window: int | None = None
    if query.terms and dialect == "postgresql":
        vocabulary = await vocab.current(session)
        plan = match_plan(query.terms, vocabulary.whole_words(_asked(query.terms)))
        words = tuple(match.shape for match in plan)
        window = None if query.filters else walk_window(plan, vocabulary, any_term)
        params.update(_word_params(plan, dialect, any_term))
    elif query.terms:
        plan = match_plan(query.terms, await _whole_words(session, query.terms))
        words = ()
        params.update(_word_params(plan, dialect, any_term))
    statement = _page_statement(dialect, words, any_term, FilterShape.of(query.filters), window)
    # On the session's connection: Core rows need none of the ORM's execution steps (~10 % of a search).
    found = [_row_view(row) for row in await (await session.connection()).execute(statement, params)]
    if not found:
        return None
    return SearchPage(query=query, hits=tuple(found[:limit]), offset=offset, has_more=len(found) > limit, mode=mode)
