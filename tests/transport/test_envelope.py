"""bot.transport.envelope: every body the shell builds passes; every malformed shape seen in the wild is refused
with a message naming the shape (never what people typed); and a bounded, seeded mutation run
checks that whatever passes can be read by Bolt, our middleware and the listeners' parsers."""

from __future__ import annotations

import contextlib
import copy
import json
import random
import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from slack_bolt.context import BoltContext
from slack_bolt.request import payload_utils
from slack_bolt.request.internals import build_context, parse_body

from bot.app import _describe, _replay_key, apology
from bot.blocks import consultations as consult_blocks
from bot.blocks import ids
from bot.blocks import polls as poll_blocks
from bot.blocks import resources as resource_blocks
from bot.infra.i18n import Translator
from bot.services.errors import DomainError
from bot.shell import payloads
from bot.shell.forms import state_values
from bot.transport.envelope import INT64_MAX, envelope_problem
from handlers.actions.nominations import id_of
from handlers.actions.plans import item_id
from handlers.actions.polls import poll_id_of
from handlers.events.resources import question_of
from handlers.support import first_input_block, form_values
from handlers.views.feedback import consultation_id
from handlers.views.nominations import parse_round
from handlers.views.polls import _position, parse_form

FORM, JSON = "application/x-www-form-urlencoded", "application/json"
MARKER = "le-propriétaire-secret-7731"  # stands for what a person typed: never in a problem
URL = "http://localhost/response/1"
T = Translator("en")


def content_type(body: str) -> str:
    return payloads.sign(body, "secret")["content-type"]  # as the shell and the tests send it


def stored(view: Any) -> dict[str, Any]:
    """A view as Slack (bot.slack.localslack) holds it once opened: with an id, a hash and a state."""
    data = view.to_dict() if hasattr(view, "to_dict") else dict(view)
    return {**data, "id": "V00000042", "hash": "h43", "state": {"values": {}}}


POLL_FORM = stored(poll_blocks.create_modal(T, channel_id="CGENERAL", now=datetime(2030, 1, 1, tzinfo=UTC)))
RESOURCE_FORM = stored(resource_blocks.form_view(T, values={"title": "Toolkit"}, owner_id="UOWNER1", resource_id=7))
CONSULT_FORM = stored(consult_blocks.start_modal(T, today=date(2030, 1, 1)))
RETIRED_FORM = {
    "id": "VOLD",
    "type": "modal",
    "callback_id": "retired_form",
    "title": {"type": "plain_text", "text": "Old"},
    "blocks": [
        {
            "type": "input",
            "block_id": "what",
            "label": {"type": "plain_text", "text": "What"},
            "element": {"type": "plain_text_input", "action_id": "v"},
        }
    ],
}
HOME = {"id": "VHOMEU1", "type": "home", "blocks": [], "hash": "h1", "state": {"values": {}}}
POLL_ANSWERS = {
    ids.POLL_F_QUESTION: "Lunch?",
    ids.POLL_F_OPTIONS: "Soup\\nSalad",
    ids.POLL_F_KIND: "1",
    ids.POLL_F_CHANNEL: "#general",
    ids.POLL_F_SECRET: "1",
    ids.POLL_F_CLOSES: "2030-01-04 12:00",
}


def payload_of(body: str) -> dict[str, Any]:
    return json.loads(dict(parse_qsl(body))["payload"])


def interactive(data: Any) -> str:
    return "payload=" + quote(json.dumps(data))


def press(action: dict[str, Any], **kwargs: Any) -> str:
    return payloads.block_actions("UVOTER01", action, block_id="b1", **kwargs)


def on_message(action: dict[str, Any], **kwargs: Any) -> str:
    message = {"ts": "1700000000.000100", "text": "", "blocks": []}
    return press(action, response_url=URL, channel_id="CGENERAL", message_ts=message["ts"], message=message, **kwargs)


