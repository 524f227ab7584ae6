"""The text of a file an operator imports, decoded the way spreadsheets and editors save it.

UTF-8, with or without the byte-order mark Excel puts before "CSV UTF-8", or UTF-16 with its
mark (Excel's "Unicode Text"). Anything else is refused with one line naming the file and how to
save it again, never guessed at: the usual other encoding, Windows-1252, decodes any bytes at
all, so a wrong guess would not fail but import `MontrÃ©al` as a name.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from bot.services.errors import DomainError

_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_text(path: Path, *, from_a_spreadsheet: bool = False) -> str:
    """The file's text, its byte-order mark removed and its line ends as they are (a `\\r` inside
    a quoted cell stays a `\\r`). `from_a_spreadsheet`: the refusal of another encoding says how
    Excel and LibreOffice save UTF-8, rather than how an editor does."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DomainError("imports.file.not_found", path=str(path)) from None
    except OSError as exc:  # a directory, no permission…
        raise DomainError("imports.file.unreadable", path=str(path), reason=exc.strerror or str(exc)) from None
    encoding = "utf-16" if data.startswith(_UTF16_MARKS) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        key = "imports.file.not_utf8_csv" if from_a_spreadsheet else "imports.file.not_utf8"
        raise DomainError(key, path=str(path), line=line) from None
