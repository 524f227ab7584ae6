"""Hostile review of #18's database changes: saves batched in one transaction (bdc95f2, 94ac865,
318b633, 5e791de, 77de35f) and the pool pinged only after a second's rest (64fe81a).

A save that fails in a batch fails alone, whatever its reason (a constraint, a value too long for
its column, an error in the write's own code), and its neighbours are saved once each; a batch
past its deadline saves nothing; more saves than a turn takes are all saved; a `kill -9` of a real
`nlsbot serve` while its batches are open loses nothing it said was saved; and the first request
after a PostgreSQL restart under a busy pool is answered, with no traceback."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import sys
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.infra import db as db_module
from bot.infra.db import Database
from bot.infra.i18n import Translator
from bot.infra.settings import Settings
from bot.services import feedback
from bot.services.errors import Busy
from bot.services.members.snapshots import Member, OrgInfo
from bot.shell import payloads
from bot.shell.forms import state_values
from bot.transport import claims, deadline
from models import OrgKind
from models.feedback import Feedback
from models.ops import SubmittedView
from tests.support.directory import REP_MONTREAL, REP_TORONTO, load_directory
from tests.support.feedback import answers
from tests.support.processes import environment, free_port
from tests.support.slackbot import BALLOT_KEY, SIGNING_SECRET, BotClient, text_of
from tests.support.submissions import count_rows
from tests.support.tcpproxy import db_proxy  # noqa: F401 (a fixture, registered by being imported)

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)


def entry(words: str, submitter: Member | None = None, **form: object) -> feedback.Submission:
    """A submission; `form` entries are taken as they are (no validation), so a test can pass
    what the database or the write refuses."""
    valid = feedback.FeedbackForm.model_validate(
        {"voice": "newcomer", "topic": "housing", "province": "QC", "text": words}
    ).model_dump()
    return feedback.Submission(
        feedback.FeedbackForm.model_construct(**(valid | form)), submitter, REP_MONTREAL, NOW, TODAY
    )


async def save(db: Database, view: str, item: feedback.Submission, *, budget: float = 60.0):
    """As a modal submission of `view` saves: its claim and its acknowledgement clock set."""
    claim = claims.Claim(f"trigger:{view}", NOW, lambda _: False, view_key=view, today=TODAY)
    with claims.expecting(claim), deadline.ack_clock(budget):
        return await db.together(feedback.submit_many, item)


async def saved_views(deps) -> set[str]:
    async with deps.db.reader() as session:
        return set((await session.execute(select(SubmittedView.view_id))).scalars())


async def texts(deps) -> list[str]:
    async with deps.db.reader() as session:
        return sorted((await session.execute(select(Feedback.text))).scalars())


GHOST = Member(1, REP_MONTREAL, "Ghost", OrgInfo(999_999, "No such org", OrgKind.LIP, "QC", "Quebec"))


async def test_each_kind_of_failure_in_a_batch_fails_only_its_own_save(deps):
    await load_directory(deps)
    bad = {
        "VFK": entry("fk", GHOST, anonymous=False),  # an organisation that does not exist
        "VPROV": entry("province", province="ZZ"),  # region_of raises KeyError in the write's own code
        "VNULL": entry("null", text=None),  # NOT NULL
    }
    if not deps.db.is_sqlite:  # SQLite does not enforce a column's length
        bad["VLONG"] = entry("long", None, anonymous=False, contact="x" * 301)
    good = {f"VOK{n}": entry(f"ok {n}") for n in range(6)}
    mixed = list(bad.items())[:2] + list(good.items())[:3] + list(bad.items())[2:] + list(good.items())[3:]
    results = dict(
        zip(
            [v for v, _ in mixed],
            await asyncio.gather(*(save(deps.db, v, item) for v, item in mixed), return_exceptions=True),
            strict=True,
        )
    )
    assert isinstance(results["VFK"], IntegrityError)
    assert isinstance(results["VPROV"], KeyError)
    assert isinstance(results["VNULL"], IntegrityError)
    if "VLONG" in results:
        assert isinstance(results["VLONG"], DBAPIError)
    assert all(isinstance(results[v], feedback.Receipt) for v in good), results
    assert await texts(deps) == sorted(f"ok {n}" for n in range(6))  # each once
    assert await saved_views(deps) == set(good)  # no failed save left its claim behind


async def test_a_double_submit_beside_a_failing_save_is_saved_once(deps):
    await load_directory(deps)
    results = await asyncio.gather(
        save(deps.db, "VTWICE", entry("twice")),
        save(deps.db, "VTWICE", entry("twice")),
        save(deps.db, "VBAD", entry("bad", text=None)),
        save(deps.db, "VFINE", entry("fine")),
        return_exceptions=True,
    )
    assert isinstance(results[0], feedback.Receipt) and isinstance(results[1], claims.AlreadySubmitted)
    assert isinstance(results[2], IntegrityError) and isinstance(results[3], feedback.Receipt)
    assert await texts(deps) == ["fine", "twice"]


async def test_a_batch_whose_every_request_is_past_its_deadline_saves_nothing(deps):
    await load_directory(deps)
    results = await asyncio.gather(
        *(save(deps.db, f"VLATE{n}", entry(f"late {n}"), budget=-1.0) for n in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, Busy) for r in results)
    assert await count_rows(deps, Feedback) == 0 and await saved_views(deps) == set()
    # and the batch is not left stuck: the next save goes through
    assert isinstance(await save(deps.db, "VNEXT", entry("next")), feedback.Receipt)


async def test_more_saves_than_one_turn_takes_are_each_saved_once(deps):
    await load_directory(deps)
    many = 450  # past write_batches.LIMIT twice
    receipts = await asyncio.gather(*(save(deps.db, f"VM{n}", entry(f"m {n}")) for n in range(many)))
    assert len({r.ref for r in receipts}) == many
    assert await texts(deps) == sorted(f"m {n}" for n in range(many))
    assert len(await saved_views(deps)) == many


# --- kill -9 of a real `nlsbot serve` while batches are open ---------------------------------

RECEIPT = re.compile(r"FB-[2-9A-HJKMNP-Z]{6}")


async def _serve(database_url: str, slack, tmp_path) -> tuple[asyncio.subprocess.Process, int]:
    port = free_port()
    env = {
        "DATABASE_URL": database_url, "SLACK_API_URL": slack.base_url, "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "NLS_BALLOT_KEY": BALLOT_KEY,
    }  # fmt: skip
    log = (tmp_path / f"serve-{port}.log").open("w")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler",
        cwd=tmp_path, env=environment(env), stdout=log, stderr=log,
    )  # fmt: skip
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(900):
            assert process.returncode is None, (tmp_path / log.name).read_text()
            try:
                if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return process, port
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("nlsbot serve did not get ready")


async def test_kill_9_with_batches_open_loses_no_submission_it_said_was_saved(database_url, deps, slack, tmp_path):
    await load_directory(deps)
    process, port = await _serve(database_url, slack, tmp_path)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            bot = BotClient(http=http, slack=slack)
            views = []
            for n in range(120):
                await bot.command(REP_MONTREAL, "feedback")
                views.append(await bot.opened_view(n))
            submissions = [
                payloads.view_submission(REP_MONTREAL, view, state_values(view, answers())) for view in views
            ]
            told: list[str] = []
            enough = asyncio.Event()

            async def submit(body: str) -> None:
                try:
                    response = await bot.post(body)
                except httpx.TransportError:
                    return  # killed before it answered: nothing was said
                if response.status_code == 200 and response.content:
                    found = RECEIPT.findall(response.text)
                    if found and response.json().get("response_action") == "update":
                        told.append(found[0])
                        if len(told) >= 10:
                            enough.set()

            tasks = [asyncio.create_task(submit(body)) for body in submissions]
            everyone = asyncio.gather(*tasks)
            await asyncio.wait([asyncio.ensure_future(enough.wait()), everyone], return_when=asyncio.FIRST_COMPLETED)
            os.kill(process.pid, signal.SIGKILL)  # mid-burst: later saves are waiting for, or in, a turn
            await everyone
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
    print(f"kill -9: {len(told)} of {len(submissions)} told saved before the kill")
    assert told and len(told) < len(submissions), "the kill did not land mid-burst"
    async with deps.db.reader() as session:
        stored = set((await session.execute(select(Feedback.ref))).scalars())
    print(f"kill -9: {len(stored)} stored")
    assert set(told) <= stored, set(told) - stored
    assert await count_rows(deps, Feedback) == len(await saved_views(deps))  # none saved without its claim


# --- a PostgreSQL restart while the pool is busy ---------------------------------------------


@pytest.fixture
def settings(database_url, slack, request):
    """The usual settings; for a restart's test, the database through the cuttable proxy."""
    url = request.getfixturevalue("db_proxy")[1] if "restart" in request.node.name else database_url
    return Settings(
        DATABASE_URL=url, SLACK_API_URL=slack.base_url, SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET, NLS_SEND_RATE=50, NLS_BALLOT_KEY=BALLOT_KEY,
    )  # fmt: skip


