"""The append-only audit log. Callers pass only what may be kept forever: never a secret
ballot's content, never an anonymous submitter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEvent


async def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str | None,
    action: str,
    subject_type: str,
    subject_id: object | None = None,
    **details: Any,
) -> None:
    session.add(
        AuditEvent(
            at=at,
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=None if subject_id is None else str(subject_id),
            details=details,
        )
    )