SHELL_BODIES = {
    "command": payloads.slash_command("UVOTER01", "vote 12 1", response_url=URL),
    "command in a DM": payloads.slash_command("UVOTER01", "help", response_url=URL, channel_id="DVOTER01"),
    "one-megabyte command": payloads.slash_command("UVOTER01", "x" * 1_000_000, response_url=URL),
    "command naming payload": payloads.slash_command("UVOTER01", "find payload=1", response_url=URL),
    "quick vote": on_message({"action_id": ids.POLL_QUICK_VOTE, "value": "12:3"}),
    "ephemeral button": on_message({"action_id": ids.POLL_RESULTS, "value": "12"}, ephemeral=True),
    "seat transfer": on_message({"action_id": ids.EXEC_TRANSFER, "value": "UOLD0001:UNEW0001"}),
    "more results": on_message({"action_id": ids.RESOURCE_MORE, "value": resource_blocks.more_value("rent 12:30", 5)}),
    "button without a value": on_message({"action_id": ids.HOME_NEW_POLL}),
    "select": on_message({"action_id": "pick", "type": "static_select", "selected_option": {"value": "3"}}),
    "multi select": on_message({"action_id": "pick", "type": "checkboxes", "selected_options": [{"value": "1"}]}),
    "user and date": on_message(
        {"action_id": "who", "type": "users_select", "selected_user": "U1", "selected_date": "2030-01-01"}
    ),
    "bare press": press({"action_id": ids.POLL_BALLOT, "value": "12"}),
    "home button": press({"action_id": f"{ids.HOME_LANG}_fr", "value": "fr"}, view=HOME),
    "home search": press({"action_id": ids.HOME_SEARCH, "type": "plain_text_input", "value": "z" * 2500}, view=HOME),
    "poll form, blank": payloads.view_submission("UVOTER01", POLL_FORM, state_values(POLL_FORM, {})),
    "poll form, filled": payloads.view_submission("UVOTER01", POLL_FORM, state_values(POLL_FORM, POLL_ANSWERS)),
    "resource form": payloads.view_submission(
        "UVOTER01", RESOURCE_FORM, state_values(RESOURCE_FORM, {ids.RESOURCE_TITLE: "x"})
    ),
    "consultation form": payloads.view_submission("UVOTER01", CONSULT_FORM, state_values(CONSULT_FORM, {})),
    "retired form": payloads.view_submission("UVOTER01", RETIRED_FORM, state_values(RETIRED_FORM, {"what": "typed"})),
    "shortcut": payloads.shortcut("UVOTER01", ids.SHORTCUT_SHARE_FEEDBACK),
    "message shortcut": payloads.message_action(
        "UVOTER01",
        ids.SHORTCUT_SAVE_RESOURCE,
        {"type": "message", "user": "U2", "text": "<https://x.ca|Kit>", "ts": "1.2"},
        channel_id="CGENERAL",
        response_url=URL,
    ),
    "home opened": payloads.app_home_opened("UVOTER01"),
    "mention": payloads.app_mention("UVOTER01", "where is the housing toolkit?"),
    "direct message": payloads.direct_message("UVOTER01", "Où est le guide ? 🙂"),
    "bot message": payloads.event_callback({"type": "message", "bot_id": "B1", "channel": "C1", "ts": "1.2"}),
}
SLACK_BODIES = {  # shapes Slack sends that the shell does not build (from Slack's Events API schemas)
    "reaction_added": payloads.event_callback(
        {
            "type": "reaction_added",
            "user": "U024BE7LH",
            "reaction": "thumbsup",
            "item_user": "U0G9QF9C6",
            "item": {"type": "message", "channel": "C0G9QF9GZ", "ts": "1360782400.498405"},
            "event_ts": "1360782804.083113",
        }
    ),
    "resources_added": payloads.event_callback({"type": "resources_added", "resources": [{"scopes": ["im:read"]}]}),
    "team_join": payloads.event_callback({"type": "team_join", "user": {"id": "UNEW0001", "name": "new"}}),
    "channel_created": payloads.event_callback({"type": "channel_created", "channel": {"id": "C1", "name": "x"}}),
    "message_changed": payloads.event_callback(
        {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": "C1",
            "ts": "1.3",
            "message": {"type": "message", "user": "U1", "text": "edited", "ts": "1.2"},
            "event_ts": "1.3",
        }
    ),
    "url_verification": json.dumps(
        {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}
    ),
    "app_rate_limited": json.dumps(
        {
            "token": "t",
            "type": "app_rate_limited",
            "team_id": "T1",
            "minute_rate_limited": 1518467820,
            "api_app_id": "A1",
        }
    ),
    "unknown event": payloads.event_callback({"type": "something_new", "anything": [1, {"x": None}]}),
    "view_closed": interactive(
        {
            "type": "view_closed",
            "user": {"id": "U1"},
            "team": None,
            "view": {**POLL_FORM, "callback_id": ids.POLL_CREATE},
            "is_cleared": False,
        }
    ),
    "block_suggestion": interactive(
        {"type": "block_suggestion", "user": {"id": "U1"}, "action_id": "a", "block_id": "b", "value": "to"}
    ),
    "interactive_message": interactive(
        {
            "type": "interactive_message",
            "user": {"id": "U1"},
            "callback_id": "c",
            "actions": [{"name": "n", "type": "button", "value": "v"}],
        }
    ),
    "dialog_submission": interactive(
        {"type": "dialog_submission", "user": {"id": "U1"}, "callback_id": "c", "submission": {}}
    ),
    "a future type": interactive({"type": "something_new", "user": {"id": "U1"}}),
    "org-wide install": interactive({**payload_of(SHELL_BODIES["shortcut"]), "team": None, "enterprise": {"id": "E1"}}),
    "ssl_check": "ssl_check=1&token=legacy",
}


