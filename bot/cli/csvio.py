"""CSV in and out, UTF-8 (with or without a BOM, as spreadsheets write it), line numbers kept
so a bad row can be named."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from bot.errors import DomainError


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DomainError("cli.file_not_found", path=str(path)) from None
    except UnicodeDecodeError:
        raise DomainError("cli.not_utf8", path=str(path)) from None
    reader = csv.DictReader(text.splitlines(keepends=True))
    rows = []
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k):
            continue  # blank line
        rows.append((reader.line_num, {(k or "").strip(): (v or "") for k, v in row.items() if k}))
    return rows


def write_csv(out: TextIO, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> None:
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
