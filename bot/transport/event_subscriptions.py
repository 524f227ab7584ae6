"""Which Events API subscriptions the listeners need, and how manifest.yml's differ from them.

Slack sends an event only if the app subscribes to it, and a subscription nobody handles is a
flow of deliveries (and a scope) for nothing: manifest.yml must list exactly what the listeners
handle. The listeners are the source: the app records each event listener as it is registered
(`bot.app.NlsApp.event`), whoever registers it, so no list is kept by hand beside the code.

Messages are one event type, `message`, in Slack's deliveries, but four subscriptions in the
manifest (`message.im`, `message.channels`…), one per kind of conversation. A listener says which
kinds it wants with the `in_channels` matcher; a `message` listener without one handles messages
anywhere, and so needs every one of the four.

Slack's own record of the running app's subscriptions cannot be read with a bot token (only the
app's configuration token can read a manifest, and the bot has none): the start compares the
listeners with the manifest file shipped with the code, and says when they differ; whether the
app at api.slack.com was configured from that file is the operator's to check.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from re import Pattern
from typing import Any

import yaml

log = logging.getLogger(__name__)
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
# The manifest's `message.*` subscriptions and the `channel_type` of the events each delivers.
MESSAGE_SUBSCRIPTIONS = {"message.channels": "channel", "message.groups": "group", "message.im": "im",
                         "message.mpim": "mpim", "message.app_home": "app_home"}  # fmt: skip
ANYWHERE = ("channel", "group", "im", "mpim")  # where people write: the App Home tab is not a conversation
ChannelMatcher = Callable[[dict[str, Any]], Awaitable[bool]]


@dataclass(frozen=True)
class Listened:
    """One event listener's reach: its event type, and for messages the conversations it hears."""

    event_type: str
    channel_types: frozenset[str] = frozenset()

    def subscriptions(self) -> set[str]:
        if self.event_type != "message":
            return {self.event_type}
        wanted = self.channel_types or frozenset(ANYWHERE)
        return {name for name, kind in MESSAGE_SUBSCRIPTIONS.items() if kind in wanted}


def in_channels(*channel_types: str) -> ChannelMatcher:
    """A listener matcher for messages in these kinds of conversation (`im`, `channel`, `group`,
    `mpim`), which also tells the manifest check which `message.*` subscriptions it needs."""
    kinds = frozenset(channel_types)

    async def in_these_channels(event: dict[str, Any]) -> bool:
        return event.get("channel_type") in kinds

    in_these_channels.channel_types = kinds  # type: ignore[attr-defined]  # read by `listened`
    return in_these_channels


def listened(constraints: str | Pattern[str] | dict[str, Any], matchers: Iterable[Any] | None) -> Listened:
    """What an `app.event(constraints, matchers=...)` registration listens to. A pattern is kept
    as its text: it names no subscription, so the check reports it rather than guessing."""
    event_type = constraints.get("type") if isinstance(constraints, dict) else constraints
    name = event_type.pattern if isinstance(event_type, Pattern) else str(event_type)
    kinds: frozenset[str] = frozenset()
    for matcher in matchers or ():
        kinds |= getattr(matcher, "channel_types", frozenset())
    return Listened(name, kinds)


def needed(listeners: Iterable[Listened]) -> set[str]:
    return {name for listener in listeners for name in listener.subscriptions()}


def subscribed(manifest: dict[str, Any]) -> set[str]:
    """settings.event_subscriptions.bot_events of a parsed manifest (none when it has no section)."""
    events = ((manifest.get("settings") or {}).get("event_subscriptions") or {}).get("bot_events") or []
    return {str(name) for name in events}


def differences(listeners: Iterable[Listened], manifest: dict[str, Any]) -> list[str]:
    """What the operator must fix, one phrase per direction, empty when they agree."""
    handled, declared = needed(listeners), subscribed(manifest)
    found = []
    if handled - declared:
        found.append("handled but not subscribed (never delivered): " + ", ".join(sorted(handled - declared)))
    if declared - handled:
        found.append("subscribed but not handled (delivered for nothing): " + ", ".join(sorted(declared - handled)))
    return found


def warn_of_differences(listeners: Iterable[Listened], path: Path = MANIFEST) -> list[str]:
    """At start, one line: INFO when manifest.yml and the listeners agree (naming the events),
    WARNING when they differ (naming how), INFO when there is no manifest beside the code to
    compare (an installed package). A difference does not stop the start: the app Slack has is
    configured at api.slack.com, and may be right while the file is not."""
    try:
        manifest = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError:
        log.info("event subscriptions not compared: no %s beside the code", path.name)
        return []
    except yaml.YAMLError as exc:
        log.warning("event subscriptions not compared: %s is not valid YAML (%s)", path, exc)
        return []
    listeners = list(listeners)
    found = differences(listeners, manifest if isinstance(manifest, dict) else {})
    if not found:
        log.info("%s and the event listeners agree: %s", path.name, ", ".join(sorted(needed(listeners))))
    else:
        log.warning(
            "%s and the event listeners differ: %s; update the manifest and the app at api.slack.com/apps "
            "(the running app's subscriptions cannot be read with a bot token, so only the file is compared)",
            path.name, "; ".join(found),
        )  # fmt: skip
    return found
