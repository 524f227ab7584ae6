"""Listeners found by the ids a request carries (bot.transport.routing), with Bolt's semantics.

Three checks: the real app's listeners, offered every request of the payload corpus and one
request per registered id, match exactly as when Bolt asks all of them (same listeners, same
order), while being offered only a few; an app with listeners by id and by pattern, dispatched
through Bolt's whole pipeline with signed requests, behaves as a plain Bolt app with the same
listeners (first registered wins, a listener whose matcher or middleware declines is passed, an
unmatched request gets Bolt's answer); and the real bot over HTTP still answers a request no
listener wants as it did (an apology, or an empty 200 for an event).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_bolt.listener.async_listener import AsyncListener
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_app
from bot.deps import Deps
from bot.infra.i18n import Translator
from bot.shell import payloads
from bot.slack.localslack.server import LocalSlack
from bot.transport.envelope import Checked, check_envelope
from bot.transport.routing import RoutedApp, carried_ids
from tests.support.corpus import admitted_bodies
from tests.support.slackbot import SIGNING_SECRET, BotClient

USER = "UROUTE0001"
VIEW = {"id": "VROUTE", "type": "modal", "hash": "1.2", "blocks": [{"type": "input", "block_id": "b"}]}


def corpus_bodies() -> list[dict[str, Any]]:
    """Every request of the payload corpus the envelope check lets through, as Bolt is handed it."""
    checked = [check_envelope(body.encode(), "") for body in admitted_bodies("http://127.0.0.1:9/response")]
    return [c.body for c in checked if isinstance(c, Checked)]


def one_per_id(ids: set[str]) -> list[dict[str, Any]]:
    """For each id, a request of each kind that carries it where a matcher looks."""
    bodies: list[dict[str, Any]] = []
    for key in sorted(ids):
        bodies += [
            {"command": key, "user_id": USER, "text": "help"},
            {"type": "block_actions", "user": {"id": USER}, "actions": [{"action_id": key, "value": "1"}]},
            {"type": "view_submission", "user": {"id": USER}, "view": {**VIEW, "callback_id": key}},
            {"type": "view_closed", "user": {"id": USER}, "view": {**VIEW, "callback_id": key}},
            {"type": "shortcut", "user": {"id": USER}, "callback_id": key},
            {"type": "message_action", "user": {"id": USER}, "callback_id": key},
            {"type": "block_suggestion", "user": {"id": USER}, "action_id": key},
            {"type": "event_callback", "event": {"type": key, "user": USER, "channel": "D1", "ts": "1.0",
                                                 "channel_type": "im", "text": "hi"}},
        ]  # fmt: skip
    bodies.append({"type": "block_actions", "user": {"id": USER}, "actions": [{"action_id": "home_lang_fr"}]})
    return bodies


async def matching(listeners: Any, body: dict[str, Any]) -> list[AsyncListener]:
    request = AsyncBoltRequest(body=body, mode="socket_mode")  # a parsed body, as Socket Mode hands it over
    response = BoltResponse(status=200, body="")
    return [listener for listener in listeners if await listener.async_matches(req=request, resp=response)]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # no SQL: the app is only built
async def test_the_real_listeners_match_as_when_bolt_asks_them_all(deps: Deps):
    app = build_app(deps)
    everyone = list(list.__iter__(app._async_listeners))
    registered = {key for listener in everyone if (key := app.routes._ids.get(listener))}
    assert len(registered) > 30 and "/nls" in registered  # almost every listener is found by its id
    bodies = corpus_bodies() + one_per_id(registered | {"nobody_registered_this"})
    for body in bodies:
        offered = app.routes.offered(body)
        assert await matching(offered, body) == await matching(everyone, body), body
    always = len(app.routes.offered({}))
    assert always < 5  # the listeners registered by pattern, offered every request
    sharing = max(list(app.routes._ids.values()).count(key) for key in registered)
    assert sharing <= 3  # the three `message` listeners (a DM, an edit, a deletion)
    for body in one_per_id(registered):
        assert len(app.routes.offered(body)) <= always + sharing


def test_a_request_carries_the_ids_its_matchers_compare():
    assert carried_ids({"command": "/nls"}) == {"/nls"}
    assert carried_ids({"type": "block_actions", "actions": [{"action_id": "a"}, {"action_id": "b"}]}) == {"a"}
    assert carried_ids({"type": "view_submission", "view": {"callback_id": "v"}}) == {"v"}
    assert carried_ids({"type": "event_callback", "event": {"type": "message"}}) == {"message"}
    assert carried_ids({"type": "shortcut", "callback_id": "s", "action_id": 3}) == {"s"}
    assert carried_ids({"actions": "not a list", "view": None, "event": []}) == set()


def apps(slack: LocalSlack) -> tuple[RoutedApp, AsyncApp]:
    def app(kind: type[AsyncApp]) -> Any:
        client = AsyncWebClient(token="xoxb-test-token", base_url=slack.base_url)
        return kind(client=client, signing_secret=SIGNING_SECRET)

    return app(RoutedApp), app(AsyncApp)


def register(app: AsyncApp, ran: list[str]) -> None:
    """Listeners by id and by pattern, in an order that puts each rule to the test."""

    def listener(name: str) -> Any:
        async def run(ack: Any) -> None:
            ran.append(name)
            await ack(text=name)

        return run

    async def says_no() -> bool:
        return False

    async def declines(next: Any) -> None:  # a listener middleware that does not call next()
        return None

    app.action(re.compile("^first"))(listener("pattern before id"))
    app.action("first_a")(listener("id after pattern"))
    app.action("second")(listener("id before pattern"))
    app.action(re.compile("^sec"))(listener("pattern after id"))
    app.action("third", matchers=[says_no])(listener("matcher says no"))
    app.action("third", middleware=[declines])(listener("middleware declines"))
    app.action(re.compile("^thi"))(listener("third's fallback"))
    app.view("form")(listener("view by id"))
    app.view(re.compile("^other_"))(listener("view by pattern"))
    app.command("/nls")(listener("command"))
    app.event("app_mention")(listener("mention"))
    app.event({"type": "message", "subtype": "message_changed"})(listener("edit"))
    app.message("hello")(listener("hello"))


def action(action_id: str) -> str:
    return payloads.block_actions(USER, {"action_id": action_id, "type": "button", "value": "1"}, block_id="b")


def view(callback_id: str) -> str:
    return payloads.view_submission(USER, {**VIEW, "callback_id": callback_id}, {})


def message(text: str, **more: Any) -> str:
    return payloads.event_callback(
        {"type": "message", "user": USER, "channel": "C1", "ts": "1.0", "text": text, **more}
    )


REQUESTS = {
    "pattern before id": action("first_a"),
    "id before pattern": action("second"),
    "third's fallback": action("third"),
    "view by id": view("form"),
    "view by pattern": view("other_form"),
    "command": payloads.slash_command(USER, "help", response_url="http://localhost/r"),
    "mention": payloads.app_mention(USER, "hi"),
    "edit": message("new", subtype="message_changed"),
    "hello": message("hello there"),
    None: action("nobody_registered_this"),
}


@pytest.mark.parametrize("expected", list(REQUESTS), ids=[str(k) for k in REQUESTS])
async def test_dispatch_is_bolts_for_listeners_by_id_and_by_pattern(expected: str | None, slack: LocalSlack):
    routed, plain = apps(slack)
    answers = []
    for app in (routed, plain):
        ran: list[str] = []
        register(app, ran)
        body = REQUESTS[expected]
        response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=payloads.sign(body, SIGNING_SECRET)))
        for _ in range(100):  # an event is acknowledged first, and its listener runs after
            if ran or response.status == 404:
                break
            await asyncio.sleep(0.01)
        answers.append((response.status, response.body, ran))
    assert answers[0] == answers[1]
    status, _, ran = answers[0]
    assert ran == ([expected] if expected else []) and status == (200 if expected else 404)


async def test_a_request_no_listener_wants_is_answered_as_before(bot: BotClient, deps: Deps):
    unknown = await bot.press(USER, {"action_id": "nobody_registered_this", "type": "button"}, block_id="b")
    assert unknown.status_code == 200
    assert unknown.json()["text"] == Translator(deps.settings.nls_locale)("errors.unknown_action")
    form = await bot.post(view("nobody_registered_this"))
    assert form.json() == {"response_action": "errors", "errors": {"b": unknown.json()["text"]}}
    event = await bot.event(payloads.event_callback({"type": "reaction_added", "user": USER}))
    assert (event.status_code, event.content) == (200, b"")
