"""The real `nlsbot` in a subprocess, with the environment an operator would set: a command that
must end by itself, `nlsbot serve` running until /healthz answers, the single line a start-up
mistake gets, and the local Slack (in the test's loop) the subprocess talks to."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bot.slack.localslack.server import LocalSlack
from tests.support.slackbot import BALLOT_KEY, SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # seconds for a start that should stop by itself; today's code served on, forever
SLACK_HTTP = {
    "SLACK_BOT_TOKEN": "xoxb-startup-test",
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "NLS_BALLOT_KEY": BALLOT_KEY,
}
RAW_KEY = re.compile(r"\b(cli|imports|errors)\.[a-z_.]+\b")


def environment(env: dict[str, str] | None) -> dict[str, str]:
    """This process's environment without any of our settings, plus `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NLS_", "DATABASE_URL", "PORT"))}
    return {**base, "PYTHONPATH": str(ROOT), **(env or {})}


async def nlsbot(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> tuple[int, str, str]:
    """The real command, in a subprocess that must end by itself (the local Slack lives in this loop)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=environment(env), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(process.communicate(stdin.encode()), TIMEOUT)
    except TimeoutError:
        process.kill()
        out, err = await process.communicate()
        pytest.fail(f"nlsbot {' '.join(args)} did not stop by itself; it logged:\n{err.decode()[-2000:]}")
    return process.returncode or 0, out.decode(), err.decode()


def one_line(code: int, err: str, *, exit_code: int = 2) -> str:
    """The single line an operator's mistake gets, checked for its shape."""
    lines = err.strip().splitlines()
    assert code == exit_code, err
    assert len(lines) == 1 and lines[0].startswith("nlsbot: "), err
    assert not RAW_KEY.search(lines[0]), lines[0]
    return lines[0]


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@asynccontextmanager
async def local_slack() -> AsyncIterator[LocalSlack]:
    """The Slack stand-in, in this loop, for a subprocess to call."""
    slack = await LocalSlack().start()
    try:
        yield slack
    finally:
        await slack.stop()


@asynccontextmanager
async def serving(tmp_path: Path, *args: str, env: dict[str, str], port: int) -> AsyncIterator[list[str]]:
    """`nlsbot serve` running until /healthz answers; yields the log lines it wrote by its stop."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", *args, cwd=tmp_path, env=environment(env),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    logs: list[str] = []
    try:
        async with httpx.AsyncClient(timeout=2) as http:
            async with asyncio.timeout(TIMEOUT):
                while True:
                    assert process.returncode is None, "serve stopped"
                    try:
                        if (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                            break
                    except httpx.TransportError:
                        await asyncio.sleep(0.1)
        yield logs
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
        logs.extend(err.decode().splitlines())


def messages(logs: list[str]) -> list[str]:
    """The `msg` of each JSON log line."""
    return [json.loads(line)["msg"] for line in logs if line.startswith("{")]
