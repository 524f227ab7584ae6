"""The resource repository: toolkits, reports, contacts, trainings … that LIPs/ZIPs share.

Search is done by the database itself, in an index table named `resources_fts` on both engines,
created and kept in sync by triggers in the migration and not modelled here (SQLAlchemy has no
FTS5 DDL, and `alembic check` ignores tables of that name):
- SQLite: an FTS5 table with external content = `resources` (bm25, prefix indexes for 3 to 6
  letters).
- PostgreSQL: `resources_fts(resource_id, document tsvector, language, province, kind)` with a GIN
  index; `document` is title (weight A), tags (B) and description (C), accent-folded by the
  `nls_search` configuration; the filtered columns are copies, so a filtered search reads one table.
Retired resources are left out of both indexes.

`ResourceTerm` is the search vocabulary (term → number of live resources using it), maintained by
the service, so "did you mean" corrects a typo against a few thousand terms instead of scanning
every title. `ResourceTag` makes `tag:housing` an exact, indexed filter.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum

# The PostgreSQL text search configuration the migration creates: `simple` (no stemming, no stop
# words, fair to both English and French) with `unaccent` in front, so `etablissement` finds
# `établissement`. Queries must use the same configuration as the index.
PG_SEARCH_CONFIG = "nls_search"


class ResourceKind(enum.StrEnum):
    TOOLKIT = "toolkit"
    GUIDE = "guide"
    REPORT = "report"
    CONTACT = "contact"
    TRAINING = "training"
    FUNDING = "funding"
    RECORDING = "recording"  # an event or webinar recording
    TEMPLATE = "template"
    OTHER = "other"


class ResourceLanguage(enum.StrEnum):
    EN = "en"
    FR = "fr"
    BOTH = "both"


class Resource(Base):
    __tablename__ = "resources"
    __table_args__ = (
        Index("ix_resources_review_due", "retired", "review_by"),
        Index("ix_resources_owner", "owner_id", "retired"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    # The URL normalised for duplicate detection (scheme and host lower-cased, no fragment, no
    # trailing slash); NULL for resources described in text only, which never collide.
    url_key: Mapped[str | None] = mapped_column(String(500), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    tags: Mapped[str] = mapped_column(String(400), default="", server_default="")  # "housing, health"
    language: Mapped[ResourceLanguage] = mapped_column(str_enum(ResourceLanguage, "resource_language"))
    province: Mapped[str | None] = mapped_column(String(2), index=True)  # None = national
    kind: Mapped[ResourceKind] = mapped_column(str_enum(ResourceKind, "resource_kind"), index=True)
    owner_id: Mapped[str] = mapped_column(String(32))  # Slack user id of who keeps it current
    added_by: Mapped[str | None] = mapped_column(String(32))  # None when imported from a file
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    review_by: Mapped[date]
    reviewed_at: Mapped[datetime | None]
    retired: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    retired_at: Mapped[datetime | None]
    retired_by: Mapped[str | None] = mapped_column(String(32))

    tag_rows: Mapped[list[ResourceTag]] = relationship(
        back_populates="resource", cascade="all, delete-orphan", order_by="ResourceTag.tag"
    )


class ResourceTag(Base):
    """One topic of a resource (`housing`, `language-training`), for exact `tag:` filters."""

    __tablename__ = "resource_tags"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)

    resource: Mapped[Resource] = relationship(back_populates="tag_rows")


class ResourceTerm(Base):
    """A word of the search vocabulary, accent-folded, with the number of live (not retired)
    resources that contain it. `size` (its length) lets a typo be compared only with words of
    about the same length."""

    __tablename__ = "resource_terms"

    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(SmallInteger, index=True)
    docs: Mapped[int] = mapped_column(default=0)
