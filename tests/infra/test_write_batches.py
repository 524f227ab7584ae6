"""Saves that wait together share one transaction (bot.infra.write_batches), and each keeps what a
transaction of its own guaranteed: its claim, its deadline, its failure. On both backends, with the
feedback service's real write; counted in rows and commits, never timed."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from bot.infra.db import Database
from bot.services import feedback
from bot.services.errors import Busy
from bot.transport import claims, deadline
from models.feedback import Feedback
from models.ops import SubmittedView
from tests.support.directory import REP_MONTREAL, load_directory
from tests.support.submissions import count_rows

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)


def entry(text: str = "Les loyers montent.", **changes: object) -> feedback.Submission:
    form = feedback.FeedbackForm.model_validate({"voice": "newcomer", "topic": "housing", "province": "QC",
                                                 "text": text, **changes})  # fmt: skip
    return feedback.Submission(form, None, REP_MONTREAL, NOW, TODAY)


async def save_as_request(db: Database, view: str, item: feedback.Submission, *, budget: float = 30.0):
    """Save `item` as a modal submission of `view` would: its claim and its acknowledgement clock set."""
    claim = claims.Claim(f"trigger:{view}", NOW, lambda _: False, view_key=view, today=TODAY)
    with claims.expecting(claim), deadline.ack_clock(budget):
        receipt = await db.together(feedback.submit_many, item)
    assert claim.claimed
    return receipt


def commits(db: Database) -> list[object]:
    seen: list[object] = []
    event.listen(db.engine.sync_engine, "commit", seen.append)
    return seen


async def test_saves_waiting_together_share_one_transaction_and_each_gets_its_own_receipt(deps):
    await load_directory(deps)
    committed = commits(deps.db)
    receipts = await asyncio.gather(*(save_as_request(deps.db, f"V{n}", entry(f"voice {n}")) for n in range(30)))
    assert len({r.ref for r in receipts}) == 30
    assert await count_rows(deps, Feedback) == 30
    assert await count_rows(deps, SubmittedView) == 30
    assert len(committed) < 30  # some shared a commit (all of them, but for the first, on an idle machine)
    async with deps.db.reader() as session:
        texts = {ref: text for ref, text in (await session.execute(select(Feedback.ref, Feedback.text))).all()}
    assert sorted(texts[r.ref] for r in receipts) == sorted(f"voice {n}" for n in range(30))  # each its own


async def test_the_same_view_twice_in_one_batch_is_saved_once(deps):
    await load_directory(deps)
    results = await asyncio.gather(
        *(save_as_request(deps.db, "VTWICE", entry()) for _ in range(2)), return_exceptions=True
    )
    assert sum(isinstance(r, claims.AlreadySubmitted) for r in results) == 1
    assert await count_rows(deps, Feedback) == 1


async def test_a_save_whose_deadline_passed_while_it_waited_is_refused_and_the_others_saved(deps):
    await load_directory(deps)
    late = save_as_request(deps.db, "VLATE", entry("late"), budget=-1.0)  # spent before its turn can come
    on_time = [save_as_request(deps.db, f"V{n}", entry(f"on time {n}")) for n in range(3)]
    results = await asyncio.gather(late, *on_time, return_exceptions=True)
    assert isinstance(results[0], Busy)
    assert not any(isinstance(r, BaseException) for r in results[1:])
    assert await count_rows(deps, Feedback) == 3
    assert await count_rows(deps, SubmittedView) == 3  # the refused one claimed nothing either


async def test_a_row_the_database_refuses_fails_its_own_save_only(deps):
    await load_directory(deps)
    broken = feedback.Submission(feedback.FeedbackForm.model_construct(**entry().form.model_dump() | {"text": None}),
                                 None, REP_MONTREAL, NOW, TODAY)  # fmt: skip
    results = await asyncio.gather(
        save_as_request(deps.db, "VBROKEN", broken),
        *(save_as_request(deps.db, f"V{n}", entry(f"fine {n}")) for n in range(3)),
        return_exceptions=True,
    )
    assert isinstance(results[0], IntegrityError)
    assert not any(isinstance(r, BaseException) for r in results[1:])
    assert await count_rows(deps, Feedback) == 3
    async with deps.db.reader() as session:
        assert await session.get(SubmittedView, "VBROKEN") is None  # its claim went with it


async def test_a_save_from_inside_a_write_transaction_is_refused_rather_than_waiting_for_itself(deps):
    if not deps.db.is_sqlite:
        pytest.skip("PostgreSQL writers do not take turns: nothing to wait for")
    async with deps.db.transaction():
        with pytest.raises(RuntimeError, match="nested"):
            await deps.db.together(feedback.submit_many, entry())
