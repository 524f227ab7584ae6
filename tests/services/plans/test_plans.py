"""Action plans in the domain layer: the strategic plan as data, who may change an item, what bad
input gets, progress by direction, and the plan's contributions to the digest and the Home."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from bot.infra.i18n import Translator
from bot.services import members, plans
from bot.services.contributions import HomeAction, collect_digest, collect_lead_stats, collect_needs_you
from bot.services.errors import Conflict, Invalid, NotAllowed
from bot.services.plans import PlanField
from models.plans import ActionItem, ActionItemNote, ActionItemOwner, ItemStatus, PlanDirection, PlanObjective
from tests.support.directory import ADMIN, LEAD, REP_HALIFAX, REP_TORONTO, STAFF_TORONTO, STRANGER, load_directory
from tests.support.plans import action, add_actions, load_plan, plan_document

NOW = datetime(2026, 3, 2, 15, tzinfo=UTC)


async def _counts(deps) -> list[int]:
    async with deps.db.reader() as s:
        return [
            (await s.execute(select(func.count()).select_from(model))).scalar_one()
            for model in (PlanDirection, PlanObjective, ActionItem, ActionItemOwner)
        ]


async def _member(deps, user: str):
    async with deps.db.reader() as s:
        return await members.get_member(s, user)


async def _setup(deps) -> dict[str, int]:
    await load_directory(deps)
    await load_plan(deps)
    return await add_actions(
        deps,
        [
            action("a1", [REP_TORONTO], date(2026, 3, 10), title="Network call <!channel>"),
            action("a2", [REP_TORONTO, STAFF_TORONTO], date(2026, 2, 20), objective="2.1", status="blocked"),
            action("a3", [REP_HALIFAX], date(2026, 6, 1), objective="4.2", status="done"),
        ],
    )


# --- the strategic plan as data -------------------------------------------------------------------


async def test_the_bundled_plan_has_four_directions_and_all_fifteen_objectives_in_both_languages(deps):
    report = await load_plan(deps)
    assert (report.directions.created, report.objectives.created) == (4, 15)
    async with deps.db.reader() as s:
        found = await plans.directions(s)
    assert [len(d.objectives) for d in found] == [4, 4, 3, 4]
    assert found[1].title.en == "Stakeholder Engagement and Communication"
    assert found[1].title.fr == "Mobilisation des parties prenantes et communication"
    assert found[0].title.in_("fr").startswith("Développement organisationnel")
    assert all(o.text.en and o.text.fr and o.text.en != o.text.fr for d in found for o in d.objectives)
    assert "antiraciste" in found[3].objectives[3].text.fr


async def test_importing_the_same_plan_twice_changes_nothing(deps):
    await load_directory(deps)
    document = {**plan_document(), "actions": [action("x1", [REP_TORONTO], date(2026, 4, 1))]}
    async with deps.db.transaction() as s:
        first = await plans.import_plan(s, document, now=NOW)
    counts = await _counts(deps)
    async with deps.db.transaction() as s:
        second = await plans.import_plan(s, document, now=NOW)
    assert counts == [4, 15, 1, 1] == await _counts(deps)
    assert str(first).endswith("action items 1 new, 0 updated")
    assert str(second) == (
        "strategic plan 2022-2025: directions 0 new, 0 updated; objectives 0 new, 0 updated; action items 0 new, 0 updated"
    )


async def test_reimport_updates_definitions_and_owners_but_keeps_progress(deps):
    ids_by_ref = await _setup(deps)
    async with deps.db.transaction() as s:
        await plans.update_item(
            s, actor=await _member(deps, REP_TORONTO), item_id=ids_by_ref["a1"],
            update=plans.ItemUpdate(ItemStatus.IN_PROGRESS, 40, None), now=NOW,
        )  # fmt: skip
    moved = action("a1", [REP_HALIFAX], date(2026, 3, 20), title="Network call, renamed", percent=0)
    await add_actions(deps, [moved])
    async with deps.db.reader() as s:
        item = plans.to_item(await s.get(ActionItem, ids_by_ref["a1"], options=plans.ITEM_LOAD))
    assert (item.title, item.due, [o.slack_user_id for o in item.owners]) == (
        "Network call, renamed", date(2026, 3, 20), [REP_HALIFAX],
    )  # fmt: skip
    assert (item.status, item.percent) == (ItemStatus.IN_PROGRESS, 40)


async def test_a_bad_plan_file_names_each_problem_and_applies_nothing(deps):
    await load_directory(deps)
    lines = {("actions", 0, "due"): 7, ("actions", 1, "owners"): 12, ("actions", 2): 15}
    document = {
        **plan_document(),
        "actions": [
            action("b1", [REP_TORONTO], date(2026, 1, 1), start=date(2026, 2, 1)),
            action("b2", ["UNOBODY01"], date(2026, 3, 1)),
            action("b3", [REP_TORONTO], date(2026, 3, 1), objective="9.9", percent=150),
        ],
    }
    with pytest.raises(plans.PlanImportFailed) as failed:
        async with deps.db.transaction() as s:
            await plans.import_plan(
                s, document, now=NOW, locate=lambda path: lines.get(path[:3], lines.get(path[:2], 1))
            )
    assert [e.message for e in failed.value.errors] == ["actions.2.percent: Input should be less than or equal to 100"]
    document["actions"][2]["percent"] = 10
    with pytest.raises(plans.PlanImportFailed) as failed:
        async with deps.db.transaction() as s:
            await plans.import_plan(
                s, document, now=NOW, locate=lambda path: lines.get(path[:3], lines.get(path[:2], 1))
            )
    assert [(e.line, e.message) for e in failed.value.errors] == [
        (7, "actions.0.due: 2026-01-01 is before start"),
        (12, "actions.1.owners: UNOBODY01 not in the member directory"),
        (15, "actions.2.objective: no objective 9.9"),
    ]
    assert await _counts(deps) == [0, 0, 0, 0]


async def test_duplicate_refs_and_numbers_are_refused(deps):
    document = plan_document()
    document["directions"].append(document["directions"][0])
    document["actions"] = [action("d", [REP_TORONTO], date(2026, 3, 1))] * 2
    with pytest.raises(plans.PlanImportFailed) as failed:
        async with deps.db.transaction() as s:
            await plans.import_plan(s, document, now=NOW)
    messages = {e.message for e in failed.value.errors}
    assert {"direction 1 appears twice", "action item ref 'd' appears twice"} <= messages


# --- who may change an item --------------------------------------------------------------------------


@pytest.mark.parametrize("user", [REP_TORONTO, LEAD, ADMIN])
async def test_owners_leads_and_admins_may_update_and_each_update_is_logged(deps, user):
    ids_by_ref = await _setup(deps)
    async with deps.db.transaction() as s:
        item = await plans.update_item(
            s, actor=await _member(deps, user), item_id=ids_by_ref["a1"],
            update=plans.parse_update(status="in_progress", percent="35", note="  kicked off  "), now=NOW,
        )  # fmt: skip
    assert (item.status, item.percent) == (ItemStatus.IN_PROGRESS, 35)
    async with deps.db.reader() as s:
        [note] = (await s.execute(select(ActionItemNote))).scalars()
    assert (note.author, note.text, note.percent, note.at) == (user, "kicked off", 35, NOW)


@pytest.mark.parametrize("user", [REP_HALIFAX, STRANGER])
async def test_anyone_else_gets_a_clear_no(deps, user):
    ids_by_ref = await _setup(deps)
    actor = await _member(deps, user)
    async with deps.db.transaction() as s:
        with pytest.raises(NotAllowed) as refused:
            await plans.item_for_update(s, actor=actor, item_id=ids_by_ref["a1"])
        with pytest.raises(NotAllowed):
            await plans.update_item(
                s, actor=actor, item_id=ids_by_ref["a1"], update=plans.ItemUpdate(ItemStatus.DONE, 100, None), now=NOW
            )
    message = Translator("en")(refused.value.key, **refused.value.params)
    assert message == "Only this item's owners, NLS leads and administrators can update it."


async def test_done_means_a_hundred_percent_and_only_leads_drop(deps):
    ids_by_ref = await _setup(deps)
    owner, lead = await _member(deps, REP_TORONTO), await _member(deps, LEAD)
    async with deps.db.transaction() as s:
        done = await plans.update_item(
            s, actor=owner, item_id=ids_by_ref["a1"], update=plans.ItemUpdate(ItemStatus.DONE, 20, None), now=NOW
        )
        with pytest.raises(NotAllowed) as refused:
            await plans.update_item(
                s, actor=owner, item_id=ids_by_ref["a2"], update=plans.ItemUpdate(ItemStatus.DROPPED, 0, None), now=NOW
            )
        await plans.update_item(
            s, actor=lead, item_id=ids_by_ref["a2"], update=plans.ItemUpdate(ItemStatus.DROPPED, 0, None), now=NOW
        )
    assert done.percent == 100
    assert refused.value.field == PlanField.STATUS


async def test_a_dropped_item_is_closed_for_everyone(deps):
    ids_by_ref = await _setup(deps)
    lead = await _member(deps, LEAD)
    async with deps.db.transaction() as s:
        await plans.update_item(
            s, actor=lead, item_id=ids_by_ref["a2"], update=plans.ItemUpdate(ItemStatus.DROPPED, 0, None), now=NOW
        )
    for user in (LEAD, REP_TORONTO):
        async with deps.db.transaction() as s:
            with pytest.raises(Conflict) as closed:
                await plans.update_item(
                    s, actor=await _member(deps, user), item_id=ids_by_ref["a2"],
                    update=plans.ItemUpdate(ItemStatus.IN_PROGRESS, 10, None), now=NOW,
                )  # fmt: skip
        assert closed.value.key == "plans.errors.dropped" and closed.value.field == PlanField.STATUS


@pytest.mark.parametrize(
    ("percent", "note", "key", "field"),
    [
        ("-1", None, "plans.errors.percent_range", PlanField.PERCENT),
        ("101", None, "plans.errors.percent_range", PlanField.PERCENT),
        ("forty", None, "plans.errors.percent_number", PlanField.PERCENT),
        ("", None, "plans.errors.percent_number", PlanField.PERCENT),
        ("50", "x" * 5000, "plans.errors.note_too_long", PlanField.NOTE),
    ],
)
def test_bad_update_input_names_its_field(percent, note, key, field):
    with pytest.raises(Invalid) as bad:
        plans.parse_update(status="in_progress", percent=percent, note=note)
    assert (bad.value.key, bad.value.field) == (key, field)


def test_edge_values_are_accepted():
    assert plans.parse_update(status="done", percent="0", note="x" * plans.NOTE_LIMIT).percent == 0
    assert plans.parse_update(status="blocked", percent="100 %", note="").note is None


async def test_adding_items_checks_dates_owners_and_who_adds(deps):
    await _setup(deps)
    async with deps.db.reader() as s:
        objective = (await plans.directions(s))[0].objectives[0]
    form = {
        "objective": str(objective.id), "title": "  Plan the   summit ", "owners": [REP_TORONTO], "working_group": "",
        "start": "2026-04-01", "due": "2026-03-01",
    }  # fmt: skip
    with pytest.raises(Invalid) as bad:
        plans.parse_draft(**form)
    assert bad.value.field == PlanField.DUE
    draft = plans.parse_draft(**{**form, "due": "2026-09-30", "owners": [REP_TORONTO, "UNOBODY01"]})
    async with deps.db.transaction() as s:
        with pytest.raises(NotAllowed):
            await plans.add_item(s, actor=await _member(deps, REP_TORONTO), draft=draft, now=NOW)
        with pytest.raises(Invalid) as unknown:
            await plans.add_item(s, actor=await _member(deps, LEAD), draft=draft, now=NOW)
    assert unknown.value.field == PlanField.OWNERS and str(unknown.value.params["users"]) == "<@UNOBODY01>"
    async with deps.db.transaction() as s:
        item = await plans.add_item(
            s, actor=await _member(deps, LEAD), draft=plans.parse_draft(**{**form, "due": "2026-09-30"}), now=NOW
        )
    assert (item.title, item.year, item.objective.code) == ("Plan the summit", "2026-27", "1.1")


async def test_snoozing_is_for_owners_of_open_items(deps):
    ids_by_ref = await _setup(deps)
    async with deps.db.transaction() as s:
        snoozed = await plans.snooze(
            s, actor=await _member(deps, STAFF_TORONTO), item_id=ids_by_ref["a2"], days=7, now=NOW
        )
        with pytest.raises(NotAllowed):
            await plans.snooze(s, actor=await _member(deps, LEAD), item_id=ids_by_ref["a2"], days=1, now=NOW)
        with pytest.raises(Conflict):
            await plans.snooze(s, actor=await _member(deps, REP_HALIFAX), item_id=ids_by_ref["a3"], days=1, now=NOW)
    assert snoozed.until == datetime(2026, 3, 9, 15, tzinfo=UTC)


# --- progress and contributions ---------------------------------------------------------------------


async def test_progress_by_direction_and_objective(deps):
    await _setup(deps)
    async with deps.db.reader() as s:
        overall = await plans.progress(s, today=date(2026, 3, 2))
        two = await plans.progress(s, today=date(2026, 3, 2), direction=2)
    assert overall.tally.total == 3 and overall.tally.done == 1 and overall.tally.overdue == 1
    assert [d.tally.total for d in overall.directions] == [1, 1, 0, 1]
    assert overall.years == ("2025-26",)
    assert [len(o.items) for o in two.directions[0].objectives] == [1, 0, 0, 0]


async def test_contributions_to_the_digest_and_the_home(deps):
    ids_by_ref = await _setup(deps)
    async with deps.db.reader() as s:
        digest = [
            sec for sec in await collect_digest(s, NOW.replace(month=2), NOW) if sec.title.key == "plans.section.title"
        ]
        stats = [sec for sec in await collect_lead_stats(s, NOW) if sec.title.key == "plans.section.title"]
        needs = await collect_needs_you(s, await members.get_member(s, REP_TORONTO), NOW)
    [section] = digest
    assert [f.params["count"] for f in section.headline] == [1, 1, 1]  # overdue, due within 14 days, blocked
    assert len(stats[0].details) == 4
    mine = [n for n in needs if n.action == HomeAction.UPDATE_ITEM]
    assert [n.value for n in mine] == [str(ids_by_ref["a2"])]  # a1 is due in 8 days: not yet
