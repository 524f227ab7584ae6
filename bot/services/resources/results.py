"""What the repository hands out: a resource as of one read, and a page of search answers. Plain
frozen values, safe to render after the session closed; builders never see a model row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.services.resources.query import Query, SearchMode
from models.resources import Resource, ResourceKind, ResourceLanguage


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


def view_of(resource: Resource) -> ResourceView:
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
