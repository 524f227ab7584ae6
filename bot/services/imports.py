"""What the CSV imports check the same way: the header, and a cell's problem as an i18n key.

A file's problems are `RowError`s that name a line and, when it is one cell's, a column, each an
i18n key with its parameters: the CLI words them in the operator's language, as it does any
refusal, and an import reports every problem of every row at once, so one round of fixes in the
spreadsheet is enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from bot.services.errors import RowError

HEADER_LINE = 1


class CellProblem(ValueError):
    """What is wrong with one cell, raised by the function that reads it; the importer adds the
    line and the column."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(key)

    def at(self, line: int, column: str) -> RowError:
        return RowError.of(line, self.key, column=column, **self.params)


def read_date(cell: str | None) -> date | None:
    """A date cell: year-month-day (what a spreadsheet writes when the cell is formatted so), or
    empty. `31/12/2026` is refused rather than guessed: the French and the American orders differ."""
    text = (cell or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CellProblem("imports.date", value=text) from None


def missing_columns(
    rows: Iterable[tuple[int, dict[str, str]]], required: Sequence[str], *, header: Sequence[str]
) -> list[RowError]:
    """The `required` columns the file lacks, said once, on the header line, with the `header`
    to write and the names the file has instead (a file whose separator was not recognised
    shows as one long name)."""
    found = dict.fromkeys(name for _, raw in rows for name in raw)
    missing = [c for c in required if c not in found]
    if not missing:
        return []
    return [
        RowError.of(
            HEADER_LINE, "imports.missing_columns", count=len(missing), missing=", ".join(missing),
            expected=",".join(header), found=" | ".join(found) or "–",
        )
    ]  # fmt: skip


def in_file_order(errors: Iterable[RowError], columns: Sequence[str]) -> list[RowError]:
    """By line, then by column as the file has them (a problem of no one cell after the cells')."""
    order = {name: position for position, name in enumerate(columns)}
    return sorted(errors, key=lambda e: (e.line, order.get(e.column or "", len(order))))