@pytest.mark.parametrize("name", [*SHELL_BODIES, *SLACK_BODIES])
def test_what_slack_and_the_shell_send_passes(name: str) -> None:
    body = {**SHELL_BODIES, **SLACK_BODIES}[name]
    assert envelope_problem(body.encode(), content_type(body)) is None


def test_the_content_type_is_read_as_bolt_reads_it() -> None:
    event = payloads.app_home_opened("UVOTER01").encode()
    assert envelope_problem(event, "application/json; charset=utf-8") is None
    assert envelope_problem(event, "") is None  # a body starting with "{" is JSON to Bolt, whatever the header
    command = payloads.slash_command("UVOTER01", "help", response_url=URL).encode()
    assert envelope_problem(command, JSON) == "JSON body is not valid JSON"


# --- refusals ---------------------------------------------------------------------------------------


def changed(body: str, change: Any) -> str:
    """An interactivity body with `change(payload)` applied."""
    data = payload_of(body)
    change(data)
    return interactive(data)


def event_with(**fields: Any) -> str:
    event = json.loads(payloads.app_mention("UVOTER01", MARKER))
    event["event"] = {k: v for k, v in {**event["event"], **fields}.items() if v is not ...}
    return json.dumps(event)


QUICK_VOTE = SHELL_BODIES["quick vote"]
SUBMISSION = SHELL_BODIES["poll form, filled"]
COMMAND = SHELL_BODIES["command"]


def without(key: str) -> Any:
    return lambda d: d.pop(key)


