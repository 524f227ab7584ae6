"""Where a resource saved with "Save as NLS resource" came from: the Slack message, so the
resource can follow that message's edits and be flagged for review when it is deleted.

A field follows the message while the resource still holds what was last taken from it. Each
`*_print` column is the SHA-256 of that value (NULL: the field does not follow, because the
person typed their own before saving or changed it by hand since), so a hand edit through any
path (the form, a CSV import) is noticed without every editor having to say so."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ResourceSource(Base):
    __tablename__ = "resource_sources"
    __table_args__ = (Index("ix_resource_sources_message", "channel_id", "message_ts"),)

    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    title_print: Mapped[str | None] = mapped_column(String(64))
    url_print: Mapped[str | None] = mapped_column(String(64))
    description_print: Mapped[str | None] = mapped_column(String(64))
    # Slack's `edited.ts` of the last edit taken into account: an older edit delivered late is ignored.
    edited_ts: Mapped[str | None] = mapped_column(String(32))
    deleted_at: Mapped[datetime | None]
