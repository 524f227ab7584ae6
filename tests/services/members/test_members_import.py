"""`nlsbot import members`: upserts in place, all or nothing, bad rows named by line."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.services import members
from bot.services.errors import ImportFailed
from models import Organisation, Person, Role, RoleGrant
from tests.support.directory import REP_TORONTO, STAFF_TORONTO, load_directory, rows

TODAY = date(2026, 1, 15)


async def _counts(deps) -> tuple[int, int, int]:
    async with deps.db.reader() as s:
        return tuple(
            [
                (await s.execute(select(func.count()).select_from(m))).scalar_one()
                for m in (Organisation, Person, RoleGrant)
            ]
        )


async def test_reimport_updates_in_place_and_never_duplicates(deps):
    await load_directory(deps)
    first = await _counts(deps)
    await load_directory(deps)
    assert await _counts(deps) == first
    async with deps.db.reader() as s:
        rita = await members.get_member(s, REP_TORONTO)
    assert rita.is_rep and rita.org.name == "Toronto South LIP" and rita.org.region == "ontario"


async def test_the_file_is_authoritative_for_the_roles_it_lists_and_can_move_the_vote(deps):
    await load_directory(deps)
    moved = [r for r in rows() if r[1]["slack_user_id"] in (REP_TORONTO, STAFF_TORONTO)]
    moved[0][1]["roles"], moved[1][1]["roles"] = "staff", "rep;staff"
    async with deps.db.transaction() as s:
        await members.import_members(s, moved, today=TODAY)
    async with deps.db.reader() as s:
        assert not (await members.get_member(s, REP_TORONTO)).is_rep
        assert (await members.get_member(s, STAFF_TORONTO)).is_rep


async def test_bad_rows_are_named_by_line_and_nothing_is_applied(deps):
    bad = rows(
        [
            ("Nowhere LIP", "LIP", "ZZ", "UBAD00001", "Bad Province", "staff", ""),
            ("Other LIP", "LIP", "ON", "not-an-id", "Bad Id", "staff", ""),
            ("Other LIP", "LIP", "ON", "UBAD00003", "Bad Role", "staff;boss", ""),
            ("Other LIP", "LIP", "ON", "UBAD00004", "Bad Date", "staff", "31/12/2026"),
            ("Toronto South LIP", "LIP", "ON", "UBAD00005", "Second Rep", "rep", ""),
            ("Other LIP", "LIP", "ON", "UBAD00006", "Exec No Term", "exec", ""),
        ]
    )
    with pytest.raises(ImportFailed) as failure:
        async with deps.db.transaction() as s:
            await members.import_members(s, bad, today=TODAY)
    first_bad = len(rows()) + 2
    assert [(e.line - first_bad, e.column, e.key, e.params.get("value")) for e in failure.value.errors] == [
        (0, "province", "imports.members.province", "ZZ"),
        (1, "slack_user_id", "imports.members.slack_user_id", "not-an-id"),
        (2, "roles", "imports.members.roles", "boss"),
        (3, "term_ends", "imports.date", "31/12/2026"),
        (4, "roles", "imports.members.second_rep", None),
        (5, "term_ends", "imports.members.exec_needs_term", None),
    ]
    assert await _counts(deps) == (0, 0, 0)


async def test_a_vote_held_by_someone_outside_the_file_is_not_silently_reassigned(deps):
    await load_directory(deps)
    takeover = [(2, {"org": "Toronto South LIP", "kind": "LIP", "province": "ON", "slack_user_id": "UNEWREP01",
                     "name": "New Rep", "roles": "rep;staff", "term_ends": ""})]  # fmt: skip
    with pytest.raises(ImportFailed) as failure:
        async with deps.db.transaction() as s:
            await members.import_members(s, takeover, today=TODAY)
    [error] = failure.value.errors
    assert (error.key, error.column, error.params["holder"]) == (
        "imports.members.held_outside_file",
        "roles",
        "Rita Rep",
    )


async def test_one_rep_per_organisation_is_a_database_rule(deps):
    await load_directory(deps)
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        async with deps.db.transaction() as s:
            staff = (await s.execute(select(Person).where(Person.slack_user_id == STAFF_TORONTO))).scalar_one()
            s.add(RoleGrant(person_id=staff.id, role=Role.REP, organisation_id=staff.organisation_id))


async def test_export_round_trips_the_import_format(deps):
    await load_directory(deps)
    async with deps.db.reader() as s:
        exported = await members.export_members(s)
    assert list(exported[0]) == list(members.CSV_COLUMNS)
    halifax = next(r for r in exported if r["org"] == "Halifax LIP")
    assert halifax["roles"] == "exec;rep;staff" and halifax["term_ends"] == "2027-03-31"
    before = await _counts(deps)
    async with deps.db.transaction() as s:
        await members.import_members(s, list(enumerate(exported, start=2)), today=TODAY)
    assert await _counts(deps) == before


async def test_an_import_does_not_silently_end_or_re_term_an_executive_seat(deps):
    from models import AuditEvent
    from tests.support.directory import REP_HALIFAX

    await load_directory(deps)
    halifax = [r for r in rows() if r[1]["slack_user_id"] == REP_HALIFAX]
    ended = [(line, {**row, "roles": "rep;staff", "term_ends": ""}) for line, row in halifax]
    retermed = [(line, {**row, "term_ends": "2030-03-31"}) for line, row in halifax]
    for bad, expected in (
        (ended, ("roles", "imports.members.seat_ended", None)),
        (retermed, ("term_ends", "imports.members.seat_retermed", "2030-03-31")),
    ):
        with pytest.raises(ImportFailed) as failure:
            async with deps.db.transaction() as s:
                await members.import_members(s, bad, today=TODAY)
        [error] = failure.value.errors
        assert (error.column, error.key, error.params.get("new_end")) == expected
    async with deps.db.reader() as s:
        assert (await members.get_member(s, REP_HALIFAX)).term_end == date(2027, 3, 31)

    async with deps.db.transaction() as s:
        await members.import_members(s, retermed, today=TODAY, allow_seat_changes=True)
    async with deps.db.reader() as s:
        assert (await members.get_member(s, REP_HALIFAX)).term_end == date(2030, 3, 31)
        events = (await s.execute(select(AuditEvent).where(AuditEvent.action == "seat.changed_by_import"))).scalars()
        assert [e.details["term_end_to"] for e in events] == ["2030-03-31"]
