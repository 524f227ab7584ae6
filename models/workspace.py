"""Whether the bot may talk to its Slack workspace at all: one row, written when Slack says the
app was uninstalled or its bot token revoked, cleared when a start finds a token Slack accepts.

It lives in the database, not in a process, because every replica and the one scheduler must
stop sending together, and a restart must not forget that the token is dead."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

SINGLE_ROW = 1


class WorkspaceState(Base):
    """The single row (`id` = 1, held by a CHECK) of the workspace's standing. `inactive_since`
    is None while the bot may send; otherwise when and why (`app_uninstalled`, `tokens_revoked`)
    it stopped, so /readyz and the next start can say it."""

    __tablename__ = "workspace_state"
    __table_args__ = (CheckConstraint(f"id = {SINGLE_ROW}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    inactive_since: Mapped[datetime | None]
    inactive_reason: Mapped[str | None] = mapped_column(String(32))
    team_id: Mapped[str | None] = mapped_column(String(32))
    changed_at: Mapped[datetime]
