"""CSV in and out, UTF-8 (with or without a BOM, as spreadsheets write it), line numbers kept
so a bad row can be named.

Formula safety (OWASP, "CSV Injection"): a spreadsheet takes a cell that begins with `=`, `+`,
`-`, `@`, a tab or a carriage return for a formula, and a formula can fetch addresses, leak
other cells or run commands. Every text cell `write_csv` writes that begins so gets one single
quote `'` in front, the spreadsheets' "this is text" mark; nothing else of it changes (accents,
emoji, quotes, commas and line breaks stay as they were, and the csv module quotes what needs
it). A cell that already begins with quotes followed by one of those characters (`'=x`) gets one
more too, so the rule can be undone exactly: strip one leading quote from a cell that begins with
one or more quotes and then one of those characters (`restore`). `read_csv` does that, so an
export imports back unchanged; any other leading quote (`'Twas`) is left alone both ways.

Numbers: an `int`, `float` or `Decimal` cell is written as it is, never prefixed: its text is a
number literal (`-3`, `1e-05`), which a spreadsheet reads as that number, not a formula, and a
quote would turn it into text. Every other value is written as text and checked, including a
`str` that looks like a number: whether `"-3"` came from a person cannot be told here. Today no
export holds a negative number as text (poll `votes` and `position` are ints and `percent` is
never negative; dates, codes, tags and Slack ids never start with a sign), so no number gets a
quote; an exporter that adds a signed number must pass it as a number, not as text. People's text
that merely begins with `-` (a list) or `@` (a handle) does get one: the rule cannot tell intent.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from bot.errors import DomainError

FORMULA_START = frozenset("=+-@\t\r")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(value: object) -> object:
    """The cell as written: text that a spreadsheet would take for a formula gets a leading `'`;
    numbers as they are; None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.lstrip("'")[:1] in FORMULA_START else text


def restore(text: str) -> str:
    """`neutralise` undone: one leading quote off a cell that begins with quotes and a formula
    character."""
    return text[1:] if _NEUTRALISED.match(text) else text


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:  # a `\r` in a cell stays a `\r`
            text = file.read()
    except FileNotFoundError:
        raise DomainError("cli.file_not_found", path=str(path)) from None
    except UnicodeDecodeError:
        raise DomainError("cli.not_utf8", path=str(path)) from None
    # lines end at \n, \r\n or \r only (not at U+2028, NEL or a form feed, which splitlines
    # would take for line ends and so cut a row in two): a cell may hold any of those
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k):
            continue  # blank line
        rows.append((reader.line_num, {(k or "").strip(): restore(v or "") for k, v in row.items() if k}))
    return rows


def write_csv(out: TextIO, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> None:
    """A header line and one line per row, each cell through `neutralise` (the header too);
    keys not in `columns` are ignored, missing ones are empty. Lines end in `\n`."""
    # Written with `\r\n` line ends, which the csv module quotes a cell for if it holds either
    # character (with `\n` alone it would leave a lone `\r` unquoted, and a reader would cut
    # the row there), then each line's own `\r\n` becomes `\n`.
    line = io.StringIO()
    writer = csv.writer(line, lineterminator="\r\n")

    def write(cells: list[object]) -> None:
        line.seek(0)
        line.truncate()
        writer.writerow(cells)
        out.write(line.getvalue()[:-2] + "\n")

    write([neutralise(c) for c in columns])
    for row in rows:
        write([neutralise(row.get(c)) for c in columns])
