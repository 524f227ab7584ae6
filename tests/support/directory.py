"""A small, known network for tests, loaded through the real import service."""

from __future__ import annotations

from datetime import date

from bot.deps import Deps
from bot.services.members import import_members

ADMIN = "UADMIN001"
LEAD = "ULEAD0001"
EX_OFFICIO = "UEXOFF001"
REP_TORONTO = "UREPTOR01"
STAFF_TORONTO = "USTAFTOR1"
REP_HALIFAX = "UREPHAL01"
EXEC_HALIFAX = REP_HALIFAX
REP_MONTREAL = "UREPMTL01"
STAFF_MONTREAL = "USTAFMTL1"
NOMINATIONS = "UNOMCOM01"
STRANGER = "USTRANGE1"

ROWS = [
    ("NLS Secretariat LIP", "LIP", "ON", ADMIN, "Ada Admin", "staff;admin", ""),
    ("Toronto South LIP", "LIP", "ON", LEAD, "Lea Lead", "staff;lead", ""),
    ("Jasper LIP", "LIP", "AB", EX_OFFICIO, "Otto Officio", "staff;lead;ex-officio", ""),
    ("Toronto South LIP", "LIP", "ON", REP_TORONTO, "Rita Rep", "rep;staff", ""),
    ("Toronto South LIP", "LIP", "ON", STAFF_TORONTO, "Sam Staff", "staff", ""),
    ("Halifax LIP", "LIP", "NS", REP_HALIFAX, "Hal Exec", "rep;staff;exec", "2027-03-31"),
    ("Montréal PLI", "LIP", "QC", REP_MONTREAL, "Émilie Représentante", "rep;staff", ""),
    ("Montréal PLI", "LIP", "QC", STAFF_MONTREAL, "Marc Personnel", "staff", ""),
    ("Moncton ZIP", "ZIP", "NB", NOMINATIONS, "Nora Nominations", "rep;staff;nominations", ""),
]


def rows(extra: list[tuple[str, ...]] | None = None) -> list[tuple[int, dict[str, str]]]:
    columns = ("org", "kind", "province", "slack_user_id", "name", "roles", "term_ends")
    return [(line, dict(zip(columns, row, strict=True))) for line, row in enumerate(ROWS + (extra or []), start=2)]


async def load_directory(deps: Deps, extra: list[tuple[str, ...]] | None = None) -> None:
    async with deps.db.transaction() as session:
        await import_members(session, rows(extra), today=date(2026, 1, 15))
