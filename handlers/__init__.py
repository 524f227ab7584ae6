"""Slack inbound: listeners grouped by kind, each folder with `register(app)`."""

from slack_bolt.async_app import AsyncApp

from handlers import actions, commands, events, shortcuts, views


def register(app: AsyncApp) -> None:
    for kind in (commands, actions, views, shortcuts, events):
        kind.register(app)
