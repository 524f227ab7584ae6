"""The resource repository: ranked bilingual search, adding and keeping resources current.

One domain function, `search`, answers `/nls find`, mentions, DMs, the shell and the benchmark.
The database ranks (SQLite FTS5 bm25, PostgreSQL `ts_rank` over a GIN-indexed tsvector); this
module only turns what a person typed into safe terms and filters. User text never reaches the
engine as query syntax: words are cut out of it (`[^\\W_]+`), quoted for FTS5 and passed one by one
as bound parameters on PostgreSQL, so `"`, `*`, `NEAR(`, `-x`, `col:x` or `(((` are only
punctuation.

Rules of the repository (who may add, edit, retire, confirm a resource is current) live here too,
so a button, a slash command, the review DM and the CLI are covered by the same checks.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, Select, bindparam, column, delete, false, func, literal_column, select, table
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services import audit
from bot.services import vocabulary as vocab
from bot.services.contributions import (
    Fact,
    HomeAction,
    HomeLink,
    NeedsYou,
    Section,
    digest_section,
    home_area,
    lead_stats,
    needs_you,
)
from bot.services.errors import Conflict, ImportFailed, Invalid, NotAllowed, NotFound, RowError
from bot.services.imports import CellProblem, in_file_order, missing_columns, read_date
from bot.services.members import PROVINCES, Member
from bot.services.sql import dialect_of
from models import Person, Role, RoleGrant
from models.resources import PG_SEARCH_CONFIG, Resource, ResourceKind, ResourceLanguage, ResourceTag, ResourceTerm

PAGE_SIZE = 5
MAX_QUERY_CHARS = 300  # longer text is refused with a hint; a search is a few words
MAX_TERMS = 8
PREFIX_MIN = 3  # shorter words match exactly: a 1-2 letter prefix matches half the index
MAX_WORD = 40  # no real word is longer; longer runs are noise
REVIEW_PERIOD = timedelta(days=365)
REVIEW_NOTICE = timedelta(days=31)  # the monthly DM lists what falls due before the next one
SUGGEST_CUTOFF = 75.0
CANDIDATES = 1000  # matches ranked per query at most (the newest); see `_candidates`
CSV_COLUMNS = ("title", "url", "description", "tags", "language", "province", "kind")
EXPORT_COLUMNS = (*CSV_COLUMNS, "owner", "review_by")
NATIONAL = "national"

LIMITS = {"title": 200, "url": 500, "description": 2000, "tags": 10, "tag": 40}


SearchMode = Literal["all", "any", "corrected", "filters"]


# --- errors --------------------------------------------------------------------------------


class EmptyQuery(Invalid):
    """Nothing to search for: the answer is a short how-to."""

    key = "resources.find.how_to"


class QueryTooLong(Invalid):
    key = "resources.find.too_long"


class BadFilter(Invalid):
    key = "resources.find.bad_filter"


class FormInvalid(Invalid):
    """Every problem of a submitted form at once, by field name (`title`, `url` …), each an
    i18n key with its parameters, so a modal can show them all inline."""

    key = "resources.form.invalid"

    def __init__(self, problems: dict[str, tuple[str, dict[str, Any]]]) -> None:
        self.problems = problems
        first = next(iter(problems))
        super().__init__(field=first)


class DuplicateResource(Conflict):
    key = "resources.form.duplicate"


class ResourceImportFailed(ImportFailed):
    key = "resources.import_failed"


# --- words ---------------------------------------------------------------------------------

WORD = re.compile(r"[^\W_]+")


def fold(word: str) -> str:
    """Lower-case without accents, as both indexes compare words (`établissement` → `etablissement`)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Words that carry no meaning in a question ("where is the housing toolkit?", "où est le guide
# sur le logement ?"). Searching requires every word, so these would otherwise empty the answer.
_STOP_TEXT = """
    a about an and any are as at be can could do does find for from have how i in is it looking
    me my need of on or please show some that the there this to want we what where which who with you
    your anyone know hi hello hey thanks thank
    au aux avec ce ces cherche chercher comment d dans de des du elle en est et il j je l la le les
    leur lui m ma me mes moi mon ne nous on ou où par pas pour qu quel quelle quels quelles qui s sa
    se ses son sur t ta te tes toi ton trouver tu un une vos votre vous y bonjour salut allo merci
    """
STOP_WORDS = frozenset(fold(w) for w in _STOP_TEXT.split())


def words(text: str) -> list[str]:
    """The words of a text, lower-cased; everything that is not a letter or digit separates."""
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def stem(term: str) -> str:
    """Drop an English/French plural ending, for a prefix that finds both numbers
    (`toolkits` → `toolkit*`, `communities` → `communit*`, `logements` → `logement*`)."""
    if len(term) >= 6 and term.endswith("ies"):
        return term[:-3]
    if len(term) >= 5 and term.endswith("s") and not term.endswith("ss"):
        return term[:-1]
    return term


def number_forms(term: str) -> tuple[str, ...]:
    """A complete word and its other number, to match exactly (`toolkit` ↔ `toolkits`,
    `community` ↔ `communities`, `logement` ↔ `logements`)."""
    if len(term) >= 6 and term.endswith("ies"):
        return (term, term[:-3] + "y")
    if len(term) >= 5 and term.endswith("y") and term[-2] not in "aeiou":
        return (term, term[:-1] + "ies")
    if len(term) >= 5 and term.endswith("s") and not term.endswith("ss"):
        return (term, term[:-1])
    return (term, term + "s") if len(term) >= 4 else (term,)


def vocabulary(*texts: str) -> set[str]:
    """The folded words a resource is findable by, for "did you mean" (stop words and numbers
    left out: nobody misspells them in a way worth correcting)."""
    found = set()
    for text in texts:
        for word in words(text):
            folded = fold(word)
            if 2 <= len(folded) <= MAX_WORD and not folded.isdigit() and folded not in STOP_WORDS:
                found.add(folded)
    return found


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    tags: tuple[str, ...] = ()
    language: ResourceLanguage | None = None
    province: str | None = None  # a code, or NATIONAL
    kind: ResourceKind | None = None

    def __bool__(self) -> bool:
        return bool(self.tags or self.language or self.province or self.kind)

    def words(self) -> list[str]:
        out = [f"tag:{t}" for t in self.tags]
        if self.language:
            out.append(f"lang:{self.language.value}")
        if self.province:
            out.append(f"prov:{self.province}")
        if self.kind:
            out.append(f"kind:{self.kind.value}")
        return out


@dataclass(frozen=True)
class Query:
    """What to look for: words (all required, ranked) and exact filters."""

    terms: tuple[str, ...] = ()
    filters: Filters = field(default_factory=Filters)

    @property
    def text(self) -> str:
        """The query written back, so it can be shown and run again (`More results`)."""
        return " ".join([*self.terms, *self.filters.words()])

    def __bool__(self) -> bool:
        return bool(self.terms or self.filters)


FILTER_KEYS = {
    "tag": "tag",
    "topic": "tag",
    "sujet": "tag",
    "lang": "lang",
    "language": "lang",
    "langue": "lang",
    "prov": "prov",
    "province": "prov",
    "territory": "prov",
    "territoire": "prov",
    "kind": "kind",
    "type": "kind",
}
FILTER = re.compile(r"(?<!\S)(\w+):(\S*)")


def parse_query(text: str) -> Query:
    """Split what a person typed into words and `key:value` filters. Unknown keys (`col:x`) are
    just words; a known key with a bad value is refused with the values it accepts."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(max=MAX_QUERY_CHARS)
    filters: dict[str, Any] = {"tags": []}

    def take(match: re.Match[str]) -> str:
        key = FILTER_KEYS.get(match.group(1).casefold())
        if key is None:
            return match.group(0)
        _apply_filter(filters, key, match.group(2))
        return " "

    rest = FILTER.sub(take, text)
    tags = tuple(dict.fromkeys(filters.pop("tags")))
    return Query(terms=_terms(rest), filters=Filters(tags=tags, **filters))


def _terms(text: str) -> tuple[str, ...]:
    found = [w for w in words(text) if len(w) <= MAX_WORD]
    meaningful = [w for w in found if fold(w) not in STOP_WORDS]
    return tuple(dict.fromkeys(meaningful))[:MAX_TERMS]


def _apply_filter(filters: dict[str, Any], key: str, raw: str) -> None:
    value = raw.strip().strip(".,;!?\"'").casefold()
    if key == "tag":
        tag = normalise_tag(value)
        if not tag:
            raise BadFilter(filter="tag", value=raw, choices="housing, employment, …")
        filters["tags"].append(tag)
    elif key == "lang":
        if value not in {lang.value for lang in ResourceLanguage}:
            raise BadFilter(filter="lang", value=raw, choices="en, fr, both")
        filters["language"] = ResourceLanguage(value)
    elif key == "prov":
        code = parse_province(value)
        if code is False:
            raise BadFilter(filter="prov", value=raw, choices=", ".join([*PROVINCES, NATIONAL]))
        filters["province"] = code or NATIONAL
    else:
        if value not in {k.value for k in ResourceKind}:
            raise BadFilter(filter="kind", value=raw, choices=", ".join(k.value for k in ResourceKind))
        filters["kind"] = ResourceKind(value)


def parse_province(value: str | None) -> str | Literal[False] | None:
    """A province/territory code, None for national (empty, `national`, `CA`), False if unknown."""
    code = (value or "").strip().upper()
    if code in ("", "NATIONAL", "CA", "CANADA"):
        return None
    return code if code in PROVINCES else False


def normalise_tag(raw: str) -> str:
    """`Language Training` → `language-training`: lower-case letters, digits and hyphens."""
    words_ = WORD.findall(unicodedata.normalize("NFKC", raw).casefold())
    return "-".join(words_)[: LIMITS["tag"]].strip("-")


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceView:
    """A resource as of one read, safe to render after the session closed."""

    id: int
    title: str
    url: str | None
    description: str
    tags: tuple[str, ...]
    language: ResourceLanguage
    province: str | None
    kind: ResourceKind
    owner_id: str
    added_by: str | None
    created_at: datetime
    updated_at: datetime
    review_by: date
    retired: bool


@dataclass(frozen=True)
class SearchPage:
    """One page of answers. `mode` says how they were found: every word (`all`), any word
    because no resource had them all (`any`), after correcting a typo (`corrected`, with the
    corrected query), or by filters alone (`filters`)."""

    query: Query
    hits: tuple[ResourceView, ...]
    offset: int
    has_more: bool
    mode: SearchMode
    corrected: Query | None = None

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.hits)


def _view(resource: Resource) -> ResourceView:
    return ResourceView(
        id=resource.id,
        title=resource.title,
        url=resource.url,
        description=resource.description,
        tags=split_tags(resource.tags),
        language=resource.language,
        province=resource.province,
        kind=resource.kind,
        owner_id=resource.owner_id,
        added_by=resource.added_by,
        created_at=resource.created_at,
        updated_at=resource.updated_at,
        review_by=resource.review_by,
        retired=resource.retired,
    )


def split_tags(stored: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in stored.split(",") if t.strip())


# --- the search engines --------------------------------------------------------------------


def _dialect(session: AsyncSession) -> str:
    return dialect_of(session)


# Every search statement is built once per *shape* (which filters are set; how many words, and
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


async def _page(session: AsyncSession, query: Query, mode: SearchMode, offset: int, limit: int) -> SearchPage | None:
    """Rank, then read only the rows of the page (and one more, to know whether there is a next)."""
    dialect, any_term = _dialect(session), mode == "any"
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


async def search(session: AsyncSession, query: Query | str, *, offset: int = 0, limit: int = PAGE_SIZE) -> SearchPage:
    """Ranked answers for what a person typed: title matches first, then tags, then
    descriptions; filters narrow. When no resource has every word, a typo is corrected against
    the vocabulary ("did you mean"), else resources with any of the words are offered."""
    parsed = parse_query(query) if isinstance(query, str) else query
    if not parsed:
        raise EmptyQuery()
    offset, limit = max(0, offset), max(1, min(limit, 20))
    first_try: SearchMode = "all" if parsed.terms else "filters"
    found = await _page(session, parsed, first_try, offset, limit)
    if found:
        return found
    corrected = await suggest(session, parsed)
    if corrected is not None:
        fixed = await _page(session, corrected, first_try, offset, limit)
        if fixed:
            return replace(fixed, query=parsed, mode="corrected", corrected=corrected)
    if len(parsed.terms) > 1:
        partial = await _page(session, parsed, "any", offset, limit)
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


# --- did you mean ---------------------------------------------------------------------------


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


async def _count_terms(session: AsyncSession, changes: Counter[str]) -> None:
    """Apply +n/-n document counts to the vocabulary, in term order (so concurrent writers lock
    rows in the same order and cannot deadlock)."""
    changes = Counter({t: n for t, n in changes.items() if n})
    if not changes:
        return
    vocab.forget(session)
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    rows = [{"term": t[:64], "size": len(t), "docs": n} for t, n in sorted(changes.items())]
    for start in range(0, len(rows), 1000):
        stmt = insert(ResourceTerm).values(rows[start : start + 1000])
        stmt = stmt.on_conflict_do_update(
            index_elements=[ResourceTerm.term], set_={"docs": ResourceTerm.docs + stmt.excluded.docs}
        )
        await session.execute(stmt)


def _terms_of(resource: Resource) -> set[str]:
    return set() if resource.retired else vocabulary(resource.title, resource.tags, resource.description)


# --- the form: adding and editing -------------------------------------------------------------

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _problem(key: str, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(key, key, params)


class ResourceInput(BaseModel):
    """What a person (or a CSV row) says about a resource, checked before anything is written.
    Each problem is an i18n key, so the modal can show it next to its field."""

    title: str
    url: str | None = None
    description: str = ""
    tags: tuple[str, ...] = ()
    language: ResourceLanguage = ResourceLanguage.EN
    province: str | None = None
    kind: ResourceKind = ResourceKind.OTHER

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> str:
        title = " ".join(CONTROL.sub(" ", str(value or "")).split())
        if not title:
            raise _problem("resources.form.title_required")
        if len(title) > LIMITS["title"]:
            raise _problem("resources.form.too_long", max=LIMITS["title"], length=len(title))
        return title

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, value: Any) -> str | None:
        raw = str(value or "").strip()
        if not raw:
            return None
        if len(raw) > LIMITS["url"]:
            raise _problem("resources.form.too_long", max=LIMITS["url"], length=len(raw))
        url = clean_url(raw)
        if url is None:
            raise _problem("resources.form.url_invalid")
        return url

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, value: Any) -> str:
        text = CONTROL.sub("", str(value or "")).replace("\r\n", "\n").strip()
        if len(text) > LIMITS["description"]:
            raise _problem("resources.form.too_long", max=LIMITS["description"], length=len(text))
        return text

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> tuple[str, ...]:
        items = re.split(r"[;,\n]", value) if isinstance(value, str) else list(value or [])
        tags = tuple(dict.fromkeys(t for t in (normalise_tag(str(i)) for i in items) if t))
        if len(tags) > LIMITS["tags"]:
            raise _problem("resources.form.too_many_tags", max=LIMITS["tags"])
        return tags

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str:
        raw = str(value or "").strip().casefold().replace(" ", "")
        aliases = {"": "en", "en;fr": "both", "fr;en": "both", "en,fr": "both", "bilingual": "both"}
        raw = aliases.get(raw, raw)
        if raw not in {lang.value for lang in ResourceLanguage}:
            raise _problem("resources.form.language_invalid")
        return raw

    @field_validator("province", mode="before")
    @classmethod
    def _province(cls, value: Any) -> str | None:
        code = parse_province(str(value or ""))
        if code is False:
            raise _problem("resources.form.province_invalid")
        return code

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        raw = str(value or "").strip().casefold() or ResourceKind.OTHER.value
        if raw not in {k.value for k in ResourceKind}:
            raise _problem("resources.form.kind_invalid")
        return raw

    @model_validator(mode="after")
    def _findable(self) -> ResourceInput:
        if self.url is None and not self.description:
            raise _problem("resources.form.url_or_description")
        return self


def validate_input(data: dict[str, Any]) -> ResourceInput:
    """`ResourceInput` from raw answers, or `FormInvalid` naming every field that is wrong."""
    try:
        return ResourceInput.model_validate(data)
    except ValidationError as exc:
        problems: dict[str, tuple[str, dict[str, Any]]] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "url"  # the one rule across fields
            key = error["type"] if error["type"].startswith("resources.") else "resources.form.invalid"
            problems.setdefault(name, (key, dict(error.get("ctx") or {})))
        raise FormInvalid(problems) from None


def clean_url(raw: str) -> str | None:
    """An http(s) address with a real host, or None. `www.…` gets `https://`. Addresses with
    spaces, control characters or Slack's markup characters are refused rather than repaired."""
    url = raw.strip()
    if url.lower().startswith("www."):
        url = "https://" + url
    if re.search(r"[\s<>\"|\\^`{}]", url) or CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or "." not in host.strip(".") or parts.username:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment))


