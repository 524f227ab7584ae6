"""What a request must show before it costs us anything: a whole body, soon, of a sane size, signed.

Why here and not in Bolt: Bolt reads the body to its end whatever its size, checks the signature
only after, logs the body when the signature fails (anonymous feedback beside a user id, with a
rotated secret), and turns a timestamp that is not a number into a traceback. And a request
counted in flight before its body arrived let ~200 half-sent connections take every slot
(`NLS_MAX_IN_FLIGHT`), so that real Slack requests got 503 for as long as they stayed open.

So `POST /slack/events` first reads the body here — refused with 413 past `MAX_BODY_BYTES`
(before reading on, when the declared length already says so), with 408 if it has not arrived
within `NLS_BODY_SECONDS` — then checks Slack's signature on the bytes, refusing with 401 and one
WARNING line that names the reason and never the body. Only then does the request take a slot.
Bolt's own signature check is off (bot.app): a request is verified once, here, or, when it did not
come through this door (the shell's), by the app before anything else (`unverified_refusal`).

What this cannot do, and a reverse proxy must: bound the time a client may take to send its
*headers*, and the number of connections one address may hold (uvicorn waits for headers without
a deadline). docs/deployment.md says what to set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from starlette.datastructures import Headers
from starlette.requests import Request

from bot.infra.logs import note_request
from bot.transport.envelope import Checked

log = logging.getLogger(__name__)

# Slack's largest payloads (a view submission with a long form) are well under this.
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str  # for the log line: a shape, never the request's content


async def read_body(request: Request, *, seconds: float) -> bytes | Refusal:
    """The whole body, or why not."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        return Refusal(413, "declared body too large or unreadable length")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    return Refusal(413, "body too large")
                chunks.append(chunk)
    except TimeoutError:
        return Refusal(408, f"body not received within {seconds:g} s")
    return b"".join(chunks)


SIGNED_HEADERS = ("x-slack-request-timestamp", "x-slack-signature")


def _only_value(headers: Headers | Mapping[str, Sequence[str]], name: str) -> str | None:
    """The header's one value ("" when absent), or None when it was sent more than once: which of
    two would count is a choice an attacker should not get (Bolt took the last, we the first).
    Starlette's headers keep every value (`getlist`); Bolt's are a dict of lists."""
    values = headers.getlist(name) if isinstance(headers, Headers) else headers.get(name, ())
    if len(values) > 1:
        return None
    return values[0] if values else ""


def signature_refusal(headers: Headers | Mapping[str, Sequence[str]], body: bytes | str, secret: str) -> Refusal | None:
    """None if Slack signed these bytes within the last five minutes (slack_sdk's verifier:
    HMAC-SHA256 of `v0:<timestamp>:<body>`, compared in constant time). Refused here, before the
    verifier: no secret to check with, a signature or timestamp sent twice, and a timestamp that
    is not a number (the verifier would raise on the first and the last)."""
    if not secret:
        return Refusal(401, "no signing secret")
    timestamp, signature = (_only_value(headers, name) for name in SIGNED_HEADERS)
    if timestamp is None or signature is None:
        return Refusal(401, "signature or timestamp header sent more than once")
    if not timestamp.isascii() or not timestamp.isdigit():
        return Refusal(401, "request timestamp is not a number")
    verifier = SignatureVerifier(signing_secret=secret)
    if not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
        return Refusal(401, "bad or stale signature")
    return None


class CheckedRequest(AsyncBoltRequest):
    """Bolt's request for a body this door has read and the envelope check has parsed (what the
    Starlette adapter's `to_async_bolt_request` makes, without parsing the body a second time),
    and whether its signature was verified here (`verified`; else the app verifies it, bot.app)."""

    def __init__(self, request: Request, checked: Checked, *, verified: bool) -> None:
        super().__init__(body="", query=request.query_params, headers=request.headers)  # type: ignore[arg-type]
        self.raw_body = checked.text
        self.body = checked.body
        self.context = build_async_context(AsyncBoltContext(), checked.body)
        self.verified = verified


def unverified_refusal(req: AsyncBoltRequest, secret: str) -> BoltResponse | None:
    """For a request in HTTP mode that this door did not verify (the shell's, which come straight
    to the app): the same check, before anything else, answered as Bolt's own check answered it."""
    if req.mode != "http" or (isinstance(req, CheckedRequest) and req.verified):
        return None
    refusal = signature_refusal(req.headers, req.raw_body, secret)
    if refusal is None:
        return None
    log.warning("Slack request refused: %s", refusal.reason)
    note_request(outcome="rejected")
    return BoltResponse(status=401, body={"error": "invalid request"})
