"""`nlsbot export feedback`: every entry, words exactly as typed, identity only where it was given."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.feedback.reading import entries
from bot.services.feedback.submitting import CANADA_WIDE

EXPORT_COLUMNS = (
    "reference",
    "received_on",
    "voice",
    "topic",
    "province",
    "region",
    "urgency",
    "anonymous",
    "text",
    "submitted_by",
    "organisation",
    "contact",
)


async def export_rows(session: AsyncSession, *, since: date | None = None) -> list[dict[str, str]]:
    """Every entry for `nlsbot export feedback`: text exactly as typed, identity only for
    feedback given under a name."""
    return [
        {
            "reference": e.ref,
            "received_on": e.received_on.isoformat(),
            "voice": e.voice.value,
            "topic": e.topic.value,
            "province": e.province or ("" if e.region else CANADA_WIDE),  # region only: no province kept
            "region": e.region or "",
            "urgency": e.urgency.value,
            "anonymous": "yes" if e.anonymous else "no",
            "text": e.text,
            "submitted_by": e.submitted_by or "",
            "organisation": e.organisation or "",
            "contact": e.contact or "",
        }
        for e in await entries(session, since=since)
    ]
