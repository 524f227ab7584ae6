"""Formula-safe exports: every `nlsbot export` cell that a spreadsheet would take for a formula
(`=`, `+`, `-`, `@`, a tab or a carriage return first) comes out with one `'` in front and is
otherwise exactly what was stored; other text is untouched; the imports take the quote off again,
so an export imports back unchanged. Everything goes through the real services and exporters."""

from __future__ import annotations

import argparse
import csv
import io
from argparse import Namespace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.cli.csvio import neutralise, read_csv, restore, write_csv
from bot.cli.feedback import export_consultation, export_feedback
from bot.cli.members import export_members, import_members
from bot.cli.registry import EXPORTERS
from bot.cli.resources import export_resources, import_resources
from bot.services import consultations, feedback, members
from bot.services.consultations import parse_questions
from models.feedback import Audience, Feedback, Topic, Urgency, Voice
from tests.support.directory import ADMIN, LEAD, REP_HALIFAX, REP_MONTREAL, REP_TORONTO, load_directory
from tests.support.feedback import submit_feedback
from tests.support.polls import NOW, open_poll, vote

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]
PLAIN = [
    "Plain words",
    'Logement « abordable », s.v.p. — "urgent"; 3 familles 🏠\nDeuxième ligne\r\nTroisième',
    "a-b=c, +1 and @here inside",
    "1+1",
    "'Twas a quote first",
    " =1 after a space",
]


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def safe(value: str) -> str:
    """What the export must show for a stored value."""
    return "'" + value if value[:1] in "=+-@\t\r" else value


# --- write_csv itself ------------------------------------------------------------------------------


def test_every_formula_start_gets_one_quote_and_nothing_else_changes():
    out = io.StringIO(newline="")
    values = HOSTILE + PLAIN + ["'=already quoted", "''@twice", "'", ""]
    write_csv(out, ["text"], ({"text": v} for v in values))
    assert [r["text"] for r in table(out.getvalue())] == [
        *("'" + v for v in HOSTILE),
        *PLAIN,
        "''=already quoted",  # one more, so that stripping one quote gives back what was stored
        "'''@twice",
        "'",
        "",
    ]
    assert all(restore(neutralise(v)) == v for v in values)  # type: ignore[arg-type]


def test_numbers_are_left_alone_text_that_looks_like_a_number_is_not():
    out = io.StringIO(newline="")
    write_csv(
        out,
        ["int", "float", "decimal", "text", "none", "other"],
        [{"int": -3, "float": -0.5, "decimal": Decimal("-2.50"), "text": "-3", "none": None, "other": date(2026, 3, 1),
          "ignored": "=1"}],
    )  # fmt: skip
    assert out.getvalue() == "int,float,decimal,text,none,other\n-3,-0.5,-2.50,'-3,,2026-03-01\n"


