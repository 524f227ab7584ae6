"""The front door under hostile input (bot/transport/front_door.py): half-sent and oversized bodies, odd
timestamps, and what reaches the log when a request is refused."""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import urlsplit

from bot.shell import payloads
from tests.support.slackbot import SIGNING_SECRET, text_of

MARKER = "le-propriétaire-secret-7731"


async def _raw(bot, head: bytes, body: bytes = b"") -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    url = urlsplit(str(bot.http.base_url))
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(head + body)
    await writer.drain()
    return reader, writer


def _head(length: int, extra: str = "") -> bytes:
    return (
        f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\n{extra}\r\n"
    ).encode()


async def test_half_sent_requests_never_keep_slacks_requests_out(bot, deps):
    """More half-sent requests than NLS_MAX_IN_FLIGHT, held open: a real request is still answered."""
    held = [await _raw(bot, _head(1000), b"command=/nl") for _ in range(deps.settings.max_in_flight + 10)]
    try:
        answer = await bot.command("UADMIN001", "help")
        assert answer.status_code == 200, answer.text
        assert "/nls" in text_of(answer.json())
    finally:
        for _, writer in held:
            writer.close()


async def test_a_body_too_large_is_refused_before_it_is_read(bot):
    reader, writer = await _raw(bot, _head(60_000_000))  # and not one byte of it sent
    try:
        status = await asyncio.wait_for(reader.readline(), timeout=5)
    finally:
        writer.close()
    assert status.startswith(b"HTTP/1.1 413")


async def test_a_body_that_never_arrives_is_given_up_after_its_deadline(bot, deps):
    deps.settings.body_seconds = 0.5
    reader, writer = await _raw(bot, _head(1000), b"command=/nls&text=")
    started = time.monotonic()
    try:
        status = await asyncio.wait_for(reader.readline(), timeout=10)
    finally:
        writer.close()
    assert status.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 5


async def test_odd_timestamps_are_401_and_refused_requests_never_log_their_body(bot, caplog):
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.INFO)
    body = payloads.slash_command("UADMIN001", f"feedback {MARKER}", response_url=bot.slack.response_url())
    signed = payloads.sign(body, SIGNING_SECRET)
    cases = {
        "not a number": {**signed, "x-slack-request-timestamp": "abc"},
        "a fraction": {**signed, "x-slack-request-timestamp": "1733221234.5"},
        "negative": {**signed, "x-slack-request-timestamp": "-1"},
        "unsigned": {"Content-Type": "application/x-www-form-urlencoded"},
        "mis-signed": payloads.sign(body, "another secret"),
        "stale": payloads.sign(body, SIGNING_SECRET, timestamp=int(time.time()) - 3600),
    }
    for name, headers in cases.items():
        response = await bot.http.post("/slack/events", content=body.encode(), headers=headers)
        assert response.status_code == 401, name
    malformed = "payload=" + '{"type": "block_actions", ' + MARKER
    assert (await bot.post(malformed)).status_code == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], "no traceback"
    logged = "\n".join(f"{r.name} {r.getMessage()} {vars(r)}" for r in caplog.records)
    assert "Slack request refused: request timestamp is not a number" in logged
    assert MARKER not in logged
