"""Shortcuts listeners, one module per feature; every module's `register(app)` is called."""

import sys

from slack_bolt.async_app import AsyncApp

from handlers.discovery import register_package


def register(app: AsyncApp) -> None:
    register_package(app, sys.modules[__name__])