def test_an_import_takes_the_quote_off_and_keeps_other_quotes(tmp_path: Path):
    out = io.StringIO(newline="")
    values = ["=1+1", "'=1", "'Twas", "-\u2028line separator\x85next line\x0cform feed", "@x\nsecond line"]
    write_csv(out, ["a", "b"], ({"a": v, "b": str(n)} for n, v in enumerate(values)))
    (tmp_path / "out.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
    rows = read_csv(tmp_path / "out.csv")
    assert [row["a"] for _, row in rows] == values
    assert [line for line, _ in rows] == [2, 3, 4, 5, 7]  # the line each row ends on, as before


# --- the exporters ---------------------------------------------------------------------------------


async def _submit(deps, text: str, **changes: object) -> str:
    """A feedback entry through the real service (the export tests' helper), on 2026-03-01."""
    return await submit_feedback(deps, REP_TORONTO, text, date(2026, 3, 1), **changes)


async def test_feedback_export_neutralises_formulas_and_keeps_every_other_character(deps):
    await load_directory(deps)
    refs = {await _submit(deps, text): feedback.clean_text(text) for text in HOSTILE + PLAIN}
    named = await _submit(deps, "@SUM(A1)", anonymous=False, contact="@maria on Slack")
    async with deps.db.transaction() as session:  # as a row not written through the form would be
        for ref, text in (("RAWTAB", "\t=1"), ("RAWCR", "\r=1"), ("RAWMINUS", "-1+1")):
            session.add(Feedback(ref=ref, received_on=date(2026, 3, 1), voice=Voice.NEWCOMER, topic=Topic.HOUSING,
                                 urgency=Urgency.ROUTINE, province=None, region=None, text=text, anonymous=True))  # fmt: skip
            refs[ref] = text
    out = io.StringIO(newline="")
    await export_feedback(deps, Namespace(since=None), out)
    csv_text = out.getvalue()
    if csv_text.startswith("#"):  # the disclosure note, if it is still the first line (it moves to stderr)
        csv_text = csv_text.partition("\n")[2]
    rows = {r["reference"]: r for r in table(csv_text)}
    assert refs["RAWTAB"] == "\t=1" and rows["RAWTAB"]["text"] == "'\t=1"
    assert rows["RAWCR"]["text"] == "'\r=1"
    for ref, stored in refs.items():
        assert rows[ref]["text"] == safe(stored), stored
    assert [rows[ref]["text"] for ref in refs if refs[ref] in PLAIN] == [t for t in PLAIN if t != " =1 after a space"]
    assert (rows[named]["text"], rows[named]["contact"]) == ("'@SUM(A1)", "'@maria on Slack")
    assert rows[named]["received_on"] == "2026-03-01" and rows[named]["submitted_by"] == REP_TORONTO


async def test_consultation_export_neutralises_answers(deps):
    await load_directory(deps)
    draft = consultations.Draft(
        "Annual",
        parse_questions("What is missing?\nlong: Why?"),
        datetime(2026, 3, 20, tzinfo=UTC),
        Audience.REPS,
        None,
    )
    async with deps.db.transaction() as session:
        started = await consultations.start(
            session, actor=await members.get_member(session, LEAD), draft=draft, now=NOW
        )
    cid = started.info.id
    answers = {REP_TORONTO: (HOSTILE[0], PLAIN[1]), REP_HALIFAX: ("-1+1", "@SUM(A1)"), REP_MONTREAL: ("+1+1", "ok")}
    for user, values in answers.items():
        async with deps.db.transaction() as session:
            actor = await members.get_member(session, user)
            form = await consultations.questionnaire(session, consultation_id=cid, actor=actor, now=NOW)
            raw = {str(q.id): v for q, v in zip(form.questions, values, strict=True)}
            await consultations.respond(session, consultation_id=cid, actor=actor, raw_answers=raw, now=NOW)
    out = io.StringIO(newline="")
    await export_consultation(deps, Namespace(number=cid), out)
    rows = {r["organisation"]: r for r in table(out.getvalue())}
    by_org = {"Toronto South LIP": REP_TORONTO, "Halifax LIP": REP_HALIFAX, "Montréal PLI": REP_MONTREAL}
    for org, user in by_org.items():
        short, long = answers[user]
        assert (rows[org]["Q1. What is missing?"], rows[org]["Q2. Why?"]) == (safe(short), safe(long))
    assert rows["Toronto South LIP"]["Q2. Why?"] == PLAIN[1]


async def test_poll_export_neutralises_options_and_leaves_counts_numeric(deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    options = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-1+1", "@SUM(A1)", 'Apple, "the" one')
    poll = await open_poll(deps, options=options)
    for user, choice in ((REP_TORONTO, 2), (REP_HALIFAX, 2), (REP_MONTREAL, 0)):
        await vote(deps, poll.id, user, [choice])
    build_parser()  # registers the feature exporters
    out = io.StringIO(newline="")
    await EXPORTERS["poll"].run(deps, argparse.Namespace(number=poll.id, ballots=True), out)
    counts, _, ballots = out.getvalue().partition("\n\n")
    rows = table(counts)
    assert [r["option"] for r in rows] == [safe(o) for o in options]
    assert rows[-1]["option"] == 'Apple, "the" one'
    assert [(r["votes"], r["percent"], r["position"]) for r in rows][:3] == [("1", "33.3", "1"), ("0", "0.0", "2"),
                                                                              ("2", "66.7", "3")]  # fmt: skip
    assert sorted(r["choices"] for r in table(ballots)) == ["1", "3", "3"]


RESOURCES = [
    ('=HYPERLINK("http://evil.example","x")', "https://example.org/a", "-1+1"),
    ("+1+1", "https://example.org/b", "@SUM(A1)"),
    ("\t=1", "https://example.org/c", "\r=1"),
    ("Housing toolkit", "https://example.org/d", 'Commas, "quotes" and\nline breaks — é 🏠'),
    ("'Twas a quote", "", "=SUM(A1:A9) in the description"),
]


async def test_resources_export_neutralises_and_imports_back_unchanged(deps, tmp_path: Path):
    await load_directory(deps)
    out = io.StringIO(newline="")
    write_csv(
        out,
        ["title", "url", "description", "tags", "language", "province", "kind"],
        ({"title": t, "url": u, "description": d, "tags": "housing", "language": "en", "province": "ON",
          "kind": "toolkit"} for t, u, d in RESOURCES),
    )  # fmt: skip
    (tmp_path / "in.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
    report = await import_resources(deps, tmp_path / "in.csv", Namespace())
    assert report.startswith("5 rows: 5 resources created"), report

    exported = io.StringIO(newline="")
    await export_resources(deps, Namespace(retired=False), exported)
    rows = table(exported.getvalue())
    stored = [(" ".join(t.split()), d.strip()) for t, _, d in RESOURCES]  # the form's rules: `\t=1` is `=1`
    assert [(r["title"], r["description"]) for r in rows] == [(safe(t), safe(d)) for t, d in stored]
    assert rows[0]["title"] == "'" + RESOURCES[0][0] and rows[2]["description"] == "'=1"
    assert rows[3]["description"] == RESOURCES[3][2] and rows[4]["title"] == "'Twas a quote"
    assert rows[0]["owner"] == ADMIN

    (tmp_path / "exported.csv").write_text(exported.getvalue(), encoding="utf-8", newline="")
    again = await import_resources(deps, tmp_path / "exported.csv", Namespace())
    assert again == "5 rows: 0 resources created, 0 updated, 5 unchanged"
    second = io.StringIO(newline="")
    await export_resources(deps, Namespace(retired=False), second)
    assert second.getvalue() == exported.getvalue()


async def test_members_export_neutralises_names_and_imports_back_unchanged(deps, tmp_path: Path):
    await load_directory(deps, [("@Evil LIP", "LIP", "ON", "UEVIL0001", '=HYPERLINK("http://evil.example","x")',
                                 "staff", ""), ("Toronto South LIP", "LIP", "ON", "UMINUS001", "-Ann", "staff", "")])  # fmt: skip
    out = io.StringIO(newline="")
    await export_members(deps, Namespace(), out)
    rows = {r["slack_user_id"]: r for r in table(out.getvalue())}
    assert (rows["UEVIL0001"]["org"], rows["UEVIL0001"]["name"]) == (
        "'@Evil LIP",
        '\'=HYPERLINK("http://evil.example","x")',
    )
    assert rows["UMINUS001"]["name"] == "'-Ann" and rows[REP_MONTREAL]["name"] == "Émilie Représentante"
    (tmp_path / "members.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
    report = await import_members(deps, tmp_path / "members.csv", Namespace(seat_changes=False))
    assert "0 organisations created, 0 people created, 0 updated" in report
    again = io.StringIO(newline="")
    await export_members(deps, Namespace(), again)
    assert again.getvalue() == out.getvalue()


@pytest.mark.parametrize("value", HOSTILE)
def test_the_rule_is_exactly_one_quote(value: str):
    assert neutralise(value) == "'" + value and restore("'" + value) == value
