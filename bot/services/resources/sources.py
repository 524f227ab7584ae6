"""Resources saved from a Slack message ("Save as NLS resource") follow that message.

The rule (docs/resources.md, "Saved from a message"):
- When the message's text is edited, the resource's title, link and description take the new
  text, field by field, unless someone changed that field by hand since it was saved (or typed
  their own in the form instead of the prefilled one): that field is left alone, and the owner
  is asked to look, since the message and the resource now disagree. New text that would not
  make a valid resource (no title left, a link another resource has) is not taken either.
- When the message is deleted the resource stays; its review falls due today and the owner is
  asked to review it. Nothing is ever removed on Slack's word alone.

Which fields follow is kept as fingerprints (`models.resource_sources`): a field follows while
the resource still holds exactly what was last taken from the message, so a hand edit through any
path stops it following without every editor having to report it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.resources.editing import follow_source, get_resource
from bot.services.resources.errors import DuplicateResource, FormInvalid
from bot.services.resources.input import validate_input
from bot.services.resources.results import ResourceView
from models.resource_sources import ResourceSource
from models.resources import Resource

FOLLOWED = ("title", "url", "description")
Reason = Literal["deleted", "edited"]


def fingerprint(value: str | None) -> str:
    """What is kept of a field's text to notice later whether it changed (empty = absent)."""
    return hashlib.sha256((value or "").encode()).hexdigest()


@dataclass(frozen=True)
class Source:
    """The message a form was opened from, with fingerprints of what the form was prefilled with
    (so a field the person retyped before saving does not follow)."""

    channel_id: str
    message_ts: str
    prefilled: Mapping[str, str]

    @classmethod
    def of_message(cls, channel_id: str, message_ts: str, values: Mapping[str, str | None]) -> Source:
        return cls(channel_id, message_ts, {name: fingerprint(values.get(name)) for name in FOLLOWED})


@dataclass(frozen=True)
class Flag:
    """A resource whose owner should look at it again: its message was deleted, or edited in a
    field the resource did not follow (`kept`). `key` names the occasion in the outbound ledger,
    so a redelivered event never sends the owner a second DM."""

    resource: ResourceView
    reason: Reason
    channel_id: str
    key: str
    kept: tuple[str, ...] = field(default=())


async def remember(
    session: AsyncSession,
    *,
    resource_id: int,
    source: Source,
    answers: Mapping[str, str | None],
    saved: ResourceView,
) -> None:
    """Link a resource just saved from a message to it. A field follows the message only if the
    person kept the form's prefilled text for it."""
    prints = {
        f"{name}_print": fingerprint(getattr(saved, name))
        if fingerprint(answers.get(name)) == source.prefilled.get(name)
        else None
        for name in FOLLOWED
    }
    session.add(
        ResourceSource(resource_id=resource_id, channel_id=source.channel_id, message_ts=source.message_ts, **prints)
    )


_SAVED_FROM = select(ResourceSource.resource_id).where(
    ResourceSource.channel_id == bindparam("channel_id"),
    ResourceSource.message_ts == bindparam("message_ts"),
    ResourceSource.deleted_at.is_(None),
)


async def saved_from(session: AsyncSession, channel_id: str, message_ts: str) -> bool:
    """Whether any resource follows this message: asked in a reader first, since most edits and
    deletions in a channel concern no resource and should not take a write lock."""
    found = await session.execute(_SAVED_FROM.limit(1), {"channel_id": channel_id, "message_ts": message_ts})
    return found.first() is not None


async def _sources(session: AsyncSession, channel_id: str, message_ts: str) -> list[ResourceSource]:
    query = (
        select(ResourceSource)
        .where(
            ResourceSource.channel_id == channel_id,
            ResourceSource.message_ts == message_ts,
            ResourceSource.deleted_at.is_(None),
        )
        .order_by(ResourceSource.resource_id)
        .with_for_update()
    )
    return list((await session.execute(query)).scalars())


def _ts(value: str) -> tuple[int, ...]:
    """Slack timestamps ("1700000000.000100") in order, whatever their number of digits."""
    return tuple(int(part) for part in value.split(".") if part.isdigit())


