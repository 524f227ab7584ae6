"""The translation layer: every user-visible string goes through a `Translator`.

Catalogs are TOML files under `catalogs/<locale>/`, one per feature (`core.toml`,
`resources.toml`, …), merged into one dotted key space. A feature adds its own file and never
edits another's. A test checks that English and French have the same keys and placeholders.

Plurals: a key whose value is a table with `one` and `other` is chosen by the `count`
parameter, with French rules (0 and 1 are singular).

A key in neither catalog is shown as itself, the last resort, and logged once as a warning;
tests/structure/test_i18n_keys.py reads the code for every key it names so that none is.
"""

from __future__ import annotations

import logging
import string
import tomllib
from datetime import date, datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, format_timedelta, get_day_names
from babel.numbers import format_decimal, format_percent

CATALOGS = Path(__file__).parent / "catalogs"
LOCALES = ("en", "fr")
BABEL_LOCALE = {"en": "en_CA", "fr": "fr_CA"}
log = logging.getLogger(__name__)


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, Any]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and not {"one", "other"} >= set(value):
            _flatten(full, value, out)
        else:
            out[full] = value


@cache
def catalog(locale: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in sorted((CATALOGS / locale).glob("*.toml")):
        with path.open("rb") as fh:
            table = tomllib.load(fh)
        flat: dict[str, Any] = {}
        _flatten("", table, flat)
        clash = merged.keys() & flat.keys()
        if clash:
            raise ValueError(f"{path.name} redefines {sorted(clash)[:3]}")
        merged.update(flat)
    return merged


def placeholders(message: Any) -> set[str]:
    texts = message.values() if isinstance(message, dict) else [message]
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


def normalise_locale(value: str | None) -> str | None:
    if not value:
        return None
    short = value.replace("_", "-").split("-")[0].lower()
    return short if short in LOCALES else None


def resolve_locale(chosen: str | None, slack_locale: str | None, default: str) -> str:
    """Explicit choice (`/nls lang`) beats the Slack profile locale, which beats the default."""
    return normalise_locale(chosen) or normalise_locale(slack_locale) or default


@cache
def _missing(key: str) -> None:
    """Once per key and process: the same missing key on every request would drown the logs."""
    log.warning("i18n key %r is in no catalog; shown as it is", key)


class Translator:
    def __init__(self, locale: str = "en") -> None:
        self.locale = locale if locale in LOCALES else "en"
        self._messages = catalog(self.locale)
        self._fallback = catalog("en")

    def __call__(self, key: str, /, **params: Any) -> str:
        message = self._messages.get(key, self._fallback.get(key))
        if message is None:
            _missing(key)
            return key
        if isinstance(message, dict):
            count = params.get("count", 0)
            singular = count in (0, 1) if self.locale == "fr" else count == 1
            message = message["one"] if singular else message["other"]
        try:
            return message.format(**params)
        except (KeyError, IndexError, ValueError):
            return message

    def has(self, key: str) -> bool:
        return key in self._messages

    @property
    def babel_locale(self) -> str:
        return BABEL_LOCALE[self.locale]

    def date(self, value: date, fmt: str = "medium") -> str:
        return format_date(value, format=fmt, locale=self.babel_locale)

    def datetime(self, value: datetime, tz: tzinfo, fmt: str = "medium") -> str:
        return format_datetime(value.astimezone(tz), format=fmt, tzinfo=tz, locale=self.babel_locale)

    def short_datetime(self, value: datetime, tz: tzinfo) -> str:
        local = value.astimezone(tz)
        return f"{format_date(local, 'medium', locale=self.babel_locale)} {local:%H:%M}"

    def weekday(self, index: int) -> str:
        """The name of a weekday, 0 = Monday as in `date.weekday()`: "Monday", "lundi"."""
        return str(get_day_names("wide", locale=self.babel_locale)[index])

    def relative(self, value: datetime, now: datetime) -> str:
        return format_timedelta(value - now, add_direction=True, locale=self.babel_locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.babel_locale)

    def percent(self, ratio: float) -> str:
        return format_percent(ratio, locale=self.babel_locale)

    def choice(self, prefix: str, value: str) -> str:
        """Translate an enum-like value under a prefix, falling back to the raw value."""
        key = f"{prefix}.{value}"
        return self(key) if key in self._fallback else value
