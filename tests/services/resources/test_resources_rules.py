"""The repository's rules without Slack: who may add, edit, retire and confirm; what a valid
resource is; one resource per address; freshness; CSV import and export."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.infra.i18n import Translator
from bot.services import resources
from bot.services.errors import Conflict, ImportFailed, Invalid, NotAllowed
from bot.services.resources import DuplicateResource, FormInvalid
from models import AuditEvent
from models.resources import Resource
from tests.support.directory import ADMIN, LEAD, REP_HALIFAX, REP_TORONTO, STAFF_TORONTO, load_directory
from tests.support.resources import NOW, add, fields, member, titles

EN = Translator("en")


async def count(deps) -> int:
    async with deps.db.reader() as session:
        return await session.scalar(select(func.count()).select_from(Resource))


async def stored(deps, resource_id: int) -> Resource:
    async with deps.db.reader() as session:
        return await session.get(Resource, resource_id)


def test_every_problem_of_a_form_is_named_by_field():
    with pytest.raises(FormInvalid) as invalid:
        resources.validate_input(
            fields("x" * 201, url="javascript:alert(1)", description="d" * 2001, language="de", kind="poem")
        )
    problems = invalid.value.problems
    assert set(problems) == {"title", "url", "description", "language", "kind"}
    assert problems["title"] == ("resources.form.too_long", {"max": 200, "length": 201})
    assert problems["url"][0] == "resources.form.url_invalid"
    assert (
        EN(*problems["description"][:1], **problems["description"][1]) == "That's 2001 characters; the limit is 2000."
    )


@pytest.mark.parametrize(
    "url",
    ["not a url", "ftp://example.org/x", "http://localhost/x", "https://exa mple.org", "https://x.org/<!channel>",
     "https://user@example.org/", "https://example.org:99999/", "//example.org", "https://example.org/a|b"],
)  # fmt: skip
def test_only_real_web_addresses_are_accepted(url):
    with pytest.raises(FormInvalid) as invalid:
        resources.validate_input(fields("A title", url=url))
    assert invalid.value.problems["url"][0] == "resources.form.url_invalid"


def test_addresses_are_tidied_and_compared_as_a_person_would():
    data = resources.validate_input(
        fields("T", url=" www.Example.org/Guide/ ", tags="Housing; Language Training;housing")
    )
    assert data.url == "https://www.example.org/Guide/"
    assert data.tags == ("housing", "language-training")
    same = ["http://example.org/Guide", "https://WWW.example.org/Guide/", "https://example.org/Guide#part-2"]
    assert {resources.url_key(u) for u in same} == {resources.url_key(data.url)}
    assert resources.url_key("https://example.org/guide") != resources.url_key(data.url)  # paths are case-sensitive


def test_a_resource_needs_a_link_or_a_description():
    with pytest.raises(FormInvalid) as invalid:
        resources.validate_input(fields("Contact: research group"))
    assert invalid.value.problems == {"url": ("resources.form.url_or_description", {})}
    assert resources.validate_input(fields("Contact: research group", description="Write to the group")).url is None


async def test_members_add_resources_owned_by_them_and_due_for_review_in_a_year(deps):
    await load_directory(deps)
    added = await add(deps, REP_TORONTO, title="Housing toolkit", url="https://example.org/h", tags="housing")
    assert (added.owner_id, added.added_by) == (REP_TORONTO, REP_TORONTO)
    assert added.review_by == NOW.date() + timedelta(days=365)
    async with deps.db.reader() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "resource.add")) == 1  # fmt: skip


async def test_strangers_cannot_add(deps):
    await load_directory(deps)
    async with deps.db.transaction() as session:
        with pytest.raises(NotAllowed):
            await resources.add_resource(session, actor=None, data=resources.validate_input(
                fields("T", url="https://example.org/t")), now=NOW)  # fmt: skip
    assert await count(deps) == 0


async def test_the_same_address_twice_is_refused_naming_the_resource_already_there(deps):
    await load_directory(deps)
    first = await add(deps, REP_TORONTO, title="Housing toolkit", url="https://example.org/housing/")
    with pytest.raises(DuplicateResource) as refused:
        await add(deps, STAFF_TORONTO, title="Another name", url="http://www.EXAMPLE.org/housing")
    assert refused.value.field == "url"
    assert refused.value.params["title"] == "Housing toolkit"
    assert refused.value.params["url"] == first.url
    assert await count(deps) == 1


async def test_owners_leads_and_admins_edit_others_cannot_and_nothing_changes(deps):
    await load_directory(deps)
    added = await add(deps, REP_TORONTO, title="Housing toolkit", url="https://example.org/h")
    new = resources.validate_input(fields("Housing toolkit 2026", url="https://example.org/h"))
    for outsider in (STAFF_TORONTO, REP_HALIFAX, None):
        actor = await member(deps, outsider) if outsider else None
        async with deps.db.transaction() as session:
            for action in (
                resources.edit_resource(session, actor=actor, resource_id=added.id, data=new, now=NOW),
                resources.retire_resource(session, actor=actor, resource_id=added.id, now=NOW),
                resources.confirm_current(session, actor=actor, resource_id=added.id, now=NOW),
            ):
                with pytest.raises(NotAllowed):
                    await action
    unchanged = await stored(deps, added.id)
    assert (unchanged.title, unchanged.retired, unchanged.review_by) == ("Housing toolkit", False, added.review_by)
    for editor in (REP_TORONTO, LEAD, ADMIN):
        async with deps.db.transaction() as session:
            await resources.edit_resource(session, actor=await member(deps, editor), resource_id=added.id,
                                          data=new, now=NOW)  # fmt: skip
    assert (await stored(deps, added.id)).title == "Housing toolkit 2026"


async def test_an_edit_may_hand_the_resource_to_another_member_only(deps):
    await load_directory(deps)
    added = await add(deps, REP_TORONTO, title="Housing toolkit", url="https://example.org/h")
    data = resources.validate_input(fields("Housing toolkit", url="https://example.org/h"))
    async with deps.db.transaction() as session:
        with pytest.raises(Invalid) as refused:
            await resources.edit_resource(session, actor=await member(deps, REP_TORONTO), resource_id=added.id,
                                          data=data, now=NOW, owner_id="UNOBODY01")  # fmt: skip
    assert refused.value.field == "owner"
    async with deps.db.transaction() as session:
        await resources.edit_resource(session, actor=await member(deps, REP_TORONTO), resource_id=added.id,
                                      data=data, now=NOW, owner_id=STAFF_TORONTO)  # fmt: skip
    assert (await stored(deps, added.id)).owner_id == STAFF_TORONTO


async def test_retiring_twice_is_refused_and_the_address_stays_taken(deps):
    await load_directory(deps)
    added = await add(deps, REP_TORONTO, title="Old guide", url="https://example.org/old")
    async with deps.db.transaction() as session:
        await resources.retire_resource(session, actor=await member(deps, REP_TORONTO), resource_id=added.id, now=NOW)
    async with deps.db.transaction() as session:
        with pytest.raises(Conflict):
            await resources.retire_resource(session, actor=await member(deps, LEAD), resource_id=added.id, now=NOW)
    with pytest.raises(DuplicateResource) as refused:
        await add(deps, LEAD, title="New guide", url="https://example.org/old")
    assert refused.value.params["state"] == "retired"
    assert await titles(deps, "guide") == []


async def test_still_current_moves_the_review_a_year_on(deps, clock):
    await load_directory(deps)
    added = await add(deps, REP_TORONTO, title="Guide", url="https://example.org/g")
    later = NOW + timedelta(days=300)
    async with deps.db.transaction() as session:
        confirmed = await resources.confirm_current(session, actor=await member(deps, REP_TORONTO),
                                                    resource_id=added.id, now=later)  # fmt: skip
    assert confirmed.review_by == later.date() + timedelta(days=365)


async def test_due_for_review_groups_live_resources_by_owner(deps):
    await load_directory(deps)
    early = await add(deps, REP_TORONTO, now=NOW - timedelta(days=400), title="Old A", url="https://example.org/a")
    await add(deps, REP_TORONTO, title="Fresh", url="https://example.org/f")
    other = await add(deps, LEAD, now=NOW - timedelta(days=340), title="Old B", url="https://example.org/b")
    async with deps.db.reader() as session:
        due = await resources.due_for_review(session, until=NOW.date() + timedelta(days=31))
    assert {owner: [r.id for r in items] for owner, items in due.items()} == {
        REP_TORONTO: [early.id],
        LEAD: [other.id],
    }


async def test_the_digest_counts_new_and_stale_resources(deps):
    await load_directory(deps)
    await add(deps, REP_TORONTO, now=NOW - timedelta(days=400), title="Stale", url="https://example.org/s")
    await add(deps, REP_TORONTO, title="New", url="https://example.org/n")
    async with deps.db.reader() as session:
        section = await resources.digest(session, NOW - timedelta(days=7), NOW)
    assert section is not None
    assert [(f.key, f.params["count"]) for f in section.headline] == [
        ("resources.digest.new", 1),
        ("resources.digest.stale", 1),
    ]


# --- import / export ----------------------------------------------------------------------------

HEADER = ("title", "url", "description", "tags", "language", "province", "kind")


def rows(*lines: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    return [(n, dict(zip(HEADER, line, strict=True))) for n, line in enumerate(lines, start=2)]


GOOD = rows(
    ("Housing toolkit", "https://example.org/h", "Finding housing", "housing;newcomers", "en", "ON", "toolkit"),
    ("Trousse logement", "https://example.org/t", "Trouver un logement", "logement", "fr", "QC", "toolkit"),
    ("Research contact", "", "Write to the research group", "research", "both", "", "contact"),
)


async def import_rows(deps, lines) -> resources.ImportReport:
    async with deps.db.transaction() as session:
        return await resources.import_resources(session, lines, now=NOW, explain=EN)


async def test_import_is_idempotent_by_address_and_owned_by_an_admin(deps):
    await load_directory(deps)
    first = await import_rows(deps, GOOD)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    again = await import_rows(deps, GOOD)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = rows(("Housing toolkit (2026)", "http://example.org/h/", "Finding housing", "housing", "en", "ON",
                    "toolkit"))  # fmt: skip
    assert (await import_rows(deps, changed)).updated == 1
    assert await count(deps) == 3
    assert await titles(deps, "housing") == ["Housing toolkit (2026)"]
    async with deps.db.reader() as session:
        exported = await resources.export_resources(session)
    assert {row["owner"] for row in exported} == {ADMIN}
    assert exported[0]["tags"] == "housing"


async def test_bad_rows_are_named_by_line_and_nothing_is_imported(deps):
    await load_directory(deps)
    bad = rows(
        ("Good one", "https://example.org/ok", "", "", "en", "ON", "toolkit"),
        ("", "https://example.org/no-title", "", "", "en", "", "report"),
        ("Bad link", "example", "", "", "en", "", "report"),
        ("Bad province", "https://example.org/p", "", "", "en", "XX", "report"),
        ("Twice", "https://example.org/ok/", "", "", "en", "", "report"),
    )
    with pytest.raises(ImportFailed) as failed:
        await import_rows(deps, bad)
    assert [(e.line, e.column, e.key) for e in failed.value.errors] == [
        (3, "title", "resources.form.title_required"),
        (4, "url", "resources.form.url_invalid"),
        (5, "province", "imports.resources.province"),
        (6, "url", "imports.resources.same_resource"),
    ]
    assert failed.value.errors[2].params["value"] == "XX" and failed.value.errors[3].params["other"] == 2
    assert await count(deps) == 0


async def test_export_then_import_changes_nothing(deps):
    await load_directory(deps)
    await import_rows(deps, GOOD)
    async with deps.db.reader() as session:
        exported = await resources.export_resources(session)
    report = await import_rows(deps, list(enumerate(exported, start=2)))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


async def test_an_import_naming_an_unknown_owner_is_refused(deps):
    await load_directory(deps)
    line = {**GOOD[0][1], "owner": "UNOBODY01", "review_by": "2027-01-01"}
    with pytest.raises(ImportFailed) as failed:
        await import_rows(deps, [(2, line)])
    assert (failed.value.errors[0].key, failed.value.errors[0].params) == (
        "imports.resources.owner_unknown",
        {"value": "UNOBODY01"},
    )
    line = {**line, "owner": REP_TORONTO}
    await import_rows(deps, [(2, line)])
    async with deps.db.reader() as session:
        [row] = await resources.export_resources(session)
    assert (row["owner"], row["review_by"]) == (REP_TORONTO, date(2027, 1, 1).isoformat())
