"""Who may do what in a round: the Nominations Committee (or an admin standing in) runs it; staff
of member organisations nominate. Every entry point asks here, whoever presses the button."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import members
from bot.services.errors import NotAllowed, NotInDirectory
from bot.services.members import Member
from models import Role


def may_run(actor: Member | None) -> bool:
    """The Nominations Committee runs rounds; admins may stand in."""
    return actor is not None and actor.has(Role.NOMINATIONS, Role.ADMIN)


def require_committee(actor: Member | None) -> Member:
    if actor is None or not may_run(actor):
        raise NotAllowed("nominations.error.committee_only")
    return actor


async def require_staff(session: AsyncSession, actor: Member | None) -> Member:
    """Nominating is for staff of member organisations; strangers are told whom to ask."""
    if actor is None:
        raise NotInDirectory(contacts=await members.directory_contacts(session))
    if actor.org is None:
        raise NotAllowed("nominations.error.not_staff")
    return actor
