"""CSV in and out as spreadsheets write and read it, line numbers kept so a bad row can be named.

Reading: the text as `bot.cli.textfile` decodes it (UTF-8 with or without a BOM, UTF-16 with
one), cells separated by whatever the header line uses of `,`, `;` (what Excel saves where the
decimal mark is a comma: French, and most of Europe) and a tab ("Unicode Text").

Writing: `write_csv` writes to any text stream; `export_stream` is standard output as an export
writes it: UTF-8 whatever the terminal's locale, with a BOM first (the only sign by which Excel,
in any language, takes a CSV for UTF-8 rather than its own code page, which turns `Montréal`
into `MontrÃ©al`) unless `--no-bom`, and `;` between cells with `--excel fr` (French Excel opens
a file by double-click with the list separator of Windows, `;` there). Why the BOM is the
default: the person who runs `nlsbot export … > file.csv` opens it in a spreadsheet nearly
always, and cannot know to ask for a BOM; a program reading a pipe is written by someone who
reads `--help` (and most skip a BOM anyway: our own imports, Python's `utf-8-sig`, pandas).

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

import argparse
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from bot.cli.textfile import read_text

DELIMITERS = ",;\t"
EXCEL_DELIMITER = {"en": ",", "fr": ";"}  # Windows' list separator, which Excel splits a CSV on
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


def sniff_delimiter(text: str) -> str:
    """The separator of the file's first line, its header: `,`, `;` or a tab. Only the header is
    looked at, because column names hold none of them while cells do (roles and tags are
    separated by `;` inside a comma-separated file). Only the delimiter is taken from the
    standard library's guess: its guess at quoting, from a header without quotes, would turn off
    the `""` that stands for a quote inside a cell."""
    header = re.split(r"[\r\n]", text, maxsplit=1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","  # one column or none: the importer names the columns it misses


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Each row with the line it ends on, by (stripped) column name; blank lines skipped."""
    text = read_text(path, from_a_spreadsheet=True)
    # lines end at \n, \r\n or \r only (not at U+2028, NEL or a form feed, which splitlines
    # would take for line ends and so cut a row in two): a cell may hold any of those
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows = []
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k):
            continue  # blank line
        rows.append((reader.line_num, {(k or "").strip(): restore(v or "") for k, v in row.items() if k}))
    return rows


def write_csv(out: TextIO, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> None:
    """A header line and one line per row, each cell through `neutralise` (the header too);
    keys not in `columns` are ignored, missing ones are empty. Lines end in `\n`; cells are
    separated by the stream's `delimiter` (an `ExportStream`'s), else `,`."""
    # Written with `\r\n` line ends, which the csv module quotes a cell for if it holds either
    # character (with `\n` alone it would leave a lone `\r` unquoted, and a reader would cut
    # the row there), then each line's own `\r\n` becomes `\n`.
    line = io.StringIO()
    delimiter = out.delimiter if isinstance(out, ExportStream) else ","
    writer = csv.writer(line, delimiter=delimiter, lineterminator="\r\n")

    def write(cells: list[object]) -> None:
        line.seek(0)
        line.truncate()
        writer.writerow(cells)
        out.write(line.getvalue()[:-2] + "\n")

    write([neutralise(c) for c in columns])
    for row in rows:
        write([neutralise(row.get(c)) for c in columns])


class ExportStream(io.TextIOWrapper):
    """A text stream over bytes that says which separator its CSV uses, so every exporter writes
    the shape the operator asked for without passing options along."""

    delimiter: str = ","


def add_export_options(parser: argparse.ArgumentParser) -> None:
    """`--excel [en|fr]` and `--no-bom`, on every `nlsbot export …`."""
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument(
        "--excel",
        nargs="?",
        const=True,
        type=_excel_language,
        metavar="LANG",
        help="as Excel in that language (en or fr; default NLS_LOCALE) opens it by double-click: "
        "';' between cells for French Excel",
    )
    shape.add_argument(
        "--no-bom", action="store_true", help="no byte-order mark first, for a program that does not skip one"
    )


def _excel_language(value: str) -> str:
    if value not in EXCEL_DELIMITER:
        raise argparse.ArgumentTypeError(f"use en or fr, not {value!r}")
    return value


@contextmanager
def export_stream(stdout: TextIO, args: argparse.Namespace, *, language: str) -> Iterator[ExportStream]:
    """`stdout`'s bytes as an export writes them (the module's docstring says why a BOM).

    The BOM is written with the first cell, by the `utf-8-sig` codec, so an export refused
    before it writes anything leaves standard output empty. `newline=""`: the `\n` that ends a
    line and a `\r\n` inside a cell are written as they are, on Windows too."""
    excel = getattr(args, "excel", None)
    encoding = "utf-8" if getattr(args, "no_bom", False) else "utf-8-sig"
    stdout.flush()
    stream = ExportStream(stdout.buffer, encoding=encoding, newline="")
    if excel:
        stream.delimiter = EXCEL_DELIMITER.get(language if excel is True else excel, ",")
    try:
        yield stream
    finally:
        stream.flush()
        stream.detach()  # standard output stays open for what follows
