"""`nlsbot import resources FILE.csv` and `nlsbot export resources`, as an operator runs them."""

from __future__ import annotations

import csv
import io

from tests.support.cli import BOM, run

MEMBERS = (
    "org,kind,province,slack_user_id,name,roles,term_ends\n"
    "NLS Secretariat LIP,LIP,ON,UADMIN001,Ada Admin,staff;admin,\n"
    "Halifax LIP,LIP,NS,UHAL00001,Hal Rep,rep;staff,\n"
)
RESOURCES = (
    "title,url,description,tags,language,province,kind\n"
    "Housing toolkit for newcomers,https://example.org/housing,Finding rental housing,housing;newcomers,en,ON,toolkit\n"
    "Trousse sur le logement,https://example.org/logement,Trouver un logement,logement;housing,fr,QC,toolkit\n"
    'Contact: research group,,"Write to the research group, via the Secretariat",research,both,,contact\n'
)


def test_import_is_idempotent_and_export_round_trips(tmp_path):
    (tmp_path / "members.csv").write_text(MEMBERS, encoding="utf-8")
    (tmp_path / "resources.csv").write_text(RESOURCES, encoding="utf-8-sig")  # as a spreadsheet saves it
    assert run(["import", "members", "members.csv"], tmp_path).returncode == 0
    first = run(["import", "resources", "resources.csv"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "3 rows: 3 resources created, 0 updated, 0 unchanged" in first.stdout
    again = run(["import", "resources", "resources.csv"], tmp_path)
    assert "0 resources created, 0 updated, 3 unchanged" in again.stdout

    exported = run(["export", "resources"], tmp_path)
    rows = list(csv.DictReader(io.StringIO(exported.stdout.removeprefix(BOM))))
    assert exported.stdout.splitlines()[0] == BOM + "title,url,description,tags,language,province,kind,owner,review_by"
    assert [r["title"] for r in rows] == ["Housing toolkit for newcomers", "Trousse sur le logement",
                                          "Contact: research group"]  # fmt: skip
    assert rows[0]["tags"] == "housing;newcomers" and rows[0]["owner"] == "UADMIN001"
    (tmp_path / "exported.csv").write_text(exported.stdout, encoding="utf-8")
    round_trip = run(["import", "resources", "exported.csv"], tmp_path)
    assert "0 resources created, 0 updated, 3 unchanged" in round_trip.stdout


def test_bad_rows_are_named_by_line_and_nothing_is_imported(tmp_path):
    (tmp_path / "members.csv").write_text(MEMBERS, encoding="utf-8")
    run(["import", "members", "members.csv"], tmp_path)
    (tmp_path / "bad.csv").write_text(
        "title,url,description,tags,language,province,kind\n"
        "Fine,https://example.org/fine,,,en,ON,toolkit\n"
        "Broken link,not-a-link,,,en,ON,toolkit\n"
        "Unknown kind,https://example.org/k,,,en,ON,poem\n",
        encoding="utf-8",
    )
    result = run(["import", "resources", "bad.csv"], tmp_path)
    assert result.returncode == 1
    assert "The file has 2 problems; nothing was imported." in result.stderr
    assert "line 3, column url: That isn't a web address" in result.stderr
    assert "line 4, column kind: “poem” is not a kind of resource — use one of toolkit, guide," in result.stderr
    assert run(["export", "resources"], tmp_path).stdout.strip() == (
        BOM + "title,url,description,tags,language,province,kind,owner,review_by"
    )
