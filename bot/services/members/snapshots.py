"""What the directory hands out: frozen snapshots of a person, their organisation and their roles.

Services return these rather than ORM objects, so callers (handlers, builders, other features)
can render them after the session has closed, with no lazy loading under asyncio.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from models import OrgKind, Role

# What a Slack user id looks like (U… for a workspace member, W… on Enterprise Grid).
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


@dataclass(frozen=True)
class OrgInfo:
    id: int
    name: str
    kind: OrgKind
    province: str
    region: str


@dataclass(frozen=True)
class Grant:
    role: Role
    organisation_id: int | None = None
    term_start: date | None = None
    term_end: date | None = None


@dataclass(frozen=True)
class Member:
    """A person in the directory, with their organisation and roles, as of one read."""

    person_id: int
    slack_user_id: str
    name: str
    org: OrgInfo | None
    grants: tuple[Grant, ...] = ()

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def grant(self, role: Role) -> Grant | None:
        return next((g for g in self.grants if g.role is role), None)

    @property
    def term_end(self) -> date | None:
        """The end of this person's Executive Committee seat, if they hold one."""
        seat = self.grant(Role.EXEC)
        return seat.term_end if seat else None

    @property
    def is_lead_or_admin(self) -> bool:
        return self.has(Role.LEAD, Role.ADMIN)

    @property
    def is_rep(self) -> bool:
        return self.has(Role.REP)

    def is_voting_exec(self, on: date) -> bool:
        """An Executive Committee member with voting rights on `on` (a term covering that day)."""
        seat = self.grant(Role.EXEC)
        if seat is None:
            return False
        return (seat.term_start is None or seat.term_start <= on) and (seat.term_end is None or on <= seat.term_end)


@dataclass(frozen=True)
class OrgSummary:
    org: OrgInfo
    rep: Member | None
    people: int
