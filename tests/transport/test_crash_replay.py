"""`kill -9` just after the acknowledgement, then the same delivery again after a restart: what the
first one changed is not done twice (bot.transport.claims).

The bot runs as `nlsbot serve` in a process of its own, the way it is deployed, so the kill is a
real SIGKILL: no shutdown hook writes the delivery log's last batch. Before claims, the key of a
request that wrote something reached the database in a batch 0.2 s after the answer, and a
replay after a kill in that window ran again (4 of 5 tries saved a second feedback row)."""

from __future__ import annotations

import asyncio
import os
import sys
from asyncio.subprocess import Process
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from subprocess import STDOUT

import httpx
from sqlalchemy import func, select

from bot.blocks import ids
from bot.shell import payloads
from bot.shell.forms import state_values
from models.feedback import Feedback
from tests.support.directory import REP_MONTREAL, load_directory
from tests.support.feedback import answers
from tests.support.processes import ROOT, free_port
from tests.support.resources import load_library
from tests.support.slackbot import BALLOT_KEY, SIGNING_SECRET, BotClient, find_action, text_of


@asynccontextmanager
async def serving(database_url: str, slack, tmp_path: Path) -> AsyncIterator[tuple[BotClient, Process]]:
    """`nlsbot serve` in its own process, talking to the test's Slack stand-in."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NLS_", "DATABASE_URL"))}
    env.update(
        PYTHONPATH=str(ROOT), DATABASE_URL=database_url, SLACK_API_URL=slack.base_url,
        SLACK_BOT_TOKEN="xoxb-test-token", SLACK_SIGNING_SECRET=SIGNING_SECRET, NLS_BALLOT_KEY=BALLOT_KEY,
    )  # fmt: skip
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler"]
    log = (tmp_path / f"serve-{port}.log").open("w")
    process = await asyncio.create_subprocess_exec(*command, env=env, cwd=tmp_path, stdout=log, stderr=STDOUT)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for _ in range(600):  # up to a minute on a busy machine: imports and migrations
                if process.returncode is not None:
                    raise AssertionError(f"nlsbot serve exited: {(tmp_path / log.name).read_text()}")
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            yield BotClient(http=http, slack=slack), process
    finally:
        if process.returncode is None:
            process.terminate()
            await asyncio.wait_for(process.wait(), 30)
        log.close()


async def test_a_command_that_wrote_is_not_run_again_after_kill_9(database_url, deps, slack, tmp_path):
    await load_directory(deps)
    body = payloads.slash_command(REP_MONTREAL, "lang fr", response_url=slack.response_url())
    async with serving(database_url, slack, tmp_path) as (bot, process):
        first = await bot.post(body)
        process.kill()  # SIGKILL at once: no shutdown writes the delivery batch
        await process.wait()
    assert first.status_code == 200 and "français" in text_of(first.json())
    async with serving(database_url, slack, tmp_path) as (bot, _):
        replay = await bot.post(body)  # the same delivery (its trigger id), after the restart
        assert replay.status_code == 200 and replay.content == b""
        fresh = await bot.post(payloads.slash_command(REP_MONTREAL, "lang fr", response_url=slack.response_url()))
        assert fresh.content  # a new press is answered, so the empty one above was the replay refused


async def test_a_modal_submitted_is_saved_once_across_kill_9(database_url, deps, slack, tmp_path):
    await load_directory(deps)
    async with serving(database_url, slack, tmp_path) as (bot, process):
        await bot.command(REP_MONTREAL, "feedback")
        view = await bot.opened_view()
        body = payloads.view_submission(REP_MONTREAL, view, state_values(view, answers()))
        first = await bot.post(body)
        process.kill()
        await process.wait()
    assert first.json()["response_action"] == "update"
    async with serving(database_url, slack, tmp_path) as (bot, _):
        assert (await bot.post(body)).content == b""  # the same submission, replayed
        assert (await bot.submit(REP_MONTREAL, view, answers())).content == b""  # Submit again: same view
    async with deps.db.reader() as session:
        assert (await session.execute(select(func.count()).select_from(Feedback))).scalar_one() == 1


async def test_a_share_in_channel_is_not_posted_again_after_kill_9(database_url, deps, slack, tmp_path):
    """Its effect is a message others see, not a row: the claim is written just before it."""
    await load_directory(deps)
    await load_library(deps)
    async with serving(database_url, slack, tmp_path) as (bot, process):
        answer = await bot.answer(REP_MONTREAL, "find logement")
        share, block_id = find_action(answer["blocks"], ids.RESOURCE_SHARE)
        body = payloads.block_actions(REP_MONTREAL, share, block_id=block_id, response_url=slack.response_url())
        await bot.post(body)
        await slack.wait_for("response_url", lambda c: c.args.get("response_type") == "in_channel")
        process.kill()  # the post is out; the delivery log's batch is not
        await process.wait()
    async with serving(database_url, slack, tmp_path) as (bot, _):
        assert (await bot.post(body)).content == b""
        await bot.answer(REP_MONTREAL, "help")  # the replay, had it run, would have posted by now
    shared = [c for c in slack.calls_to("response_url") if c.args.get("response_type") == "in_channel"]
    assert len(shared) == 1
