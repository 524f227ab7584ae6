"""The acknowledgement deadline of the request being served.

Slack waits 3 seconds for an answer; after that the person sees "We had some trouble connecting"
and, in a modal, presses Submit again. Most listeners acknowledge first and work after, but a view
submission (and `/nls vote`) saves first so that its answer can say what happened. When the
process is overloaded and such a write would only start after the deadline, saving it anyway is
the worst outcome: the person is told it failed although it was recorded, and their second press
records it twice. So a write that would start after the request's budget, and before its
acknowledgement, is refused with `Busy` ("nothing was saved, try again") instead.

The clock is per request (a context variable, so the listener's task sees its request's clock)
and is a shared object, so an `ack()` from any task stops it for everything that request started.
Work without a clock (scheduled jobs, the CLI, the shell, work after the acknowledgement) is
never refused.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from bot.services.errors import Busy

DEFAULT_BUDGET_SECONDS = 2.5  # of Slack's 3: what is left covers the write itself and the answer


@dataclass
class AckClock:
    deadline: float  # time.monotonic()
    acknowledged: bool = False

    def overdue(self) -> bool:
        return not self.acknowledged and time.monotonic() > self.deadline


_current: ContextVar[AckClock | None] = ContextVar("ack_clock", default=None)


@contextmanager
def ack_clock(budget_seconds: float) -> Iterator[None]:
    """Start the clock of the request served inside the block (at its arrival)."""
    clock = AckClock(deadline=time.monotonic() + budget_seconds)
    token = _current.set(clock)
    try:
        yield
    finally:
        clock.acknowledged = True  # whatever its tasks still do is after the answer
        _current.reset(token)


def acknowledged() -> None:
    """The request has its answer: nothing it does from now on races Slack's deadline."""
    clock = _current.get()
    if clock is not None:
        clock.acknowledged = True


def clock() -> AckClock | None:
    """The clock of the request being served, for work done on its behalf in another task (a
    batch of submissions, bot.infra.write_batches) that must keep its deadline."""
    return _current.get()


def refuse_if_overdue() -> None:
    """Called as a write begins: raise `Busy` if it would start after the acknowledgement deadline."""
    clock = _current.get()
    if clock is not None and clock.overdue():
        raise Busy()
