"""manifest.yml subscribes to exactly the events the app's listeners handle (bot.transport.event_subscriptions),
and the start says so in one WARNING line when the two differ."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from bot.app import NlsApp, build_app
from bot.deps import Deps
from bot.infra.db import Database
from bot.infra.settings import Settings
from bot.transport.event_subscriptions import MANIFEST, Listened, differences, needed, warn_of_differences
from tests.support.slackbot import SIGNING_SECRET


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[NlsApp]:
    """The app `nlsbot serve` builds, every listener registered; no database is opened."""
    settings = Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    deps = Deps(settings=settings, db=Database(settings.database_url))
    yield build_app(deps)
    await deps.close()


# The bot scope each subscription needs (Slack's Events API reference); any one of a set will do.
SCOPES = {
    "app_mention": {"app_mentions:read"}, "message.channels": {"channels:history"},
    "message.groups": {"groups:history"}, "message.im": {"im:history"}, "message.mpim": {"mpim:history"},
    "user_change": {"users:read"}, "team_join": {"users:read"},
    "member_joined_channel": {"channels:read", "groups:read"}, "member_left_channel": {"channels:read", "groups:read"},
}  # fmt: skip


def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text())


def test_manifest_subscribes_to_exactly_the_events_handled(app: NlsApp):
    assert {"app_home_opened", "app_mention", "message.im"} <= needed(app.listened), "the recording is broken"
    assert differences(app.listened, manifest()) == []


def test_each_subscription_has_its_scope():
    """Slack delivers nothing for a subscription whose scope the app lacks."""
    m = manifest()
    granted = set(m["oauth_config"]["scopes"]["bot"])
    events = m["settings"]["event_subscriptions"]["bot_events"]
    missing = {event: SCOPES[event] for event in events if event in SCOPES and not SCOPES[event] & granted}
    assert missing == {}


def test_a_message_listener_hears_only_the_conversations_it_names():
    assert Listened("message", frozenset({"im"})).subscriptions() == {"message.im"}
    assert Listened("message").subscriptions() == {"message.channels", "message.groups", "message.im", "message.mpim"}
    assert Listened("team_join").subscriptions() == {"team_join"}


def test_listeners_registered_anywhere_are_seen(app: NlsApp):
    """Recorded by the app itself, so a listener outside handlers/events counts as well."""

    async def noop() -> None:
        return None

    app.event({"type": "reaction_added"})(noop)
    app.message("hello")(noop)
    assert {"reaction_added", "message.channels"} <= needed(app.listened)


def _write(tmp_path: Path, bot_events: list[str]) -> Path:
    path = tmp_path / "manifest.yml"
    path.write_text(yaml.safe_dump({"settings": {"event_subscriptions": {"bot_events": bot_events}}}))
    return path


def test_the_start_warns_naming_each_difference(app: NlsApp, tmp_path: Path, caplog: pytest.LogCaptureFixture):
    wanted = sorted(needed(app.listened))
    drifted = _write(tmp_path, [e for e in wanted if e != "message.im"] + ["reaction_added"])
    with caplog.at_level(logging.INFO, logger="bot.transport.event_subscriptions"):
        warn_of_differences(app.listened, drifted)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "not subscribed (never delivered): message.im" in warnings[0]
    assert "not handled (delivered for nothing): reaction_added" in warnings[0]
    assert "cannot be read with a bot token" in warnings[0]


def test_the_start_says_so_in_passing_when_they_agree(app: NlsApp, tmp_path: Path, caplog: pytest.LogCaptureFixture):
    wanted = sorted(needed(app.listened))
    with caplog.at_level(logging.INFO, logger="bot.transport.event_subscriptions"):
        assert warn_of_differences(app.listened, _write(tmp_path, wanted)) == []
        warn_of_differences(app.listened, tmp_path / "absent.yml")  # an installed package ships none
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, "manifest.yml and the event listeners agree: " + ", ".join(wanted)),
        (logging.INFO, "event subscriptions not compared: no absent.yml beside the code"),
    ]
