"""The members CSV's shape and its reading: every cell and every rule that spans rows, checked
before anything is written.

An import reports every problem of every row at once (by line and column, as i18n keys), so one
round of fixes in the spreadsheet is enough; `import_members` writes only a file that passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.services.errors import ImportFailed, RowError
from bot.services.imports import CellProblem, in_file_order, missing_columns, read_date
from bot.services.members.geography import PROVINCES
from bot.services.members.snapshots import SLACK_USER_ID
from models import OrgKind, Role

CSV_COLUMNS = ("org", "kind", "province", "slack_user_id", "name", "roles", "term_ends")


@dataclass(frozen=True)
class MemberRow:
    """One CSV row, validated before anything is written."""

    org: str
    kind: OrgKind
    province: str
    slack_user_id: str
    name: str
    roles: frozenset[Role]
    term_ends: date | None = None


NAME_LIMIT = 200


def _named(empty_key: str) -> Callable[[str], str]:
    def read(cell: str) -> str:
        text = cell.strip()
        if not text:
            raise CellProblem(empty_key)
        if len(text) > NAME_LIMIT:
            raise CellProblem("imports.members.too_long", length=len(text), max=NAME_LIMIT)
        return text

    return read


_KIND_IN_FRENCH = {"PLI": OrgKind.LIP, "PZI": OrgKind.ZIP}  # partenariat local / zonal en immigration


def _kind(cell: str) -> OrgKind:
    code = cell.strip().upper()
    try:
        return _KIND_IN_FRENCH.get(code) or OrgKind(code)
    except ValueError:
        raise CellProblem("imports.members.kind", value=cell.strip(), allowed=" / ".join(OrgKind)) from None


def _province(cell: str) -> str:
    code = cell.strip().upper()
    if code not in PROVINCES:
        raise CellProblem("imports.members.province", value=cell.strip(), allowed=", ".join(PROVINCES))
    return code


def _slack_user_id(cell: str) -> str:
    user = cell.strip()
    if not SLACK_USER_ID.match(user):
        raise CellProblem("imports.members.slack_user_id", value=user)
    return user


def _roles(cell: str) -> frozenset[Role]:
    names = {item.strip().lower() for item in cell.split(";") if item.strip()}
    unknown = sorted(names - set(Role))
    if unknown:
        raise CellProblem(
            "imports.members.roles", count=len(unknown), value=", ".join(unknown), allowed=", ".join(Role)
        )
    return frozenset(Role(name) for name in names)


# How each column is read; every cell is read, so every problem of a row is told at once.
_CELLS: dict[str, Callable[[str], Any]] = {
    "org": _named("imports.members.org_empty"), "kind": _kind, "province": _province,
    "slack_user_id": _slack_user_id, "name": _named("imports.members.name_empty"), "roles": _roles,
    "term_ends": read_date,
}  # fmt: skip


def _read_row(line: int, raw: dict[str, str]) -> tuple[MemberRow | None, list[RowError]]:
    values: dict[str, Any] = {}
    problems: list[RowError] = []
    for column, read in _CELLS.items():
        try:
            values[column] = read(raw.get(column) or "")
        except CellProblem as problem:
            problems.append(problem.at(line, column))
    roles = values.get("roles", frozenset())
    if Role.EXEC in roles and "term_ends" in values and values["term_ends"] is None:
        problems.append(RowError.of(line, "imports.members.exec_needs_term", column="term_ends"))
    if {Role.EXEC, Role.EX_OFFICIO} <= roles:
        problems.append(RowError.of(line, "imports.members.exec_and_ex_officio", column="roles"))
    return (None if problems else MemberRow(**values)), problems


def parse_member_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> list[tuple[int, MemberRow]]:
    """Validate every cell of every row and the rules that span rows; raise `ImportFailed`
    naming every problem by line and column."""
    rows = list(rows)
    header = missing_columns(rows, [c for c in CSV_COLUMNS if c != "term_ends"], header=CSV_COLUMNS)
    if header:
        raise ImportFailed(header)
    parsed: list[tuple[int, MemberRow]] = []
    errors: list[RowError] = []
    for line, raw in rows:
        row, problems = _read_row(line, raw)
        errors.extend(problems)
        if row is not None:
            parsed.append((line, row))
    errors.extend(_cross_row_errors(parsed))
    if errors:
        raise ImportFailed(in_file_order(errors, CSV_COLUMNS))
    return parsed


def _cross_row_errors(parsed: list[tuple[int, MemberRow]]) -> list[RowError]:
    errors: list[RowError] = []
    seen_user: dict[str, int] = {}
    org_shape: dict[str, tuple[int, OrgKind, str]] = {}
    holders: dict[tuple[str, Role], int] = {}
    for line, row in parsed:
        if row.slack_user_id in seen_user:
            errors.append(RowError.of(line, "imports.members.same_person", column="slack_user_id",
                                      user=row.slack_user_id, other=seen_user[row.slack_user_id]))  # fmt: skip
        seen_user.setdefault(row.slack_user_id, line)
        first, kind, province = org_shape.setdefault(row.org.casefold(), (line, row.kind, row.province))
        for column, key, there, here in (
            ("kind", "imports.members.other_kind", kind, row.kind),
            ("province", "imports.members.other_province", province, row.province),
        ):
            if there != here:
                errors.append(RowError.of(line, key, column=column, org=row.org, there=str(there), other=first,
                                          here=str(here)))  # fmt: skip
        for role, key in ((Role.REP, "imports.members.second_rep"), (Role.EXEC, "imports.members.second_exec")):
            if role in row.roles:
                other = holders.setdefault((row.org.casefold(), role), line)
                if other != line:
                    errors.append(RowError.of(line, key, column="roles", org=row.org, other=other))
    return errors
