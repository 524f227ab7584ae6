"""Messages owed about a consultation: the invitations owed when it starts, and recording any
notice (invitation, reminder, closing) in the outbound ledger, whose key makes each one once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import outbox, prefs
from bot.services.consultations.shapes import Notice, Render, Started


async def invitations(session: AsyncSession, started: Started, *, default_locale: str) -> list[Notice]:
    locales = await prefs.languages(session, (i.slack_user_id for i in started.invitees), default_locale)
    return [
        Notice(
            key=f"consult-invite:{started.info.id}:{i.slack_user_id}",
            user_id=i.slack_user_id,
            locale=locales[i.slack_user_id],
            occasion="invite",
            info=started.info,
            org_name=i.org.name,
        )
        for i in started.invitees
    ]


async def queue(session: AsyncSession, notices: Iterable[Notice], *, render: Render, now: datetime) -> list[str]:
    """Record each notice in the outbound ledger (in the caller's transaction); the keys of the
    ones recorded now, for immediate delivery (a key seen before is never sent again)."""
    keys = []
    for notice in notices:
        text, blocks = render(notice)
        if await outbox.enqueue(session, key=notice.key, channel=notice.user_id, text=text, blocks=blocks, now=now):
            keys.append(notice.key)
    return keys