async def message_edited(
    session: AsyncSession,
    *,
    channel_id: str,
    message_ts: str,
    values: Mapping[str, str | None],
    previous: Mapping[str, str | None] | None,
    edited_ts: str | None,
    author: str | None,
    now: datetime,
    today: date,
) -> list[Flag]:
    """Apply an edit of a source message (`values`: the form fields its new text gives;
    `previous`: those of the text before, when Slack sent it) to the resources that follow it."""
    flags = []
    for source in await _sources(session, channel_id, message_ts):
        if edited_ts and source.edited_ts and _ts(edited_ts) <= _ts(source.edited_ts):
            continue  # an older edit delivered late
        source.edited_ts = edited_ts or source.edited_ts
        current = await get_resource(session, source.resource_id)
        if current.retired:
            continue
        wanted, kept = _split(source, current, values, previous)
        refused = await _follow(session, source, current, wanted, now=now, author=author)
        if kept or refused:
            key = f"resource-source-edited:{current.id}:{edited_ts or now.isoformat()}"
            flags.append(
                await _flag(session, current.id, "edited", source, key, now=now, today=today, kept=kept + refused)
            )
    return flags


def _split(
    source: ResourceSource,
    current: ResourceView,
    values: Mapping[str, str | None],
    previous: Mapping[str, str | None] | None,
) -> tuple[dict[str, str | None], tuple[str, ...]]:
    """The fields to take from the message, and those it changed that no longer follow it."""
    wanted: dict[str, str | None] = {}
    kept: list[str] = []
    for name in FOLLOWED:
        column = f"{name}_print"
        follows = getattr(source, column) is not None and getattr(source, column) == fingerprint(getattr(current, name))
        if follows:
            wanted[name] = values.get(name)
            continue
        setattr(source, column, None)  # changed by hand: it never follows again
        changed = values.get(name) != previous.get(name) if previous is not None else True
        if changed and fingerprint(values.get(name)) != fingerprint(getattr(current, name)):
            kept.append(name)
    return wanted, tuple(kept)


async def _follow(
    session: AsyncSession,
    source: ResourceSource,
    current: ResourceView,
    wanted: dict[str, str | None],
    *,
    now: datetime,
    author: str | None,
) -> tuple[str, ...]:
    """Rewrite the resource with the wanted fields that make a valid resource; the fields that
    were refused (they stay as they were, and the owner is asked to look)."""
    refused: list[str] = []
    base: dict[str, object] = {
        "title": current.title, "url": current.url, "description": current.description, "tags": current.tags,
        "language": current.language.value, "province": current.province, "kind": current.kind.value,
    }  # fmt: skip
    while wanted:
        try:
            data = validate_input({**base, **wanted})
            if all(getattr(data, name) == getattr(current, name) for name in wanted):
                return tuple(refused)  # nothing the resource says changes (an unfurl, a typo in a mention)
            saved = await follow_source(session, resource_id=current.id, data=data, now=now, author=author)
        except FormInvalid as invalid:
            bad = [name for name in wanted if name in invalid.problems] or list(wanted)
        except DuplicateResource:
            bad = ["url"]
        else:
            for name in wanted:
                setattr(source, f"{name}_print", fingerprint(getattr(saved, name)))
            return tuple(refused)
        refused.extend(bad)
        wanted = {name: value for name, value in wanted.items() if name not in bad}
    return tuple(refused)


async def message_deleted(
    session: AsyncSession, *, channel_id: str, message_ts: str, now: datetime, today: date
) -> list[Flag]:
    """A source message is gone: its resources stay, each flagged for its owner's review."""
    flags = []
    for source in await _sources(session, channel_id, message_ts):
        source.deleted_at = now
        if (await get_resource(session, source.resource_id)).retired:
            continue
        key = f"resource-source-deleted:{source.resource_id}"
        flags.append(await _flag(session, source.resource_id, "deleted", source, key, now=now, today=today))
    return flags


async def _flag(
    session: AsyncSession,
    resource_id: int,
    reason: Reason,
    source: ResourceSource,
    key: str,
    *,
    now: datetime,
    today: date,
    kept: tuple[str, ...] = (),
) -> Flag:
    """Bring the resource's review to today, so it is on its owner's Home, in `/nls resource
    mine` and in the next monthly review until they answer."""
    before = await get_resource(session, resource_id)  # loaded once: `get` finds it again
    resource = await session.get(Resource, before.id)
    if resource is not None:
        resource.review_by = min(resource.review_by, today)
    await audit.record(
        session, at=now, actor=None, action=f"resource.source_{reason}", subject_type="resource",
        subject_id=resource_id, channel=source.channel_id, message_ts=source.message_ts, fields=list(kept) or None,
    )  # fmt: skip
    view = await get_resource(session, resource_id)
    return Flag(resource=view, reason=reason, channel_id=source.channel_id, key=key, kept=kept)
