"""An import's problems as the CLI tells them: one line each, in the operator's language,
`line N, column X: what is wrong — what would be right`."""

from __future__ import annotations

import re

from bot.infra.i18n import Translator
from bot.services.errors import RowError

SHOWN_LIMIT = 60
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def shown(value: object) -> object:
    """A cell's text as a message quotes it: control characters and line breaks written as
    escapes (so a problem stays on its one line), long text cut short."""
    if not isinstance(value, str):
        return value
    text = _INVISIBLE.sub(lambda m: repr(m.group())[1:-1], value)
    return text if len(text) <= SHOWN_LIMIT else text[: SHOWN_LIMIT - 1] + "…"


def row_problem(error: RowError, t: Translator) -> str:
    what = t(error.key, **{k: shown(v) for k, v in error.params.items()}) if error.key else error.message
    if error.column:
        return t("imports.at_cell", line=error.line, column=error.column, problem=what)
    return t("imports.at_line", line=error.line, problem=what)
