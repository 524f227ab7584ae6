"""manifest.yml is a valid Slack app manifest, and declares every command and shortcut the code
handles (a missing one would silently never reach the bot)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

from bot.blocks import ids

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "support" / "slack" / "app-manifest.schema.json"  # written by scripts/slack_reference.py
LISTENER = re.compile(r"\.(command|shortcut|global_shortcut|message_shortcut)\(\s*(ids\.[A-Z_0-9]+|\"[^\"]+\")")


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def handled() -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / "handlers").rglob("*.py"):
        for kind, ref in LISTENER.findall(path.read_text()):
            value = getattr(ids, ref[4:]) if ref.startswith("ids.") else ref.strip('"')
            found.add(("command" if kind == "command" else "shortcut", value))
    return found


def test_manifest_is_valid_against_slacks_schema():
    schema = json.loads(SCHEMA.read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(manifest()), key=str)
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_every_handled_command_and_shortcut_is_declared():
    m = manifest()
    declared = {("command", c["command"]) for c in m["features"]["slash_commands"]}
    declared |= {("shortcut", s["callback_id"]) for s in m["features"].get("shortcuts", [])}
    assert handled(), "no listeners found: the scan is broken"
    assert handled() - declared == set()


def test_events_and_scopes_are_least_privilege():
    m = manifest()
    scopes = set(m["oauth_config"]["scopes"]["bot"])
    assert not scopes & {"users:read.email", "admin", "chat:write.customize"}
    # reading a kind of conversation's messages only where a listener needs its events (#25: the
    # edits and deletions of messages saved as resources)
    events = set(m["settings"]["event_subscriptions"]["bot_events"])
    for kind in ("channels", "groups", "im", "mpim"):
        assert (f"{kind}:history" in scopes) == (f"message.{kind}" in events), kind
    # the events: exactly those the listeners handle (test_event_subscriptions)
