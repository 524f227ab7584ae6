"""Who may do what: leads and administrators start consultations and read the results; an
organisation's rep or any of its staff answers for it."""

from __future__ import annotations

from bot.services.errors import NotAllowed
from bot.services.members import Member
from models import Role


def ensure_may_start(actor: Member | None) -> Member:
    if actor is None or not actor.is_lead_or_admin:
        raise NotAllowed("consult.leads_only")
    return actor


def may_answer(member: Member) -> bool:
    """The rep or a staff member of an organisation answers for it."""
    return member.org is not None and member.has(Role.REP, Role.STAFF)