def setting(path: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data[key] if not key.isdigit() else data[int(key)]
        data[int(last) if last.isdigit() else last] = value

    return change


REFUSED = {
    "payload=[1,2]": ("payload=" + quote("[1,2]"), FORM, "interactivity payload is not a JSON object"),
    'payload="x"': ("payload=" + quote('"x"'), FORM, "interactivity payload is not a JSON object"),
    "payload=x": ("payload=x", FORM, "interactivity payload is not valid JSON"),
    "actions: []": (changed(QUICK_VOTE, setting("actions", [])), FORM, "block_actions: actions is empty"),
    "actions: [1]": (changed(QUICK_VOTE, setting("actions", [1])), FORM, "block_actions: actions[0] is not an object"),
    "actions: null": (changed(QUICK_VOTE, setting("actions", None)), FORM, "block_actions: actions is not a list"),
    "action without action_id": (
        changed(QUICK_VOTE, setting("actions.0.action_id", None)),
        FORM,
        "block_actions: actions[0].action_id is not a string",
    ),
    "view: null": (changed(SUBMISSION, setting("view", None)), FORM, "view_submission: view is not an object"),
    "view: null on a button": (
        changed(SHELL_BODIES["home button"], setting("view", None)),
        FORM,
        "block_actions: view is not an object",
    ),
    "view.state: null": (
        changed(SUBMISSION, setting("view.state", None)),
        FORM,
        "view_submission: view.state is not an object",
    ),
    "view.state missing": (
        changed(SUBMISSION, lambda d: d["view"].pop("state")),
        FORM,
        "view_submission: view.state is missing",
    ),
    "view.blocks: null": (
        changed(SUBMISSION, setting("view.blocks", None)),
        FORM,
        "view_submission: view.blocks is not a list",
    ),
    "input block without block_id": (
        changed(SUBMISSION, lambda d: d["view"]["blocks"][0].pop("block_id")),
        FORM,
        "view_submission: view.blocks[0] is an input block without a block_id",
    ),
    "state.values: {a: null}": (
        changed(SUBMISSION, setting("view.state.values", {MARKER: None})),
        FORM,
        "view_submission: view.state.values[*] is not an object",
    ),
    "state value not an object": (
        changed(SUBMISSION, setting("view.state.values", {MARKER: {MARKER: "x"}})),
        FORM,
        "view_submission: view.state.values[*][*] is not an object",
    ),
    "epoch far away": (
        changed(
            SUBMISSION, setting(f"view.state.values.{ids.POLL_F_CLOSES}.{ids.POLL_F_CLOSES}.selected_date_time", 10**20)
        ),
        FORM,
        "view_submission: view.state.values[*][*].selected_date_time is out of range",
    ),
    "private_metadata past 64 bits": (
        changed(SUBMISSION, setting("view.private_metadata", '{"id": 99999999999999999999}')),
        FORM,
        "view_submission: view.private_metadata holds a number beyond 64 bits",
    ),
    "user missing": (changed(QUICK_VOTE, without("user")), FORM, "block_actions: user is missing"),
    "user a string": (changed(QUICK_VOTE, setting("user", "UVOTER01")), FORM, "block_actions: user is not an object"),
    "user.id a number": (changed(SUBMISSION, setting("user.id", 5)), FORM, "view_submission: user.id is not a string"),
    "value past 64 bits": (
        changed(QUICK_VOTE, setting("actions.0.value", "99999999999999999999:0")),
        FORM,
        "block_actions: actions[0] has a value that holds a number beyond 64 bits",
    ),
    "value in other digits": (
        changed(QUICK_VOTE, setting("actions.0.value", "12:²")),
        FORM,
        "block_actions: actions[0] has a value that holds a number in non-ASCII digits",
    ),
    "value too long": (
        changed(QUICK_VOTE, setting("actions.0.value", MARKER * 100)),
        FORM,
        "block_actions: actions[0] has a value longer than 2000 characters",
    ),
    "typed value too long": (
        changed(SHELL_BODIES["home search"], setting("actions.0.value", "z" * 3001)),
        FORM,
        "block_actions: actions[0].value is longer than 3000 characters",
    ),
    "option value past 64 bits": (
        changed(SHELL_BODIES["select"], setting("actions.0.selected_option.value", "1" * 30)),
        FORM,
        "block_actions: actions[0].selected_option.value holds a number beyond 64 bits",
    ),
    "trigger_id missing": (changed(QUICK_VOTE, without("trigger_id")), FORM, "block_actions: trigger_id is missing"),
    "channel a string": (
        changed(QUICK_VOTE, setting("channel", "CGENERAL")),
        FORM,
        "block_actions: channel is not an object",
    ),
    "interactive_message without actions": (
        interactive({"type": "interactive_message", "user": {"id": "U1"}, "callback_id": "c"}),
        FORM,
        "interactive_message: actions is missing",
    ),
    "workflow_step view": (
        changed(SUBMISSION, setting("view.type", "workflow_step")),
        FORM,
        "view_submission: view.type is not 'modal'",
    ),
    "workflow_step_edit without its step": (
        interactive({"type": "workflow_step_edit", "callback_id": "c"}),
        FORM,
        "workflow_step_edit: workflow_step is missing",
    ),
    "shortcut without callback_id": (
        changed(SHELL_BODIES["shortcut"], without("callback_id")),
        FORM,
        "shortcut: callback_id is missing",
    ),
    "unknown type, bad actions": (
        interactive({"type": MARKER, "actions": MARKER}),
        FORM,
        "interactivity payload: actions is not a list",
    ),
    "unknown type, user a number": (
        interactive({"type": MARKER, "user": 7}),
        FORM,
        "interactivity payload: user is neither an id nor an object with a string id",
    ),
    "no type": (interactive({"user": {"id": "U1"}}), FORM, "interactivity payload: type is missing"),
    "response_urls: null": (
        changed(SUBMISSION, setting("response_urls", None)),
        FORM,
        "view_submission: response_urls is not a list",
    ),
    "mention without ts": (event_with(ts=...), JSON, "event_callback(app_mention): event.ts is missing"),
    "mention without channel": (event_with(channel=...), JSON, "event_callback(app_mention): event.channel is missing"),
    "mention text a list": (event_with(text=[MARKER]), JSON, "event_callback(app_mention): event.text is not a string"),
    "DM user an object": (
        json.dumps(
            {
                **json.loads(payloads.direct_message("U1", "hi")),
                "event": {"type": "message", "channel": "D1", "ts": "1.2", "user": {"id": "U1"}, "channel_type": "im"},
            }
        ),
        JSON,
        "event_callback(message): event.user is not a string",
    ),
    "home opened without user": (
        payloads.event_callback({"type": "app_home_opened", "tab": "home"}),
        JSON,
        "event_callback(app_home_opened): event.user is missing",
    ),
    "event: null": (
        json.dumps({"type": "event_callback", "event": None}),
        JSON,
        "event_callback: event is not an object",
    ),
    "event without type": (payloads.event_callback({"user": "U1"}), JSON, "event_callback: event.type is missing"),
    "authorizations: [1]": (
        json.dumps({**json.loads(payloads.app_home_opened("U1")), "authorizations": [1]}),
        JSON,
        "event_callback(app_home_opened): authorizations[0] is not an object",
    ),
    "url_verification without challenge": (
        json.dumps({"type": "url_verification"}),
        JSON,
        "url_verification: challenge is missing",
    ),
    "JSON list": ("[1, 2]", JSON, "JSON body is not a JSON object"),
    "JSON, unknown type, event a string": (
        json.dumps({"type": MARKER, "event": MARKER}),
        JSON,
        "JSON body: event is not an object",
    ),
    "nested too deeply": ("[" * 100_000, JSON, "body is nested too deeply"),
    "unpaired surrogate": (
        changed(SUBMISSION, setting("view.private_metadata", "\ud800")),
        FORM,
        "interactivity payload holds an unpaired UTF-16 surrogate",
    ),
    "command without user_id": (
        urlencode({k: v for k, v in parse_qsl(COMMAND) if k != "user_id"}),
        FORM,
        "slash command: user_id is missing",
    ),
    "command without response_url": (
        urlencode({k: v for k, v in parse_qsl(COMMAND) if k != "response_url"}),
        FORM,
        "slash command: response_url is missing",
    ),
    "command not a command": (
        COMMAND.replace("command=%2Fnls", "command=nls"),
        FORM,
        "slash command: command is not of the expected form",
    ),
    "neither command nor payload": ("text=" + quote(MARKER), FORM, "form body has neither command nor payload"),
    "empty": ("", FORM, "body is empty"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_malformed_envelopes_are_refused_by_shape(name: str) -> None:
    body, kind, expected = REFUSED[name]
    assert envelope_problem(body.encode(), kind) == expected
    assert MARKER not in expected


def test_a_body_that_is_not_utf8_is_refused() -> None:
    assert envelope_problem(b"command=/nls&text=\xff", FORM) == "body is not UTF-8"


def test_an_escaped_backslash_before_u_is_no_surrogate() -> None:
    body = changed(SUBMISSION, setting("view.private_metadata", "\\ud800 is text"))
    assert envelope_problem(body.encode(), FORM) is None


# --- the property: what passes can be read ----------------------------------------------------------

ODD_VALUES: list[Any] = [
    None,
    0,
    -1,
    2**70,
    1.5,
    True,
    "",
    "x",
    MARKER,
    "²",
    "99999999999999999999",
    "12:99999999999999999999",
    [],
    [1],
    [None],
    [MARKER],
    {},
    {"id": 5},
    {MARKER: None},
    {"id": MARKER},
]


ADDED_KEYS = [
    MARKER,
    "user",
    "user_id",
    "channel",
    "channel_id",
    "team",
    "enterprise",
    "thread_ts",
    "authorizations",
    "view",
    "event",
    "message",
    "item",
    "actions",
    "state",
    "values",
    "blocks",
    "type",
    "command",
    "callback_id",
    "text",
    "response_url",
    "response_urls",
    "selected_option",
    "selected_date_time",
    "private_metadata",
]


def _nodes(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _nodes(value, (*path, index))
    return found


def mutate(data: Any, rng: random.Random) -> Any:
    """One random change somewhere in the tree: a value replaced, a key dropped or one added."""
    path = rng.choice(_nodes(data)[1:] or [()])
    if not path:
        return rng.choice(ODD_VALUES)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    roll = rng.random()
    if roll < 0.6:
        parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
    elif roll < 0.8 and isinstance(parent, dict):
        parent.pop(path[-1])
    elif isinstance(parent, dict):
        parent[rng.choice(ADDED_KEYS)] = copy.deepcopy(rng.choice(ODD_VALUES))
    return data


def read_as_the_app_does(body: dict[str, Any]) -> None:
    """What Bolt, our middleware and the listeners read before any service decides anything."""
    if body.get("ssl_check") == "1":
        return  # Bolt's first middleware answers it
    build_context(BoltContext(), body)
    for extract in (
        payload_utils.to_options,
        payload_utils.to_shortcut,
        payload_utils.to_action,
        payload_utils.to_view,
        payload_utils.to_command,
        payload_utils.to_event,
        payload_utils.to_message,
        payload_utils.to_step,
    ):
        extract(body)
    body.get("event", {}).get("bot_id")  # Bolt's IgnoringSelfEvents
    _describe(body), _replay_key(body), apology(body, T, "errors.unexpected")
    kind = body.get("type")
    numbers: list[int] = []
    if kind == "block_actions":
        action = body["actions"][0]
        re.search(f"^{ids.HOME_LANG}_(en|fr)$", action["action_id"]), body["user"]["id"], body["trigger_id"]
        (body.get("channel") or {}).get("id"), resource_blocks.parse_more_value(str(action.get("value") or ""))
        for parse in (
            poll_id_of,
            id_of,
            item_id,
            lambda a: _position(a.get("value")),
            lambda a: consultation_id(a.get("value")),
        ):
            with contextlib.suppress(DomainError):
                numbers.append(parse(action))
    elif kind == "view_submission":
        view = body["view"]
        if "callback_id" not in view:
            return  # no view listener matches: Bolt answers it as unhandled (bot.app.apology, read above)
        (
            body["user"]["id"],
            view["callback_id"],
            form_values(view),
            first_input_block(body),
            resource_blocks.read_form(view),
        )
        for parse in (
            lambda: parse_form(view, locale="en"),
            lambda: parse_round(view, locale="en"),
            lambda: numbers.append(_position(view.get("private_metadata"))),
        ):
            with contextlib.suppress(DomainError):
                parse()
    elif kind in ("shortcut", "message_action"):
        body["user"]["id"], body["trigger_id"], resource_blocks.values_from_message(body.get("message") or {})
    elif kind == "event_callback" and body["event"]["type"] in ("app_mention", "message", "app_home_opened"):
        event = body["event"]
        if event["type"] == "app_home_opened":
            event["user"].startswith("U")
        else:
            event["channel"], event.get("thread_ts") or event["ts"], question_of(event.get("text"))
    elif isinstance(body.get("command"), str):  # what Bolt's command matcher can match
        body["user_id"], body["trigger_id"], (body.get("text") or "").split()
    assert all(n <= INT64_MAX for n in numbers)


MUTANTS = 200
BASES = {k: v for k, v in {**SHELL_BODIES, **SLACK_BODIES}.items() if k not in ("one-megabyte command", "home search")}


@pytest.mark.parametrize("name", BASES)
def test_whatever_passes_is_readable(name: str) -> None:
    """A bounded property run (seeded, MUTANTS per body; `hypothesis` is not a dependency)."""
    rng = random.Random(f"envelope:{name}")
    body = BASES[name]
    form = body.startswith(("payload=", "command=", "token=", "ssl_check="))
    original = payload_of(body) if body.startswith("payload=") else dict(parse_qsl(body)) if form else json.loads(body)
    passed = 0
    for _ in range(MUTANTS):
        data = copy.deepcopy(original)
        for _ in range(rng.randint(1, 3)):
            data = mutate(data, rng)
        if body.startswith("payload="):
            mutant = interactive(data)
        elif form:
            mutant = urlencode({k: v for k, v in data.items() if isinstance(v, str)}) if isinstance(data, dict) else ""
        else:
            mutant = json.dumps(data)
        problem = envelope_problem(mutant.encode(), content_type(mutant) if mutant else FORM)
        assert problem is None or (isinstance(problem, str) and MARKER not in problem), problem
        if problem is None:
            passed += 1
            read_as_the_app_does(parse_body(mutant, content_type(mutant)))
    assert passed  # the run exercised the reading, not only refusals
