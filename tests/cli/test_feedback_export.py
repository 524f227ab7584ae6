"""`nlsbot export feedback` and `nlsbot export consultation N`: CSV that gives back exactly what
people wrote (accents, emoji, quotes, commas, line breaks), and identity only where it was given."""

from __future__ import annotations

import csv
import io
from argparse import Namespace
from datetime import date

import pytest

from bot.cli.feedback import export_consultation, export_feedback
from bot.services import feedback
from bot.services.errors import NotFound
from tests.support.cli import BOM, run
from tests.support.directory import REP_MONTREAL, REP_TORONTO, load_directory
from tests.support.feedback import submit_feedback

WORDS = [
    'Logement « abordable », s.v.p. — "urgent"; 3 familles 🏠👨‍👩‍👧\nDeuxième ligne\r\nTroisième',
    "=SUM(A1:A9) stays text, <!channel> too",
]


def _read(out: io.StringIO) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


async def test_feedback_csv_round_trips_every_character_and_hides_anonymous_identity(deps):
    await load_directory(deps)
    anonymous = await submit_feedback(deps, REP_MONTREAL, WORDS[0], date(2026, 3, 1))
    named = await submit_feedback(deps, REP_TORONTO, WORDS[1], date(2026, 3, 5), anonymous=False, contact="é@x.ca")
    out = io.StringIO(newline="")
    await export_feedback(deps, Namespace(since=None), out)
    rows = {r["reference"]: r for r in _read(out)}
    assert list(next(iter(rows.values()))) == list(feedback.EXPORT_COLUMNS)
    assert rows[anonymous]["text"] == WORDS[0].strip()
    # Montréal PLI is Quebec's only member organisation here: its anonymous place is Canada-wide
    assert (rows[anonymous]["province"], rows[anonymous]["region"]) == ("CA", "")
    assert (rows[anonymous]["anonymous"], rows[anonymous]["submitted_by"], rows[anonymous]["organisation"]) == (
        "yes",
        "",
        "",
    )
    assert rows[named]["text"] == "'" + WORDS[1]  # formula-safe: one quote in front (bot.cli.csvio)
    assert (rows[named]["submitted_by"], rows[named]["organisation"], rows[named]["contact"]) == (
        REP_TORONTO,
        "Toronto South LIP",
        "é@x.ca",
    )
    since = io.StringIO(newline="")
    await export_feedback(deps, Namespace(since=date(2026, 3, 2)), since)
    assert [r["reference"] for r in _read(since)] == [named]


async def test_an_unknown_consultation_is_a_clear_error(deps):
    with pytest.raises(NotFound):
        await export_consultation(deps, Namespace(number=42), io.StringIO())


def test_the_exporters_are_registered_on_the_command_line(tmp_path):
    result = run(["export", "feedback"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == BOM + ",".join(feedback.EXPORT_COLUMNS)  # a CSV any reader takes
    assert "Anonymous entries keep their place only where at least 3 member organisations" in result.stderr
    missing = run(["export", "consultation", "7"], tmp_path)
    assert missing.returncode == 1 and "There is no consultation #7" in missing.stderr
