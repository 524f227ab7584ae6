"""Each request's signature checked once, before anything else, and its body parsed once
(bot.transport.front_door, bot.transport.envelope): over HTTP the front door checks it and Bolt's
own check is off; a request that reaches the app directly (the shell's) is checked by the app;
and the request Bolt is handed, built from the envelope check's parse, is the one Bolt's Starlette
adapter would have built from the bytes, its form fields decoded as `parse_qsl` decodes them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request
from slack_bolt.async_app import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request

from bot.app import build_app
from bot.deps import Deps
from bot.shell import payloads
from bot.transport.envelope import Checked, check_envelope, form_fields
from bot.transport.front_door import CheckedRequest
from tests.support.corpus import admitted_bodies
from tests.support.slackbot import SIGNING_SECRET, BotClient, text_of

USER = "UONCE0001"


class CountedChecks:
    """slack_sdk's verifier, counting the signatures it checks (and checking them as before)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = SignatureVerifier.is_valid

        def is_valid(verifier: SignatureVerifier, *args: Any, **kwargs: Any) -> bool:
            self.count += 1
            return real(verifier, *args, **kwargs)

        monkeypatch.setattr(SignatureVerifier, "is_valid", is_valid)


async def test_a_request_over_http_is_verified_once(bot: BotClient, monkeypatch: pytest.MonkeyPatch):
    checks = CountedChecks(monkeypatch)
    answer = await bot.command(USER, "help")
    assert answer.status_code == 200 and "/nls" in text_of(answer.json())
    assert checks.count == 1
    forged = payloads.slash_command(USER, "help", response_url=bot.slack.response_url())
    refused = await bot.http.post("/slack/events", content=forged, headers=payloads.sign(forged, "not-the-secret"))
    assert refused.status_code == 401 and checks.count == 2


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the signature, not SQL
async def test_a_request_straight_to_the_app_is_verified_by_the_app(deps: Deps, monkeypatch: pytest.MonkeyPatch):
    app = build_app(deps)
    body = payloads.slash_command(USER, "help", response_url="http://127.0.0.1:9/response")
    checks = CountedChecks(monkeypatch)
    forged = await app.async_dispatch(AsyncBoltRequest(body=body, headers=payloads.sign(body, "not-the-secret")))
    assert (forged.status, json.loads(forged.body)) == (401, {"error": "invalid request"})  # Bolt's own answer
    stale = await app.async_dispatch(
        AsyncBoltRequest(body=body, headers=payloads.sign(body, SIGNING_SECRET, timestamp=1))
    )
    assert stale.status == 401
    signed = await app.async_dispatch(AsyncBoltRequest(body=body, headers=payloads.sign(body, SIGNING_SECRET)))
    assert signed.status == 200 and "/nls" in text_of(json.loads(signed.body))
    assert checks.count == 3


def corpus_bodies() -> list[str]:
    """Every request of the payload corpus the envelope check lets through, as Slack sends it, and
    a command whose text says "payload" (which Bolt reads as an empty body, and so must we)."""
    response_url = "http://127.0.0.1:9/response"
    return [*admitted_bodies(response_url), payloads.slash_command(USER, "find payload", response_url=response_url)]


def starlette_request(body: str) -> Request:
    headers = payloads.sign(body, SIGNING_SECRET)
    scope = {"type": "http", "method": "POST", "path": "/slack/events", "query_string": b"team=T1",
             "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}  # fmt: skip
    return Request(scope)


@pytest.mark.parametrize("body", corpus_bodies())
def test_bolt_is_handed_the_request_its_adapter_would_build(body: str):
    request = starlette_request(body)
    checked = check_envelope(body.encode(), request.headers["content-type"])
    assert isinstance(checked, Checked), checked
    ours, bolts = CheckedRequest(request, checked, verified=True), to_async_bolt_request(request, body.encode())
    assert (ours.raw_body, ours.body, ours.query, ours.headers, ours.content_type, ours.mode) == (
        bolts.raw_body, bolts.body, bolts.query, bolts.headers, bolts.content_type, bolts.mode
    )  # fmt: skip
    assert dict(ours.context) == dict(bolts.context)
    assert (ours.lazy_only, ours.lazy_function_name) == (bolts.lazy_only, bolts.lazy_function_name)


# Pieces of form bodies, well and badly escaped: halves of UTF-8 sequences, a lone `%`, `%%`, `+`,
# backslashes (which the fast decoder escapes for its codec), characters outside ASCII.
PIECES = st.sampled_from(
    [*"%&=+\\x;#azAF09g é€😀", "%41", "%e2%82%ac", "%E2%82", "%C3", "%ff", "%5C", "%5c%78", "%25", "%2", "%%", "%u00e9",
     "%0a", "\\x41", "payload", "command"]
)  # fmt: skip


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_form_fields_are_decoded_as_parse_qsl_decodes_them(text: str):
    assert form_fields(text) == dict(parse_qsl(text, keep_blank_values=True))
