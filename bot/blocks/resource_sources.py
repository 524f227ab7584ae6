"""Blocks for resources that follow the Slack message they were saved from: what the add form
carries to its submission, and the owner's DM when the message was deleted or edited in a way
the resource did not follow (with the review buttons, so the answer is one click)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.blocks.common import Reply, mrkdwn
from bot.blocks.resources import inert, review_blocks
from bot.infra.i18n import Translator
from bot.services.resources.sources import Flag, Source

FIELD_KEYS = {
    "title": "resource_sources.field.title",
    "url": "resource_sources.field.url",
    "description": "resource_sources.field.description",
}


def source_metadata(source: Source) -> dict[str, Any]:
    """The form's `private_metadata` entry naming the message it was opened from."""
    return {"source": {"channel": source.channel_id, "ts": source.message_ts, "prefilled": dict(source.prefilled)}}


def read_source(view: Mapping[str, Any]) -> Source | None:
    """The message a submitted form was opened from, or None (the form was not a saved message)."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")["source"]
        prefilled = {str(name): str(value) for name, value in meta["prefilled"].items()}
        return Source(channel_id=str(meta["channel"]), message_ts=str(meta["ts"]), prefilled=prefilled)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def flag_reply(flag: Flag, t: Translator, today: date) -> Reply:
    """The owner's DM: what happened to the message, then the resource with Still current,
    Update and Retire."""
    title = inert(flag.resource.title)
    if flag.reason == "deleted":
        text = t("resource_sources.deleted", channel=flag.channel_id, title=title)
    else:
        fields = ", ".join(t(FIELD_KEYS[name]) for name in flag.kept)
        text = t("resource_sources.edited", channel=flag.channel_id, title=title, fields=fields)
    return Reply(text=text, blocks=[mrkdwn(text), *review_blocks(flag.resource, t, today)])