@pytest.mark.parametrize("what", ["lips ON", "find logement", "lang fr"])
async def test_the_first_request_after_a_restart_under_a_busy_pool_is_answered(bot, deps, request, caplog, what):
    """Connections used within the last second are not pinged, but one asyncpg knows closed is
    replaced at checkout: the first request after the restart is answered (neither "try again in
    a minute" nor "something went wrong"), with no traceback in the log; the same request just
    after succeeds too."""
    proxy, _ = request.getfixturevalue("db_proxy")
    caplog.set_level(logging.INFO)
    t = Translator(deps.settings.nls_locale)
    down, unexpected = t("errors.db_unavailable"), t("errors.unexpected")
    await load_directory(deps)
    for _ in range(3):  # a busy pool: every connection used a moment ago, and all answered
        await asyncio.gather(*(bot.answer(REP_TORONTO, "lips ON") for _ in range(6)))
    await asyncio.sleep(0.3)  # the delivery log's batch written, so nothing is in flight …
    await proxy.cut()  # the restart: every pooled connection reset …
    await proxy.restore()  # … and the server back at once
    before = len(bot.slack.calls_to("response_url"))
    first = await bot.command(REP_TORONTO, what)
    assert first.status_code == 200
    await asyncio.sleep(1.0)  # what it says after the acknowledgement, on the response_url
    said = ([text_of(first.json())] if first.content else []) + [
        text_of(c.args) for c in bot.slack.calls_to("response_url")[before:]
    ]
    print(f"first request after the restart ({what}):", ["refused" if down in s else "answered" for s in said])
    assert said and not any(unexpected in s for s in said), said
    assert not any(down in s for s in said), said  # the reset is seen at checkout: a live connection answers
    second = await bot.answer(REP_TORONTO, what)
    assert down not in text_of(second) and unexpected not in text_of(second)
    tracebacks = [r for r in caplog.records if r.exc_info and r.levelno >= logging.WARNING and r.name == "bot.app"]
    assert not tracebacks, [(r.name, r.getMessage()) for r in tracebacks]


async def test_a_modal_saved_just_after_a_restart_is_saved(bot, deps, request):
    """The batches' own connection is pinged at every turn: the first save after a restart goes."""
    proxy, _ = request.getfixturevalue("db_proxy")
    await load_directory(deps)
    await bot.command(REP_MONTREAL, "feedback")
    first_view = await bot.opened_view(0)
    await bot.submit(REP_MONTREAL, first_view, answers())
    await bot.command(REP_MONTREAL, "feedback")
    view = await bot.opened_view(1)
    await proxy.cut()
    await proxy.restore()
    await bot.command(REP_MONTREAL, "help")  # meets a dead pooled connection (see the test above): the pool renews
    response = await bot.submit(REP_MONTREAL, view, answers())
    assert response.json().get("response_action") == "update", response.text
    assert await count_rows(deps, Feedback) == 2


async def test_ping_after_rest_is_still_installed(deps):
    """The guard of the tests above: the pool is not pre-pinged on each checkout any more, so they
    test the rested-ping path and not SQLAlchemy's own."""
    if deps.db.is_sqlite:
        pytest.skip("no pool pings on SQLite")
    assert not deps.db.engine.pool._pre_ping and db_module.PING_AFTER_SECONDS >= 1.0
