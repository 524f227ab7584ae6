"""Requests shaped exactly as Slack sends them (slash commands, interactivity payloads, Events
API callbacks), signed with Slack's algorithm. The shell and the test-suite both speak to the app
through these, so the app cannot tell them from Slack."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import quote, urlencode

from slack_sdk.signature import SignatureVerifier

from bot.slack.localslack.server import BOT_USER_ID, TEAM_ID

APP_ID = "ANLSAPP01"
_counter = itertools.count(1)


def _trigger_id() -> str:
    return f"{int(time.time())}.{next(_counter)}.local{next(_counter):06d}"


def sign(body: str, secret: str, *, timestamp: int | None = None, retry: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "x-slack-request-timestamp": ts,
        "x-slack-signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
        "content-type": "application/json" if body.startswith("{") else "application/x-www-form-urlencoded",
    }
    if retry is not None:
        headers.update({"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"})
    return headers


def _user(user_id: str) -> dict[str, Any]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": TEAM_ID}


def slash_command(
    user_id: str, text: str, *, response_url: str, channel_id: str = "CSHELL", command: str = "/nls"
) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "nls-local",
            "channel_id": channel_id,
            "channel_name": channel_id.lower(),
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": _trigger_id(),
        }
    )


def _interactive(payload: dict[str, Any]) -> str:
    return "payload=" + quote(json.dumps(payload))


def block_actions(
    user_id: str,
    action: dict[str, Any],
    *,
    block_id: str,
    response_url: str | None = None,
    channel_id: str | None = None,
    message_ts: str | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    ephemeral: bool = False,
) -> str:
    element = {
        "action_id": action.get("action_id"),
        "block_id": block_id,
        "type": action.get("type", "button"),
        "action_ts": f"{time.time():.6f}",
    }
    for key in ("value", "text", "selected_option", "selected_options", "selected_user", "selected_date"):
        if key in action:
            element[key] = action[key]
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id),
        "api_app_id": APP_ID,
        "token": "legacy",
        "trigger_id": _trigger_id(),
        "team": {"id": TEAM_ID, "domain": "nls-local"},
        "actions": [element],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id")}
        payload["view"] = view
    else:
        payload["container"] = {
            "type": "message", "message_ts": message_ts, "channel_id": channel_id, "is_ephemeral": ephemeral,
        }  # fmt: skip
        payload["channel"] = {"id": channel_id, "name": (channel_id or "").lower()}
        payload["message"] = message or {"ts": message_ts, "text": "", "blocks": []}
        payload["response_url"] = response_url
    return _interactive(payload)


def view_submission(user_id: str, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> str:
    submitted = {**view, "state": {"values": values}}
    return _interactive(
        {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "nls-local"},
            "user": _user(user_id),
            "api_app_id": APP_ID,
            "token": "legacy",
            "trigger_id": _trigger_id(),
            "view": submitted,
            "response_urls": [],
        }
    )


def shortcut(user_id: str, callback_id: str) -> str:
    return _interactive(
        {
            "type": "shortcut",
            "token": "legacy",
            "action_ts": f"{time.time():.6f}",
            "team": {"id": TEAM_ID, "domain": "nls-local"},
            "user": _user(user_id),
            "callback_id": callback_id,
            "trigger_id": _trigger_id(),
        }
    )


def message_action(
    user_id: str, callback_id: str, message: dict[str, Any], *, channel_id: str, response_url: str
) -> str:
    return _interactive(
        {
            "type": "message_action",
            "token": "legacy",
            "action_ts": f"{time.time():.6f}",
            "team": {"id": TEAM_ID, "domain": "nls-local"},
            "user": _user(user_id),
            "channel": {"id": channel_id, "name": channel_id.lower()},
            "callback_id": callback_id,
            "trigger_id": _trigger_id(),
            "message_ts": message.get("ts"),
            "message": message,
            "response_url": response_url,
        }
    )


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{int(time.time() * 1000)}{next(_counter)}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
    )


def app_home_opened(user_id: str) -> str:
    return event_callback(
        {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D" + user_id[1:],
            "tab": "home",
            "event_ts": f"{time.time():.6f}",
        }
    )


def app_mention(user_id: str, text: str, *, channel_id: str = "CSHELL") -> str:
    ts = f"{time.time():.6f}"
    return event_callback(
        {
            "type": "app_mention",
            "user": user_id,
            "text": f"<@{BOT_USER_ID}> {text}",
            "ts": ts,
            "channel": channel_id,
            "event_ts": ts,
        }
    )


def direct_message(user_id: str, text: str) -> str:
    ts = f"{time.time():.6f}"
    return event_callback(
        {
            "type": "message",
            "channel": "D" + user_id[1:],
            "user": user_id,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "im",
        }
    )