def url_key(url: str | None) -> str | None:
    """What makes two addresses the same resource: host without `www.`, path without trailing
    slash, query; not the scheme, the fragment or letter case of the host."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path.rstrip("/")
    return f"{host}{port}{path}" + (f"?{parts.query}" if parts.query else "")


# --- permissions -----------------------------------------------------------------------------


def can_edit(actor: Member | None, resource: ResourceView | Resource) -> bool:
    """Owners, NLS leads and admins may edit, retire or confirm a resource; nobody else."""
    if actor is None:
        return False
    return actor.slack_user_id == resource.owner_id or actor.is_lead_or_admin


def _require_editor(actor: Member | None, resource: Resource) -> Member:
    if actor is None or not can_edit(actor, resource):
        raise NotAllowed("resources.not_allowed", title=resource.title)
    return actor


def require_contributor(actor: Member | None) -> Member:
    """Adding to the repository is for people in the member directory."""
    if actor is None:
        raise NotAllowed("resources.members_only")
    return actor


async def _get(session: AsyncSession, resource_id: int) -> Resource:
    resource = await session.get(Resource, resource_id, options=[selectinload(Resource.tag_rows)])
    if resource is None:
        raise NotFound("resources.not_found")
    return resource


async def get_resource(session: AsyncSession, resource_id: int) -> ResourceView:
    return _view(await _get(session, resource_id))


async def shareable(session: AsyncSession, resource_id: int) -> ResourceView:
    """A resource someone wants to post in a channel: it must still be live."""
    resource = await _get(session, resource_id)
    if resource.retired:
        raise Invalid("resources.retired_unavailable")
    return _view(resource)


async def for_editing(session: AsyncSession, *, actor: Member | None, resource_id: int) -> ResourceView:
    """A resource to open in the edit form, if `actor` may edit it (checked again on save)."""
    resource = await _get(session, resource_id)
    _require_editor(actor, resource)
    if resource.retired:
        raise Conflict("resources.already_retired", title=resource.title)
    return _view(resource)


async def _duplicate_of(session: AsyncSession, key: str | None, *, besides: int | None = None) -> Resource | None:
    if key is None:
        return None
    query = select(Resource).where(Resource.url_key == key)
    if besides is not None:
        query = query.where(Resource.id != besides)
    return (await session.execute(query)).scalar_one_or_none()


def _refuse_duplicate(existing: Resource) -> DuplicateResource:
    state = "retired" if existing.retired else "live"
    return DuplicateResource(field="url", title=existing.title, url=existing.url or "", id=existing.id, state=state)


async def _check_owner(session: AsyncSession, owner_id: str) -> None:
    active = await session.execute(select(Person.id).where(Person.slack_user_id == owner_id, Person.active))
    if active.first() is None:
        raise Invalid("resources.form.owner_not_member", field="owner")


def _apply(resource: Resource, data: ResourceInput) -> None:
    resource.title = data.title
    resource.url = data.url
    resource.url_key = url_key(data.url)
    resource.description = data.description
    resource.tags = ", ".join(data.tags)
    resource.language = data.language
    resource.province = data.province
    resource.kind = data.kind
    wanted = {fold(t) for t in data.tags}
    resource.tag_rows[:] = [r for r in resource.tag_rows if r.tag in wanted]
    have = {r.tag for r in resource.tag_rows}
    resource.tag_rows.extend(ResourceTag(tag=t) for t in sorted(wanted - have))


async def add_resource(
    session: AsyncSession, *, actor: Member | None, data: ResourceInput, now: datetime, owner_id: str | None = None
) -> ResourceView:
    """Add a resource to the repository (members only), owned by `owner_id` or the adder and due
    for review in a year. The same address twice is refused, naming the resource already there;
    the unique `url_key` settles a race between two people adding it at once."""
    adder = require_contributor(actor)
    owner = owner_id or adder.slack_user_id
    if owner != adder.slack_user_id:
        await _check_owner(session, owner)
    existing = await _duplicate_of(session, url_key(data.url))
    if existing is not None:
        raise _refuse_duplicate(existing)
    resource = Resource(
        owner_id=owner,
        added_by=adder.slack_user_id,
        created_at=now,
        updated_at=now,
        review_by=now.date() + REVIEW_PERIOD,
        retired=False,
        tag_rows=[],
    )
    _apply(resource, data)
    try:
        async with session.begin_nested():
            session.add(resource)
    except IntegrityError:  # someone added the same address in the meantime
        existing = await _duplicate_of(session, resource.url_key)
        if existing is None:
            raise
        raise _refuse_duplicate(existing) from None
    await _count_terms(session, Counter(_terms_of(resource)))
    await audit.record(
        session,
        at=now,
        actor=adder.slack_user_id,
        action="resource.add",
        subject_type="resource",
        subject_id=resource.id,
    )
    return _view(resource)


async def edit_resource(
    session: AsyncSession,
    *,
    actor: Member | None,
    resource_id: int,
    data: ResourceInput,
    now: datetime,
    owner_id: str | None = None,
) -> ResourceView:
    """Change a resource (its owner, a lead or an admin); editing also counts as a review."""
    resource = await _get(session, resource_id)
    editor = _require_editor(actor, resource)
    if owner_id and owner_id != resource.owner_id:
        await _check_owner(session, owner_id)
        resource.owner_id = owner_id
    await _rewrite(session, resource, data, now=now)
    resource.reviewed_at = now
    resource.review_by = max(resource.review_by, now.date() + REVIEW_PERIOD)
    await audit.record(
        session,
        at=now,
        actor=editor.slack_user_id,
        action="resource.edit",
        subject_type="resource",
        subject_id=resource.id,
    )
    return _view(resource)


async def _rewrite(session: AsyncSession, resource: Resource, data: ResourceInput, *, now: datetime) -> None:
    """Replace what a resource says, keeping its address unique and the vocabulary in step."""
    existing = await _duplicate_of(session, url_key(data.url), besides=resource.id)
    if existing is not None:
        raise _refuse_duplicate(existing)
    before = _terms_of(resource)
    _apply(resource, data)
    resource.updated_at = now
    await session.flush()
    await _count_terms(session, _difference(before, _terms_of(resource)))


async def follow_source(
    session: AsyncSession, *, resource_id: int, data: ResourceInput, now: datetime, author: str | None
) -> ResourceView:
    """Rewrite a resource after the Slack message it was saved from was edited by `author`
    (`bot.services.resource_sources` decides which fields follow and checks `data`). It is not a
    review, so the review date stays; a link another resource holds is refused as in the form."""
    resource = await _get(session, resource_id)
    await _rewrite(session, resource, data, now=now)
    await audit.record(
        session, at=now, actor=author, action="resource.follow_source", subject_type="resource", subject_id=resource.id
    )
    return _view(resource)


def _difference(before: set[str], after: set[str]) -> Counter[str]:
    """+1 for each word a resource gained, -1 for each it lost (a Counter keeps negatives here)."""
    return Counter({**{t: 1 for t in after - before}, **{t: -1 for t in before - after}})


async def retire_resource(
    session: AsyncSession, *, actor: Member | None, resource_id: int, now: datetime
) -> ResourceView:
    """Take a resource out of search (kept for the record; its address stays taken)."""
    resource = await _get(session, resource_id)
    editor = _require_editor(actor, resource)
    if resource.retired:
        raise Conflict("resources.already_retired", title=resource.title)
    before = _terms_of(resource)
    resource.retired, resource.retired_at, resource.retired_by = True, now, editor.slack_user_id
    resource.updated_at = now
    await session.flush()
    await _count_terms(session, _difference(before, set()))
    await audit.record(
        session,
        at=now,
        actor=editor.slack_user_id,
        action="resource.retire",
        subject_type="resource",
        subject_id=resource.id,
    )
    return _view(resource)


async def confirm_current(
    session: AsyncSession, *, actor: Member | None, resource_id: int, now: datetime
) -> ResourceView:
    """ "Still current": the next review is a year from today."""
    resource = await _get(session, resource_id)
    editor = _require_editor(actor, resource)
    if resource.retired:
        raise Conflict("resources.already_retired", title=resource.title)
    resource.reviewed_at = now
    resource.review_by = now.date() + REVIEW_PERIOD
    await audit.record(
        session,
        at=now,
        actor=editor.slack_user_id,
        action="resource.reviewed",
        subject_type="resource",
        subject_id=resource.id,
    )
    return _view(resource)


def editable(actor: Member | None, views: Iterable[ResourceView]) -> frozenset[int]:
    """Ids among `views` that `actor` may edit (to decide which buttons to show; every press is
    checked again)."""
    return frozenset(v.id for v in views if can_edit(actor, v))


# --- freshness ---------------------------------------------------------------------------------


async def due_for_review(session: AsyncSession, *, until: date) -> dict[str, list[ResourceView]]:
    """Live resources whose review date is on or before `until`, by owner, oldest first."""
    rows = (
        await session.execute(
            select(Resource)
            .where(Resource.retired == false(), Resource.review_by <= until)
            .order_by(Resource.owner_id, Resource.review_by, Resource.id)
        )
    ).scalars()
    by_owner: dict[str, list[ResourceView]] = {}
    for resource in rows:
        by_owner.setdefault(resource.owner_id, []).append(_view(resource))
    return by_owner


async def owned_by(session: AsyncSession, owner_id: str, *, limit: int = 50) -> list[ResourceView]:
    rows = await session.execute(
        select(Resource)
        .where(Resource.owner_id == owner_id, Resource.retired == false())
        .order_by(Resource.review_by, Resource.id)
        .limit(limit)
    )
    return [_view(r) for r in rows.scalars()]


@digest_section
async def digest(session: AsyncSession, since: datetime, now: datetime) -> Section | None:
    """Leads' digest: resources added since the last digest, and how many are past review."""
    added = await session.scalar(
        select(func.count()).select_from(Resource).where(Resource.created_at >= since, Resource.retired == false())
    )
    stale = await _stale_count(session, now.date())
    if not added and not stale:
        return None
    return Section(
        order=20,
        title=Fact("resources.digest.title"),
        headline=(
            Fact("resources.digest.new", {"count": added or 0}),
            Fact("resources.digest.stale", {"count": stale}),
        ),
    )


