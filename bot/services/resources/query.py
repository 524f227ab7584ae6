"""What a person typed, as a query: words (all required, ranked) and `key:value` filters. Unknown
keys (`col:x`) are just words; a known key with a bad value is refused with the values it takes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.services.members import PROVINCES
from bot.services.resources.errors import BadFilter, QueryTooLong
from bot.services.resources.input import NATIONAL, normalise_tag, parse_province
from bot.services.resources.words import MAX_WORD, STOP_WORDS, fold, words
from models.resources import ResourceKind, ResourceLanguage

MAX_QUERY_CHARS = 300  # longer text is refused with a hint; a search is a few words
MAX_TERMS = 8

SearchMode = Literal["all", "any", "corrected", "filters"]


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
