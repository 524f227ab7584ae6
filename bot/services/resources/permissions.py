"""Who may do what to a resource: members add; owners, NLS leads and admins edit, retire and
confirm. Here, so a button, a slash command, the review DM and the CLI are covered by the same
checks."""

from __future__ import annotations

from collections.abc import Iterable

from bot.services.errors import NotAllowed
from bot.services.members import Member
from bot.services.resources.results import ResourceView
from models.resources import Resource


def can_edit(actor: Member | None, resource: ResourceView | Resource) -> bool:
    """Owners, NLS leads and admins may edit, retire or confirm a resource; nobody else."""
    if actor is None:
        return False
    return actor.slack_user_id == resource.owner_id or actor.is_lead_or_admin


def require_editor(actor: Member | None, resource: Resource) -> Member:
    if actor is None or not can_edit(actor, resource):
        raise NotAllowed("resources.not_allowed", title=resource.title)
    return actor


def require_contributor(actor: Member | None) -> Member:
    """Adding to the repository is for people in the member directory."""
    if actor is None:
        raise NotAllowed("resources.members_only")
    return actor


def editable(actor: Member | None, views: Iterable[ResourceView]) -> frozenset[int]:
    """Ids among `views` that `actor` may edit (to decide which buttons to show; every press is
    checked again)."""
    return frozenset(v.id for v in views if can_edit(actor, v))
