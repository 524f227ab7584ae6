"""The membership directory: member organisations (LIPs/ZIPs), people and their roles.

Equal representation is a property of the organisation, so two rules live in the schema:
an organisation has at most one designated voting representative (`rep`), and at most one
Executive Committee seat (`exec`); both are partial unique indexes on `role_grants`.
A seat is a row that names the organisation; transferring it changes `person_id` only.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum


class OrgKind(enum.StrEnum):
    LIP = "LIP"
    ZIP = "ZIP"


class Role(enum.StrEnum):
    REP = "rep"
    STAFF = "staff"
    LEAD = "lead"
    EXEC = "exec"
    EX_OFFICIO = "ex-officio"
    NOMINATIONS = "nominations"
    ADMIN = "admin"


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, "org_kind"))
    province: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str] = mapped_column(String(20), index=True)

    people: Mapped[list[Person]] = relationship(back_populates="organisation")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=text("true"))

    organisation: Mapped[Organisation | None] = relationship(back_populates="people")
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="RoleGrant.role"
    )


class RoleGrant(Base):
    """One role held by one person. For `rep` and `exec`, `organisation_id` is the organisation
    whose vote or seat it is; `term_start`/`term_end` bound an `exec` seat."""

    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("person_id", "role"),
        Index(
            "uq_role_grants_one_rep_per_org",
            "organisation_id",
            unique=True,
            sqlite_where=text("role = 'rep'"),
            postgresql_where=text("role = 'rep'"),
        ),
        Index(
            "uq_role_grants_one_seat_per_org",
            "organisation_id",
            unique=True,
            sqlite_where=text("role = 'exec'"),
            postgresql_where=text("role = 'exec'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    term_start: Mapped[date | None]
    term_end: Mapped[date | None]

    person: Mapped[Person] = relationship(back_populates="grants")


class UserPref(Base):
    """Per-Slack-user preferences and cached profile, for anyone who talks to the bot,
    in the directory or not (a stranger can still choose French)."""

    __tablename__ = "user_prefs"

    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    locale: Mapped[str | None] = mapped_column(String(5))  # explicit choice: /nls lang
    slack_locale: Mapped[str | None] = mapped_column(String(16))  # from users.info
    tz: Mapped[str | None] = mapped_column(String(64))  # from users.info
    profile_fetched_at: Mapped[datetime | None]
    welcomed_at: Mapped[datetime | None]
