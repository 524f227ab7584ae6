"""Adding, editing, retiring and confirming resources, each checked against the rules of the
repository (bot.services.resources.permissions) and keeping the search vocabulary in step. The
same address twice is never two resources."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services import audit
from bot.services.errors import Conflict, Invalid, NotFound
from bot.services.members import Member
from bot.services.resources import vocabulary as vocab
from bot.services.resources.errors import DuplicateResource
from bot.services.resources.fields import ResourceField
from bot.services.resources.freshness import REVIEW_PERIOD
from bot.services.resources.input import ResourceInput, url_key
from bot.services.resources.permissions import require_contributor, require_editor
from bot.services.resources.results import ResourceView, view_of
from bot.services.resources.words import fold
from models import Person
from models.resources import Resource, ResourceTag


async def _get(session: AsyncSession, resource_id: int) -> Resource:
    resource = await session.get(Resource, resource_id, options=[selectinload(Resource.tag_rows)])
    if resource is None:
        raise NotFound("resources.not_found")
    return resource


async def _live_for_editor(session: AsyncSession, actor: Member | None, resource_id: int) -> tuple[Resource, Member]:
    """A resource `actor` may change (its owner, a lead or an admin), refused once retired."""
    resource = await _get(session, resource_id)
    editor = require_editor(actor, resource)
    if resource.retired:
        raise Conflict("resources.already_retired", title=resource.title)
    return resource, editor


async def _recorded(
    session: AsyncSession, resource: Resource, action: str, *, actor: str | None, now: datetime
) -> ResourceView:
    """Every change to a resource leaves an audit event naming who made it; the resource as it
    now is, for the answer."""
    await audit.record(session, at=now, actor=actor, action=action, subject_type="resource", subject_id=resource.id)
    return view_of(resource)


async def get_resource(session: AsyncSession, resource_id: int) -> ResourceView:
    return view_of(await _get(session, resource_id))


async def shareable(session: AsyncSession, resource_id: int) -> ResourceView:
    """A resource someone wants to post in a channel: it must still be live."""
    resource = await _get(session, resource_id)
    if resource.retired:
        raise Invalid("resources.retired_unavailable")
    return view_of(resource)


async def for_editing(session: AsyncSession, *, actor: Member | None, resource_id: int) -> ResourceView:
    """A resource to open in the edit form, if `actor` may edit it (checked again on save)."""
    resource, _ = await _live_for_editor(session, actor, resource_id)
    return view_of(resource)


async def _duplicate_of(session: AsyncSession, key: str | None, *, besides: int | None = None) -> Resource | None:
    if key is None:
        return None
    query = select(Resource).where(Resource.url_key == key)
    if besides is not None:
        query = query.where(Resource.id != besides)
    return (await session.execute(query)).scalar_one_or_none()


def _refuse_duplicate(existing: Resource) -> DuplicateResource:
    state = "retired" if existing.retired else "live"
    return DuplicateResource(
        field=ResourceField.URL, title=existing.title, url=existing.url or "", id=existing.id, state=state
    )


async def _check_owner(session: AsyncSession, owner_id: str) -> None:
    active = await session.execute(select(Person.id).where(Person.slack_user_id == owner_id, Person.active))
    if active.first() is None:
        raise Invalid("resources.form.owner_not_member", field=ResourceField.OWNER)


def apply_input(resource: Resource, data: ResourceInput) -> None:
    """Write what the form (or a file's row) says into the resource and its tag rows."""
    resource.title = data.title
    resource.url = data.url
    resource.url_key = url_key(data.url)
    resource.description = data.description
    resource.tags = ", ".join(data.tags)
    resource.language = data.language
    resource.province = data.province
    resource.kind = data.kind
    wanted = {fold(t) for t in data.tags}
    resource.tag_rows[:] = [r for r in resource.tag_rows if r.tag in wanted]
    have = {r.tag for r in resource.tag_rows}
    resource.tag_rows.extend(ResourceTag(tag=t) for t in sorted(wanted - have))


async def add_resource(
    session: AsyncSession, *, actor: Member | None, data: ResourceInput, now: datetime, owner_id: str | None = None
) -> ResourceView:
    """Add a resource to the repository (members only), owned by `owner_id` or the adder and due
    for review in a year. The same address twice is refused, naming the resource already there;
    the unique `url_key` settles a race between two people adding it at once."""
    adder = require_contributor(actor)
    owner = owner_id or adder.slack_user_id
    if owner != adder.slack_user_id:
        await _check_owner(session, owner)
    existing = await _duplicate_of(session, url_key(data.url))
    if existing is not None:
        raise _refuse_duplicate(existing)
    resource = Resource(
        owner_id=owner,
        added_by=adder.slack_user_id,
        created_at=now,
        updated_at=now,
        review_by=now.date() + REVIEW_PERIOD,
        retired=False,
        tag_rows=[],
    )
    apply_input(resource, data)
    try:
        async with session.begin_nested():
            session.add(resource)
    except IntegrityError:  # someone added the same address in the meantime
        existing = await _duplicate_of(session, resource.url_key)
        if existing is None:
            raise
        raise _refuse_duplicate(existing) from None
    await vocab.count_terms(session, Counter(vocab.terms_of(resource)))
    return await _recorded(session, resource, "resource.add", actor=adder.slack_user_id, now=now)


async def edit_resource(
    session: AsyncSession,
    *,
    actor: Member | None,
    resource_id: int,
    data: ResourceInput,
    now: datetime,
    owner_id: str | None = None,
) -> ResourceView:
    """Change a resource (its owner, a lead or an admin); editing also counts as a review."""
    resource = await _get(session, resource_id)
    editor = require_editor(actor, resource)
    if owner_id and owner_id != resource.owner_id:
        await _check_owner(session, owner_id)
        resource.owner_id = owner_id
    await _rewrite(session, resource, data, now=now)
    resource.reviewed_at = now
    resource.review_by = max(resource.review_by, now.date() + REVIEW_PERIOD)
    return await _recorded(session, resource, "resource.edit", actor=editor.slack_user_id, now=now)


async def _rewrite(session: AsyncSession, resource: Resource, data: ResourceInput, *, now: datetime) -> None:
    """Replace what a resource says, keeping its address unique and the vocabulary in step."""
    existing = await _duplicate_of(session, url_key(data.url), besides=resource.id)
    if existing is not None:
        raise _refuse_duplicate(existing)
    before = vocab.terms_of(resource)
    apply_input(resource, data)
    resource.updated_at = now
    await session.flush()
    await vocab.count_terms(session, vocab.difference(before, vocab.terms_of(resource)))


async def follow_source(
    session: AsyncSession, *, resource_id: int, data: ResourceInput, now: datetime, author: str | None
) -> ResourceView:
    """Rewrite a resource after the Slack message it was saved from was edited by `author`
    (`bot.services.resources.sources` decides which fields follow and checks `data`). It is not a
    review, so the review date stays; a link another resource holds is refused as in the form."""
    resource = await _get(session, resource_id)
    await _rewrite(session, resource, data, now=now)
    return await _recorded(session, resource, "resource.follow_source", actor=author, now=now)


async def retire_resource(
    session: AsyncSession, *, actor: Member | None, resource_id: int, now: datetime
) -> ResourceView:
    """Take a resource out of search (kept for the record; its address stays taken)."""
    resource, editor = await _live_for_editor(session, actor, resource_id)
    before = vocab.terms_of(resource)
    resource.retired, resource.retired_at, resource.retired_by = True, now, editor.slack_user_id
    resource.updated_at = now
    await session.flush()
    await vocab.count_terms(session, vocab.difference(before, set()))
    return await _recorded(session, resource, "resource.retire", actor=editor.slack_user_id, now=now)


async def confirm_current(
    session: AsyncSession, *, actor: Member | None, resource_id: int, now: datetime
) -> ResourceView:
    """ "Still current": the next review is a year from today."""
    resource, editor = await _live_for_editor(session, actor, resource_id)
    resource.reviewed_at = now
    resource.review_by = now.date() + REVIEW_PERIOD
    return await _recorded(session, resource, "resource.reviewed", actor=editor.slack_user_id, now=now)
