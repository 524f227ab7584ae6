"""The resource repository: ranked bilingual search, adding and keeping resources current.

One domain function, `search`, answers `/nls find`, mentions, DMs, the shell and the benchmark.
The database ranks (SQLite FTS5 bm25, PostgreSQL `ts_rank` over a GIN-indexed tsvector); this
package only turns what a person typed into safe terms and filters. User text never reaches the
engine as query syntax: words are cut out of it (`[^\\W_]+`), quoted for FTS5 and passed one by one
as bound parameters on PostgreSQL, so `"`, `*`, `NEAR(`, `-x`, `col:x` or `(((` are only
punctuation.

Rules of the repository (who may add, edit, retire, confirm a resource is current) live here too,
so a button, a slash command, the review DM and the CLI are covered by the same checks.

One concern per module:
- `words`, `query`: words as the indexes see them; what a person typed, as words and filters.
- `engines`, `finding`, `did_you_mean`, `vocabulary`: the SQL of both engines, `search` itself,
  correcting a typo, and the vocabulary of findable words (counted on every write, cached).
- `fields`, `input`, `errors`: the form's fields, what it (or a CSV row) may say, what is refused.
- `results`: `ResourceView` and `SearchPage`, what callers and builders get (never a model row).
- `permissions`, `editing`: who may do what; add, edit, retire, confirm.
- `freshness`, `contributors`: reviews falling due; the digest, Home numbers and Home links.
- `import_export`: CSV in and out.

This file is the public surface: callers write `from bot.services import resources` and
`resources.search(...)`. Importing it registers the digest and Home contributors.
"""

from __future__ import annotations

from bot.services.resources.contributors import digest, newest, reviews_for, stats
from bot.services.resources.did_you_mean import suggest
from bot.services.resources.editing import (
    add_resource,
    confirm_current,
    edit_resource,
    follow_source,
    for_editing,
    get_resource,
    retire_resource,
    shareable,
)
from bot.services.resources.engines import Match, fts5_expression, match_plan, pg_tsquery
from bot.services.resources.errors import (
    BadFilter,
    DuplicateResource,
    EmptyQuery,
    FormInvalid,
    QueryTooLong,
    ResourceImportFailed,
)
from bot.services.resources.fields import ResourceField
from bot.services.resources.finding import PAGE_SIZE, popular_tags, search
from bot.services.resources.freshness import REVIEW_NOTICE, REVIEW_PERIOD, due_for_review, owned_by
from bot.services.resources.import_export import (
    CSV_COLUMNS,
    EXPORT_COLUMNS,
    ImportReport,
    export_resources,
    import_resources,
)
from bot.services.resources.input import LIMITS, NATIONAL, ResourceInput, clean_url, url_key, validate_input
from bot.services.resources.permissions import can_edit, editable, require_contributor
from bot.services.resources.query import Filters, Query, parse_query
from bot.services.resources.results import ResourceView, SearchPage
from bot.services.resources.vocabulary import rebuild_vocabulary
from models.resources import ResourceKind, ResourceLanguage

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_COLUMNS",
    "LIMITS",
    "NATIONAL",
    "PAGE_SIZE",
    "REVIEW_NOTICE",
    "REVIEW_PERIOD",
    "BadFilter",
    "DuplicateResource",
    "EmptyQuery",
    "Filters",
    "FormInvalid",
    "ImportReport",
    "Match",
    "Query",
    "QueryTooLong",
    "ResourceField",
    "ResourceImportFailed",
    "ResourceInput",
    "ResourceKind",
    "ResourceLanguage",
    "ResourceView",
    "SearchPage",
    "add_resource",
    "can_edit",
    "clean_url",
    "confirm_current",
    "digest",
    "due_for_review",
    "edit_resource",
    "editable",
    "export_resources",
    "follow_source",
    "for_editing",
    "fts5_expression",
    "get_resource",
    "import_resources",
    "match_plan",
    "newest",
    "owned_by",
    "parse_query",
    "pg_tsquery",
    "popular_tags",
    "rebuild_vocabulary",
    "require_contributor",
    "retire_resource",
    "reviews_for",
    "search",
    "shareable",
    "stats",
    "suggest",
    "url_key",
    "validate_input",
]