async def _stale_count(session: AsyncSession, today: date) -> int:
    return (
        await session.scalar(
            select(func.count()).select_from(Resource).where(Resource.retired == false(), Resource.review_by < today)
        )
        or 0
    )


@lead_stats
async def stats(session: AsyncSession, now: datetime) -> Section | None:
    live = await session.scalar(select(func.count()).select_from(Resource).where(Resource.retired == false()))
    stale = await _stale_count(session, now.date())
    return Section(
        order=20,
        title=Fact("resources.digest.title"),
        headline=(Fact("resources.stats.live", {"count": live or 0}), Fact("resources.digest.stale", {"count": stale})),
    )


@needs_you
async def reviews_for(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    """A person's Home: their resources due for review within the month."""
    until = now.date() + REVIEW_NOTICE
    row = (
        await session.execute(
            select(func.count(), func.min(Resource.review_by)).where(
                Resource.owner_id == member.slack_user_id, Resource.retired == false(), Resource.review_by <= until
            )
        )
    ).one()
    count, first_due = row
    if not count:
        return []
    return [
        NeedsYou(
            fact=Fact("resources.needs_review", {"count": count}),
            due_day=first_due,
            action=HomeAction.MY_RESOURCES,
            action_label=Fact("resources.button.review"),
        )
    ]


@home_area("find")
async def newest(session: AsyncSession, member: Member | None, now: datetime) -> list[HomeLink]:
    """The Home's Find area: the three newest resources, as links."""
    rows = await session.execute(
        select(Resource.title, Resource.url)
        .where(Resource.retired == false())
        .order_by(Resource.created_at.desc(), Resource.id.desc())
        .limit(3)
    )
    return [
        HomeLink(fact=Fact("resources.home.newest_link", {"title": title, "url": url}))
        if url
        else HomeLink(fact=Fact("resources.home.newest", {"title": title}))
        for title, url in rows.all()
    ]


# --- import / export ----------------------------------------------------------------------------


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


async def default_owner(session: AsyncSession) -> str | None:
    """Who owns imported resources that name no owner: an admin, else an NLS lead."""
    rows = (
        await session.execute(
            select(Person.slack_user_id, RoleGrant.role)
            .join(RoleGrant)
            .where(RoleGrant.role.in_([Role.ADMIN, Role.LEAD]), Person.active)
            .order_by(RoleGrant.role, Person.name)
        )
    ).all()
    admins = [uid for uid, role in rows if role is Role.ADMIN]
    return (admins or [uid for uid, _ in rows] or [None])[0]


# A form shows its choices beside the field; a cell of a file must say them, and what it holds.
_CELL_WORDING = {
    "resources.form.language_invalid": ("imports.resources.language", {"allowed": ", ".join(ResourceLanguage)}),
    "resources.form.province_invalid": ("imports.resources.province", {"allowed": ", ".join(PROVINCES)}),
    "resources.form.kind_invalid": ("imports.resources.kind", {"allowed": ", ".join(ResourceKind)}),
}


def _cell_problems(line: int, raw: dict[str, str], problems: dict[str, tuple[str, dict[str, Any]]]) -> list[RowError]:
    errors = []
    for name, (key, params) in problems.items():
        cell_key, extra = _CELL_WORDING.get(key, (key, {}))
        errors.append(RowError.of(line, cell_key, column=name, value=raw.get(name, "").strip(), **params, **extra))
    return errors


def parse_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> list[tuple[int, ResourceInput, dict[str, str]]]:
    """Validate every cell of every row, and that no address appears twice; `ImportFailed` names
    every problem by line and column."""
    rows = list(rows)
    header = missing_columns(rows, CSV_COLUMNS, header=CSV_COLUMNS)
    if header:
        raise ResourceImportFailed(header)
    parsed: list[tuple[int, ResourceInput, dict[str, str]]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        try:
            read_date(raw.get("review_by"))
        except CellProblem as problem:
            errors.append(problem.at(line, "review_by"))
        try:
            data = validate_input({c: raw.get(c, "") for c in CSV_COLUMNS})
        except FormInvalid as exc:
            errors.extend(_cell_problems(line, raw, exc.problems))
            continue
        key = url_key(data.url) or f"title:{data.title.casefold()}"
        if key in seen:
            where = "url" if data.url else "title"
            errors.append(RowError.of(line, "imports.resources.same_resource", column=where, other=seen[key]))
            continue
        seen[key] = line
        parsed.append((line, data, raw))
    if errors:
        raise ResourceImportFailed(in_file_order(errors, EXPORT_COLUMNS))
    return parsed


async def import_resources(
    session: AsyncSession,
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    now: datetime,
    explain: Callable[..., str] | None = None,
) -> ImportReport:
    """Create or update resources from CSV rows, all or nothing, matched by address (or by title
    for resources without one). Importing the same file again changes nothing.

    Problems are `RowError`s with i18n keys, worded by whoever shows them; `explain`, which
    worded them here before, is accepted and not used, for callers that still pass it."""
    parsed = parse_rows(rows)
    owners = await _import_owners(session, parsed)
    report = ImportReport(rows=len(parsed))
    keys = [url_key(d.url) for _, d, _ in parsed if d.url]
    titles = [d.title for _, d, _ in parsed if not d.url]
    existing = await _existing_for_import(session, keys, titles)
    changes: Counter[str] = Counter()
    for line, data, raw in parsed:
        resource = existing.get(url_key(data.url) or f"title:{data.title.casefold()}")
        review_by = read_date(raw.get("review_by"))  # read once already, by parse_rows
        if resource is None:
            resource = Resource(
                owner_id=owners[line],
                added_by=None,
                created_at=now,
                updated_at=now,
                review_by=review_by or now.date() + REVIEW_PERIOD,
                retired=False,
                tag_rows=[],
            )
            _apply(resource, data)
            session.add(resource)
            changes.update(_terms_of(resource))
            report.created += 1
        elif _differs(resource, data, owners[line], review_by):
            before = _terms_of(resource)
            _apply(resource, data)
            resource.owner_id, resource.updated_at = owners[line], now
            resource.review_by = review_by or resource.review_by
            changes.update(_difference(before, _terms_of(resource)))
            report.updated += 1
        else:
            report.unchanged += 1
    await session.flush()
    await _count_terms(session, changes)
    return report


async def _import_owners(
    session: AsyncSession, parsed: list[tuple[int, ResourceInput, dict[str, str]]]
) -> dict[int, str]:
    named = {(raw.get("owner") or "").strip() for _, _, raw in parsed} - {""}
    known = (
        set(
            (
                await session.execute(
                    select(Person.slack_user_id).where(Person.slack_user_id.in_(named), Person.active)
                )
            ).scalars()
        )
        if named
        else set()
    )
    fallback = await default_owner(session)
    owners, errors = {}, []
    for line, _, raw in parsed:
        owner = (raw.get("owner") or "").strip() or fallback
        if owner is None:
            errors.append(RowError.of(line, "imports.resources.no_owner", column="owner"))
        elif raw.get("owner", "").strip() and owner not in known:
            errors.append(RowError.of(line, "imports.resources.owner_unknown", column="owner", value=owner))
        else:
            owners[line] = owner
    if errors:
        raise ResourceImportFailed(errors)
    return owners


async def _existing_for_import(session: AsyncSession, keys: list[str | None], titles: list[str]) -> dict[str, Resource]:
    found: dict[str, Resource] = {}
    query = select(Resource).options(selectinload(Resource.tag_rows))
    for start in range(0, len(keys), 500):
        chunk = [k for k in keys[start : start + 500] if k]
        for r in (await session.execute(query.where(Resource.url_key.in_(chunk)))).scalars():
            found[r.url_key] = r  # type: ignore[index]
    if titles:
        folded = {t.casefold() for t in titles}
        for r in (await session.execute(query.where(Resource.url_key.is_(None)))).scalars():
            if r.title.casefold() in folded:
                found.setdefault(f"title:{r.title.casefold()}", r)
    return found


def _differs(resource: Resource, data: ResourceInput, owner: str, review_by: date | None) -> bool:
    current = (
        resource.title,
        resource.url,
        resource.description,
        resource.tags,
        resource.language,
        resource.province,
        resource.kind,
        resource.owner_id,
    )
    wanted = (
        data.title,
        data.url,
        data.description,
        ", ".join(data.tags),
        data.language,
        data.province,
        data.kind,
        owner,
    )
    return current != wanted or (review_by is not None and review_by != resource.review_by)


async def export_resources(session: AsyncSession, *, include_retired: bool = False) -> list[dict[str, str]]:
    query = select(Resource).order_by(Resource.id)
    if not include_retired:
        query = query.where(Resource.retired == false())
    rows = []
    for r in (await session.execute(query)).scalars():
        rows.append(
            {
                "title": r.title,
                "url": r.url or "",
                "description": r.description,
                "tags": ";".join(split_tags(r.tags)),
                "language": r.language.value,
                "province": r.province or "",
                "kind": r.kind.value,
                "owner": r.owner_id,
                "review_by": r.review_by.isoformat(),
            }
        )
    return rows


# --- bulk loading (the demo, the benchmark) -------------------------------------------------------


async def rebuild_vocabulary(session: AsyncSession) -> int:
    """Recount the vocabulary from every live resource (after a bulk load that bypassed the
    service). Returns the number of distinct terms."""
    counts: Counter[str] = Counter()
    rows = await session.stream(
        select(Resource.title, Resource.tags, Resource.description).where(Resource.retired == false())
    )
    async for title, tags, description in rows:
        counts.update(vocabulary(title, tags, description))
    await session.execute(delete(ResourceTerm))
    vocab.forget(session)
    await _count_terms(session, counts)
    return len(counts)
