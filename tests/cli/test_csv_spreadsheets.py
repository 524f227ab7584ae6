"""CSV as people's spreadsheets write it and read it, through the real `nlsbot` on both databases:
French Excel's semicolons and BOM, tab-separated "Unicode Text", every problem of every row by
line and column in the operator's language, a file in another encoding refused in one line, and
exports that Excel opens with their accents, in English and in French."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest

from tests.support.cli import BOM, run

HEADER = ["org", "kind", "province", "slack_user_id", "name", "roles", "term_ends"]
MONTREAL = ["Montréal PLI", "LIP", "QC", "UMTL00001", "Émilie Représentante", "rep;staff", ""]
HALIFAX = ["Halifax LIP", "LIP", "NS", "UHAL00001", "Hal Rep", "rep;staff;exec", "2027-03-31"]


def spreadsheet_csv(rows: list[list[str]], *, delimiter: str) -> str:
    """The text a spreadsheet saves: every line ending in `\\r\\n`, a cell quoted when it holds
    the separator (the roles `rep;staff` in a file separated by `;`)."""
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def nlsbot(database_url: str, tmp_path: Path, *args: str, locale: str = "en", binary: bool = False):
    return run(list(args), tmp_path, env={"DATABASE_URL": database_url, "NLS_LOCALE": locale}, binary=binary)


def exported_members(database_url: str, tmp_path: Path) -> list[dict[str, str]]:
    stdout = nlsbot(database_url, tmp_path, "export", "members", "--no-bom").stdout
    return list(csv.DictReader(io.StringIO(stdout, newline="")))


def test_a_semicolon_file_with_a_bom_as_french_excel_saves_it_imports(database_url, tmp_path):
    text = spreadsheet_csv([HEADER, MONTREAL, HALIFAX], delimiter=";")
    assert '"rep;staff"' in text  # as French Excel quotes it
    (tmp_path / "membres.csv").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    result = nlsbot(database_url, tmp_path, "import", "members", "membres.csv", locale="fr")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2 rows: 2 organisations created, 2 people created, 0 updated\n"
    by_user = {row["slack_user_id"]: row for row in exported_members(database_url, tmp_path)}
    assert (by_user["UMTL00001"]["org"], by_user["UMTL00001"]["name"]) == ("Montréal PLI", "Émilie Représentante")
    assert (by_user["UMTL00001"]["roles"], by_user["UHAL00001"]["roles"]) == ("rep;staff", "exec;rep;staff")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])  # utf-16: Excel's "Unicode Text", with its BOM
def test_a_tab_separated_file_imports(database_url, tmp_path, encoding):
    text = spreadsheet_csv([HEADER, MONTREAL, HALIFAX], delimiter="\t")
    (tmp_path / "members.txt").write_bytes(text.encode(encoding))
    result = nlsbot(database_url, tmp_path, "import", "members", "members.txt")
    assert result.returncode == 0, result.stderr
    assert "2 people created" in result.stdout
    assert {row["name"] for row in exported_members(database_url, tmp_path)} == {"Émilie Représentante", "Hal Rep"}


def refused_members(database_url: str, tmp_path: Path, name: str, *, locale: str = "en") -> list[str]:
    """The lines of `nlsbot import members NAME` refusing the file, each ending in a newline,
    having applied none of it (its good lines neither)."""
    result = nlsbot(database_url, tmp_path, "import", "members", name, locale=locale)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.endswith("\n")
    assert exported_members(database_url, tmp_path) == []
    return result.stderr.splitlines()


def test_a_row_with_four_problems_reports_all_four_with_line_and_column(database_url, tmp_path):
    bad = ["Nowhere LIP", "LIQ", "ZZ", "UNEW00001", "New", "staff;boss", "31/12/2026"]
    (tmp_path / "members.csv").write_text(spreadsheet_csv([HEADER, MONTREAL, bad], delimiter=","), encoding="utf-8")
    assert refused_members(database_url, tmp_path, "members.csv") == [
        "nlsbot: The file has 4 problems; nothing was imported.",
        "  line 3, column kind: “LIQ” is not a kind of organisation — use LIP / ZIP",
        "  line 3, column province: “ZZ” is not a province or territory code — use one of "
        "NL, NS, NB, PE, QC, ON, MB, SK, AB, BC, YT, NT, NU",
        "  line 3, column roles: “boss” is not a role — use rep, staff, lead, exec, ex-officio, nominations, admin, "
        "separated by ;",
        "  line 3, column term_ends: “31/12/2026” is not a date written as the file needs — write year-month-day, "
        "like 2027-03-31",
    ]


def test_two_bad_rows_are_both_reported_in_french_and_nothing_is_applied(database_url, tmp_path):
    rows = [HEADER, MONTREAL, ["Halifax LIP", "LIP", "NS", "UHAL00001", "", "staff", ""], [*HALIFAX[:3], "U1", "Hal"]]
    (tmp_path / "membres.csv").write_bytes(codecs.BOM_UTF8 + spreadsheet_csv(rows, delimiter=";").encode("utf-8"))
    assert refused_members(database_url, tmp_path, "membres.csv", locale="fr") == [
        "nlsbot: Le fichier comporte 2 problèmes; rien n'a été importé.",
        "  ligne 3, colonne name : est vide — indiquez le nom de la personne",
        "  ligne 4, colonne slack_user_id : « U1 » n'est pas un identifiant de membre Slack — copiez-le depuis le "
        "profil Slack de la personne (⋮, Copier l'identifiant de membre); il ressemble à U012AB3CD",
    ]


def test_every_problem_of_a_resource_row_is_told_by_column(database_url, tmp_path):
    (tmp_path / "members.csv").write_text(spreadsheet_csv([HEADER, HALIFAX], delimiter=","), encoding="utf-8")
    assert nlsbot(database_url, tmp_path, "import", "members", "members.csv").returncode == 0
    columns = ["title", "url", "description", "tags", "language", "province", "kind", "review_by"]
    rows = [columns, ["Guide", "https://example.org/g", "", "", "de", "Ontario", "poem", "next year"]]
    (tmp_path / "resources.csv").write_text(spreadsheet_csv(rows, delimiter="\t"), encoding="utf-8")
    result = nlsbot(database_url, tmp_path, "import", "resources", "resources.csv")
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [
        "nlsbot",
        "  line 2, column language",
        "  line 2, column province",
        "  line 2, column kind",
        "  line 2, column review_by",
    ]
    assert "“poem” is not a kind of resource — use one of toolkit, guide, report," in result.stderr
    assert "“next year” is not a date written as the file needs" in result.stderr


@pytest.mark.parametrize(
    ("what", "name", "content"),
    [("members", "members.csv", ",".join(HEADER) + "\nMontr\xe9al PLI,LIP,QC,UMTL00001,\xc9milie,rep,\n"),
     ("plan", "plan.yml", "directions:\n  - number: 1\n    title_fr: Int\xe9gration\n")],
    ids=["members", "plan"],
)  # fmt: skip
def test_a_file_in_latin_1_is_one_line_naming_it_and_what_to_do(database_url, tmp_path, what, name, content):
    (tmp_path / name).write_bytes(content.encode("latin-1"))
    result = nlsbot(database_url, tmp_path, "import", what, name)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(
        f"nlsbot: {name} is not saved as UTF-8 text (the first character that cannot be read is on line "
    )
    assert "Save it again as UTF-8" in line and result.stderr.endswith("\n")
    assert ("CSV UTF-8" in line) is (what == "members")
    french = nlsbot(database_url, tmp_path, "import", what, name, locale="fr")
    assert french.stderr.startswith(f"nlsbot: {name} n'est pas enregistré en texte UTF-8") and french.returncode == 1
    assert exported_members(database_url, tmp_path) == []


@pytest.mark.parametrize(("locale", "delimiter"), [("en", b","), ("fr", b";")])
def test_an_export_opens_in_excel_with_its_accents_and_imports_back(database_url, tmp_path, locale, delimiter):
    (tmp_path / "members.csv").write_text(spreadsheet_csv([HEADER, MONTREAL, HALIFAX], delimiter=","), encoding="utf-8")
    assert nlsbot(database_url, tmp_path, "import", "members", "members.csv").returncode == 0

    default = nlsbot(database_url, tmp_path, "export", "members", locale=locale, binary=True)
    assert default.returncode == 0 and default.stdout.startswith(codecs.BOM_UTF8 + b"org,kind,province,")
    excel = nlsbot(database_url, tmp_path, "export", "members", "--excel", locale=locale, binary=True)
    assert excel.stdout.startswith(codecs.BOM_UTF8 + delimiter.join([b"org", b"kind", b"province"]))
    # Excel reads a file with that mark as UTF-8: every accent as it was stored
    lines = excel.stdout.decode("utf-8-sig").splitlines()
    montreal = delimiter.decode().join(["Montréal PLI", "LIP", "QC", "UMTL00001", "Émilie Représentante"])
    assert any(line.startswith(montreal) for line in lines), lines
    assert "Montréal".encode() in excel.stdout and "Montréal".encode("cp1252") not in excel.stdout

    (tmp_path / "exported.csv").write_bytes(excel.stdout)  # as saved, and imported back unchanged
    again = nlsbot(database_url, tmp_path, "import", "members", "exported.csv", locale=locale)
    assert again.stdout == "2 rows: 0 organisations created, 0 people created, 0 updated\n", again.stderr
    assert nlsbot(database_url, tmp_path, "export", "members", "--excel", locale=locale, binary=True).stdout == (
        excel.stdout
    )
    plain = nlsbot(database_url, tmp_path, "export", "members", "--no-bom", binary=True)
    assert plain.stdout == default.stdout.removeprefix(codecs.BOM_UTF8)  # for a program that keeps a BOM


def test_a_refused_export_writes_nothing_to_standard_output_not_even_the_bom(database_url, tmp_path):
    result = nlsbot(database_url, tmp_path, "export", "consultation", "7", binary=True)
    assert result.returncode == 1 and result.stdout == b""
    assert "There is no consultation #7" in result.stderr.decode() and result.stderr.endswith(b"\n")


def test_an_export_option_outside_en_and_fr_is_one_line(database_url, tmp_path):
    result = nlsbot(database_url, tmp_path, "export", "members", "--excel", "de")
    assert result.returncode == 2 and "--excel: use en or fr, not 'de'" in result.stderr
    assert result.stderr.endswith("\n")
    assert BOM not in result.stdout
