"""A modal submission is applied once per Slack view (its id and hash), whatever its trigger id.

A double click on Submit, or a replay, sends the same `view.id` with a fresh `trigger_id`, so the
delivery log (bot.deliveries) does not see a repeat, and two feedback rows or two identical polls
were saved. Now, while a `view_submission` is handled, the first write transaction it opens also
claims its view's key (id and hash, bot.app) in `submitted_views` (Database.transaction calls `claim_pending`): in the same
transaction as the effect, so no crash between the two lets a replay through. A second
submission of that view finds the claim and is acknowledged without running its listener
(bot.app), or — when both arrive at once — raises `AlreadySubmitted` inside its transaction, which
is rolled back with anything it wrote.

The second Submit gets an empty acknowledgement, not a copy of the first one's answer: keeping
the answer would mean writing, just after a secret ballot's transaction, a row holding the
choices that the ballot modal's receipt shows — exactly the link bot.services.ballot_seal
exists to deny. Slack shows the first answer; the second closes the modal.

A submission refused with inline errors opens no write transaction and claims nothing, so the
person can correct and submit the same view again; a view that answered `response_action: update`
has a new hash, so its next Submit is a new submission.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.sql import insert_if_absent
from models.ops import SubmittedView

RETENTION = timedelta(days=2)


class AlreadySubmitted(Exception):
    """This modal was submitted and applied already: nothing more is written."""


@dataclass
class _Pending:
    view_id: str
    today: date
    claimed: bool = False


_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar("nls_submission", default=None)


def expect(view_id: str, today: date) -> None:
    """For the rest of this request (Bolt's middleware runs in the request's own task, and the
    listener's task copies its context): its first write transaction claims `view_id`."""
    _pending.set(_Pending(view_id, today))


async def claim_pending(session: AsyncSession) -> None:
    """Called at the start of every write transaction; does something only in a view submission's
    first one. Raises `AlreadySubmitted` if another submission of the view claimed it first."""
    pending = _pending.get()
    if pending is None or pending.claimed:
        return
    row = {"view_id": pending.view_id, "received_on": pending.today}
    if await insert_if_absent(session, SubmittedView, row, ["view_id"], returning="view_id") is None:
        raise AlreadySubmitted(pending.view_id)
    pending.claimed = True


async def was_applied(session: AsyncSession, view_id: str) -> bool:
    return (await session.execute(select(SubmittedView.view_id).where(SubmittedView.view_id == view_id))).first() is not None


async def prune(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(SubmittedView).where(SubmittedView.received_on < (now - RETENTION).date()))
    return result.rowcount or 0
