"""Hostile review of #18's transport changes (4307de1: the signature checked once; 049f761: the
listeners found by id). Every unsigned, mis-signed, stale or altered request, by every way in,
is refused with 401 and touches nothing; and dispatch by id picks, for many random sets of
listeners and requests of every kind, exactly the listener Bolt's own walk over all of them picks."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import re
import time
from typing import Any
from urllib.parse import quote

import pytest
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, select

from bot.app import build_app
from bot.deps import Deps
from bot.infra.db import Database
from bot.infra.settings import Settings
from bot.shell import payloads
from bot.shell.forms import state_values
from bot.slack.localslack.server import LocalSlack
from bot.transport.routing import RoutedApp
from models import Base, UserPref
from tests.support.directory import REP_MONTREAL, load_directory
from tests.support.feedback import answers, open_form
from tests.support.serving import serving
from tests.support.slackbot import SIGNING_SECRET, BotClient

USER = REP_MONTREAL


async def table_counts(deps: Deps) -> dict[str, int]:
    """Rows per table: what "touched nothing" is checked against."""
    async with deps.db.reader() as session:
        return {
            t.name: (await session.execute(select(func.count()).select_from(t))).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def bodies(slack: LocalSlack, view: dict[str, Any]) -> dict[str, str]:
    """One body per way a request is shaped: a form command, an interactivity payload (a modal
    submission that would save), a JSON event, a JSON url_verification."""
    return {
        "command": payloads.slash_command(USER, "lang fr", response_url=slack.response_url()),
        "modal": payloads.view_submission(USER, view, _state(view)),
        "event": payloads.event_callback({"type": "app_home_opened", "user": USER, "tab": "home"}, event_id="EvATK1"),
        "url_verification": json.dumps({"type": "url_verification", "token": "x", "challenge": "c0ffee"}),
    }


def _state(view: dict[str, Any]) -> dict[str, Any]:
    return state_values(view, answers())


def _empty_key(ts: str, body: str) -> str:
    """Slack's scheme with an empty key (slack_sdk refuses to make one)."""
    return "v0=" + hmac.new(b"", f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()


def forgeries(body: str) -> dict[str, tuple[bytes, list[tuple[str, str]]]]:
    """(bytes sent, headers) of every way of sending `body` not as Slack signed it."""
    good = payloads.sign(body, SIGNING_SECRET)
    ts, sig, ctype = good["x-slack-request-timestamp"], good["x-slack-signature"], good["content-type"]
    now = int(time.time())

    def signed_at(at: int) -> list[tuple[str, str]]:
        return list(payloads.sign(body, SIGNING_SECRET, timestamp=at).items())

    raw = body.encode()
    ct = ("content-type", ctype)
    return {
        "unsigned": (raw, [ct]),
        "mis-signed": (raw, list(payloads.sign(body, "0123456789abcdef").items())),
        "empty-key-signed": (raw, [ct, ("x-slack-request-timestamp", ts), ("x-slack-signature", _empty_key(ts, body))]),
        "stale": (raw, signed_at(now - 400)),  # well past the five minutes: the clock moves meanwhile
        "future": (raw, signed_at(now + 400)),
        "signature only, no timestamp": (raw, [ct, ("x-slack-signature", sig)]),
        "signature of another timestamp": (
            raw,
            [ct, ("x-slack-request-timestamp", str(now - 1)), ("x-slack-signature", sig)],
        ),
        "v1 scheme": (raw, [ct, ("x-slack-request-timestamp", ts), ("x-slack-signature", "v1" + sig[2:])]),
        "upper-case hex": (
            raw,
            [ct, ("x-slack-request-timestamp", ts), ("x-slack-signature", "v0=" + sig[3:].upper())],
        ),
        "truncated signature": (raw, [ct, ("x-slack-request-timestamp", ts), ("x-slack-signature", sig[:-2])]),
        "timestamp with a leading zero": (
            raw,
            [ct, ("x-slack-request-timestamp", "0" + ts), ("x-slack-signature", sig)],
        ),
        "unicode digits": (raw, [ct, ("x-slack-request-timestamp", "١٧٠٠٠٠٠٠٠٠"), ("x-slack-signature", sig)]),
        "UPPER-CASE header names, bad signature": (
            raw,
            [ct, ("X-SLACK-REQUEST-TIMESTAMP", ts), ("X-Slack-Signature", "v0=" + "0" * 64)],
        ),
        "altered after signing (appended)": (
            raw + b"&x=1" if not body.startswith("{") else raw[:-1] + b',"x":1}',
            list(good.items()),
        ),
        "altered after signing (one byte)": (raw[:-1] + bytes([raw[-1] ^ 1]), list(good.items())),
        "bad signature first, good second": (
            raw,
            [
                ct,
                ("x-slack-request-timestamp", ts),
                ("x-slack-signature", "v0=" + "0" * 64),
                ("x-slack-signature", sig),
            ],
        ),
        "good signature first, bad second": (  # Bolt checked the last value, the door the first
            raw,
            [
                ct,
                ("x-slack-request-timestamp", ts),
                ("x-slack-signature", sig),
                ("x-slack-signature", "v0=" + "0" * 64),
            ],
        ),
        "good timestamp first, another second": (
            raw,
            [
                ct,
                ("x-slack-request-timestamp", ts),
                ("x-slack-request-timestamp", str(now - 1)),
                ("x-slack-signature", sig),
            ],
        ),
    }


async def test_every_forgery_over_http_is_refused_with_401_and_touches_nothing(bot: BotClient, deps: Deps):
    await load_directory(deps)
    view = await open_form(bot, USER)
    await asyncio.sleep(0.5)  # the delivery log's batch of the opening command is written
    before, calls = await table_counts(deps), len(bot.slack.calls)
    wrong: dict[str, int] = {}
    for kind, body in bodies(bot.slack, view).items():
        for name, (content, headers) in forgeries(body).items():
            sent = [(k, v.encode()) for k, v in headers]  # header values as bytes: non-ASCII digits too
            response = await bot.http.post("/slack/events", content=content, headers=sent)
            if response.status_code != 401:
                wrong[f"{kind}: {name}"] = response.status_code
    await asyncio.sleep(0.5)  # any delivery batch a wrongly accepted request left would be written by now
    assert wrong == {}, wrong
    assert await table_counts(deps) == before
    assert len(bot.slack.calls) == calls, [c.method for c in bot.slack.calls[calls:]]
    # and the same bodies, signed as Slack signs them and with header names in any case, go through
    for kind, body in bodies(bot.slack, view).items():
        headers = {k.upper(): v for k, v in payloads.sign(body, SIGNING_SECRET).items()}
        response = await bot.http.post("/slack/events", content=body.encode(), headers=headers)
        assert response.status_code == 200, (kind, response.text)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the signature, not SQL
async def test_every_forgery_straight_to_the_app_is_refused_as_bolt_refused_it(deps: Deps, slack: LocalSlack):
    """The shell's way in (an AsyncBoltRequest in HTTP mode, no front door): the app checks."""
    app = build_app(deps)
    view = {"id": "VATK", "type": "modal", "callback_id": "feedback", "hash": "1", "blocks": []}
    wrong: dict[str, Any] = {}
    for kind, body in bodies(slack, view).items():
        for name, (content, headers) in forgeries(body).items():
            repeated: dict[str, list[str]] = {}  # Bolt's headers: each name's values, in order
            for header, value in headers:
                repeated.setdefault(header, []).append(value)
            try:
                request = AsyncBoltRequest(body=content.decode(), headers=repeated)
            except ValueError:  # JSON broken by the alteration: Bolt cannot even build the request
                continue
            response = await app.async_dispatch(request)
            if (response.status, response.body) != (401, json.dumps({"error": "invalid request"})):
                wrong[f"{kind}: {name}"] = (response.status, response.body)
    assert wrong == {}, wrong
    assert slack.calls == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_socket_mode_requests_are_not_refused_for_a_signature_they_never_carry(deps: Deps, slack: LocalSlack):
    """Over the app's authenticated websocket Bolt never checked one: still so."""
    app = build_app(deps)
    body = {"type": "event_callback", "event": {"type": "reaction_added", "user": USER}, "event_id": "EvSOCK"}
    response = await app.async_dispatch(AsyncBoltRequest(body=body, mode="socket_mode"))
    assert response.status == 200


@pytest.fixture
def unsigned_settings(database_url: str, slack: LocalSlack) -> Settings:
    return Settings(DATABASE_URL=database_url, SLACK_API_URL=slack.base_url, SLACK_BOT_TOKEN="xoxb-test-token")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_with_no_signing_secret_set_a_forgery_is_still_refused(unsigned_settings, clock, slack, caplog):
    """The front door skips its check when NLS has no signing secret (serve refuses to start so,
    but worker and test builds do not): the app's own check must then refuse, as Bolt's did, with
    401 and the reason, not as an unparseable request (slack_sdk raises on an empty key)."""
    deps = Deps(settings=unsigned_settings, db=Database(unsigned_settings.database_url), clock=clock)
    try:
        async with serving(deps, slack) as bot:
            body = payloads.slash_command(USER, "lang fr", response_url=slack.response_url())
            for name in ("unsigned", "mis-signed", "empty-key-signed", "stale"):
                content, headers = forgeries(body)[name]
                response = await bot.http.post("/slack/events", content=content, headers=headers)
                # Refused, never run (before #18 Bolt's check raised slack_sdk's ValueError for the
                # empty key and the app answered 200 with "something went wrong").
                assert response.status_code == 401, name
            warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
            assert "Slack request refused: no signing secret" in warnings, warnings
            assert not any("unparseable" in w for w in warnings), warnings
            await asyncio.sleep(0.5)
            async with deps.db.reader() as session:
                assert await session.get(UserPref, USER) is None  # `lang fr` never ran
    finally:
        await deps.close()


# --- dispatch by id against Bolt's walk over every listener ----------------------------------

IDS = ["a", "b", "ab", "/a", "message", "app_mention", "reaction_added"]
PATTERNS = [re.compile("^a"), re.compile("b$"), re.compile(".")]


def _constraint(rng: random.Random, method: str) -> Any:
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(IDS)
    if roll < 0.8:
        return rng.choice(PATTERNS)
    dicts = {
        "action": [
            {"action_id": rng.choice(IDS)},
            {"block_id": "blk", "action_id": rng.choice(IDS)},
            {"type": "block_actions", "action_id": rng.choice(PATTERNS)},
            {"callback_id": rng.choice(IDS)},
        ],
        "block_action": [{"action_id": rng.choice(IDS)}, {"block_id": "blk"}],
        "view": [{"type": "view_closed", "callback_id": rng.choice(IDS)}, {"callback_id": rng.choice(IDS)}],
        "shortcut": [{"type": "message_action", "callback_id": rng.choice(IDS)}, {"callback_id": rng.choice(IDS)}],
        "options": [{"action_id": rng.choice(IDS)}, {"callback_id": rng.choice(IDS)}],
        "event": [
            {"type": "message", "subtype": "message_changed"},
            {"type": "message", "subtype": None},
            {"type": rng.choice(IDS)},
            {"type": rng.choice(PATTERNS)},
        ],
    }
    return rng.choice(dicts.get(method, [rng.choice(IDS)]))


METHODS = ["command", "shortcut", "global_shortcut", "message_shortcut", "action", "block_action",
           "attachment_action", "dialog_submission", "dialog_cancellation", "view", "view_submission",
           "view_closed", "options", "block_suggestion", "dialog_suggestion", "event", "message"]  # fmt: skip


def register_random(app: AsyncApp, rng: random.Random, ran: list[str]) -> None:
    for n in range(rng.randint(1, 14)):
        method = rng.choice(METHODS)
        if method == "message":
            constraint: Any = rng.choice(["", "hello", re.compile("^h")])
        else:
            constraint = _constraint(rng, method)
        matchers = [_says_no] if rng.random() < 0.1 else None

        def listener(name: str = f"{n}:{method}:{constraint!r}") -> Any:
            async def run(ack: Any) -> None:
                ran.append(name)
                await ack()

            return run

        try:
            getattr(app, method)(constraint, matchers=matchers)(listener())
        except Exception as error:  # Bolt refuses some combinations (e.g. "message" for event): both alike
            ran.append(f"refused {method} {constraint!r}: {type(error).__name__}")


async def _says_no() -> bool:
    return False


def requests(key: str) -> list[dict[str, Any]]:
    user = {"id": USER}
    view = {"id": "V1", "type": "modal", "callback_id": key, "hash": "1", "blocks": []}
    return [
        {"command": key, "user_id": USER, "text": "x"},
        {"type": "block_actions", "user": user, "actions": [{"action_id": key, "block_id": "blk"}]},
        {"type": "block_actions", "user": user, "actions": [{"action_id": "zz", "block_id": "blk"}, {"action_id": key}]},
        {"type": "block_actions", "user": user, "actions": [{"action_id": key}, {"action_id": "zz"}]},
        {"type": "view_submission", "user": user, "view": view},
        {"type": "view_closed", "user": user, "view": view},
        {"type": "shortcut", "user": user, "callback_id": key},
        {"type": "message_action", "user": user, "callback_id": key, "message": {"ts": "1.0"}},
        {"type": "block_suggestion", "user": user, "action_id": key, "block_id": "blk", "value": "q"},
        {"type": "dialog_suggestion", "user": user, "callback_id": key, "value": "q"},
        {"type": "dialog_submission", "user": user, "callback_id": key, "submission": {}},
        {"type": "dialog_cancellation", "user": user, "callback_id": key},
        {"type": "interactive_message", "user": user, "callback_id": key, "actions": [{"name": "n"}]},
        {"type": "event_callback", "event_id": "Ev1", "event": {"type": key, "user": USER, "text": "hello", "ts": "1.0"}},
        {"type": "event_callback", "event_id": "Ev2", "event": {"type": key, "subtype": "message_changed", "ts": "1.0"}},
        {"type": "event_callback", "event_id": "Ev3", "event": {"type": key, "subtype": "bot_message", "text": "hello"}},
    ]  # fmt: skip


async def _outcome(app: AsyncApp, ran: list[str], body: dict[str, Any]) -> tuple[int, list[str]]:
    ran.clear()
    response = await app.async_dispatch(AsyncBoltRequest(body=body, mode="socket_mode"))
    for _ in range(400):  # an event is acknowledged first and its listener runs after
        if ran or response.status == 404 or body.get("type") != "event_callback":
            break
        await asyncio.sleep(0.005)
    return response.status, list(ran)


@pytest.mark.parametrize("seed", range(40))
async def test_random_listeners_and_requests_dispatch_as_bolt_dispatches_them(seed: int, slack: LocalSlack):
    outcomes = []
    for kind in (RoutedApp, AsyncApp):
        ran: list[str] = []
        app = kind(
            client=AsyncWebClient(token="xoxb-test-token", base_url=slack.base_url), signing_secret=SIGNING_SECRET
        )
        register_random(app, random.Random(seed), ran)
        registrations = list(ran)
        results = [await _outcome(app, ran, body) for key in [*IDS, "nobody"] for body in requests(key)]
        outcomes.append((registrations, results))
    assert outcomes[0] == outcomes[1]


def test_a_form_body_bolt_would_read_is_read_the_same(monkeypatch: pytest.MonkeyPatch):
    """The fast form decoder (36ac767) that CheckedRequest's body now comes from, against
    parse_qsl on whole payloads with escapes of every kind (its own test mixes short pieces)."""
    from urllib.parse import parse_qsl

    from bot.transport.envelope import form_fields

    rng = random.Random(18)
    alphabet = "aZ09 +%&=;é€😀\\\x00\n\t\"'<>#?/"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        for body in (text, "payload=" + quote(text), "payload=" + quote(text, safe="") + "&x=" + text):
            assert form_fields(body) == dict(parse_qsl(body, keep_blank_values=True)), body
