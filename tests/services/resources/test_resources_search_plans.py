"""The ways each engine finds the newest matches give the same answers: PostgreSQL's walk of the
newest rows and its GIN index (with the cap made small, so a handful of resources exercise both),
filters read from PostgreSQL's index table as edits change them, SQLite's prefix indexes for every
prefix length, and an index rebuilt by the migration answering as the triggers kept it."""

from __future__ import annotations

import pytest
from alembic import command

from bot.infra.db import alembic_config
from bot.services import resources
from bot.services.resources import engines
from bot.services.resources.vocabulary import Vocabulary
from tests.support.directory import ADMIN, REP_TORONTO, load_directory
from tests.support.resources import NOW, add, load_library, member, search, titles

# Oldest first. Five have "pathway", and the newest three of those are what a cap of three ranks.
PATHWAYS = [
    ("Pathway to licensing", "Regulated professions."),  # older than the cap reaches
    ("Pathway guide for employers", "Hiring newcomers."),
    ("Settlement checklist", "First weeks."),
    ("Orientation notes", "A pathway through the first month, a pathway for families."),
    ("Pathway pathway pathway", ""),
    ("Library cards", "Borrowing and programs."),
    ("Youth mentoring", "A pathway into clubs."),
]


@pytest.fixture
def small_cap(monkeypatch):
    """Rank at most three matches, with statements built for that cap (and rebuilt afterwards)."""
    monkeypatch.setattr(engines, "CANDIDATES", 3)
    engines._page_statement.cache_clear()
    yield
    engines._page_statement.cache_clear()


async def load_pathways(deps) -> None:
    await load_directory(deps)
    for n, (title, description) in enumerate(PATHWAYS):
        await add(deps, title=title, description=description, url=f"https://example.org/path/{n}", kind="guide")


async def ids_with_window(deps, monkeypatch, query: str, window: int | None, **kwargs) -> list[int]:
    monkeypatch.setattr(engines, "walk_window", lambda plan, vocabulary, any_term: window)
    return [hit.id for hit in (await search(deps, query, **kwargs)).hits]


async def test_only_the_newest_matches_up_to_the_cap_are_ranked(deps, small_cap):
    await load_pathways(deps)
    found = await titles(deps, "pathway")
    assert found == ["Pathway pathway pathway", "Orientation notes", "Youth mentoring"]
    assert "Pathway to licensing" not in await titles(deps, "pathway", offset=3)


@pytest.mark.parametrize("window", [4, 8, 2])  # enough rows to fill the cap, all of them, too few: the index answers
async def test_a_walk_of_the_newest_rows_finds_what_the_index_finds(deps, small_cap, monkeypatch, window):
    await load_pathways(deps)
    for query in ("pathway", "pathw", "pathway guide", "pathway zzzz"):
        expected = await ids_with_window(deps, monkeypatch, query, None)
        assert await ids_with_window(deps, monkeypatch, query, window) == expected, query
    expected_pages = [await ids_with_window(deps, monkeypatch, "pathway", None, offset=o, limit=2) for o in (0, 2)]
    assert [await ids_with_window(deps, monkeypatch, "pathway", window, offset=o, limit=2) for o in (0, 2)] == (
        expected_pages
    )


def test_postgresql_walks_only_for_words_in_a_large_share_of_many_resources():
    vocabulary = Vocabulary.of({"housing": 31_000, "hous": 10, "housed": 500, "toolkit": 8_000, "rare": 40}, 100_000)
    common, rare = engines.Match(forms=("housing", "housings")), engines.Match(forms=("rare", "rares"))
    assert engines.walk_window([common], vocabulary, any_term=False) == 8_192  # 2 × 1000 / 0.31, to a power of two
    assert engines.walk_window([engines.Match(prefix="hous")], vocabulary, any_term=False) == 8_192
    assert engines.walk_window([rare], vocabulary, any_term=False) is None
    assert engines.walk_window([common, engines.Match(forms=("toolkit",))], vocabulary, any_term=False) is None
    assert engines.walk_window([common, rare], vocabulary, any_term=True) == 8_192
    assert engines.walk_window([common], Vocabulary.of({"housing": 1_000}, 3_000), any_term=False) is None


def test_the_vocabulary_counts_resources_by_the_start_of_their_words():
    vocabulary = Vocabulary.of({"house": 3, "housing": 5, "hot": 7, "shouse": 11})
    assert vocabulary.docs_starting("hous") == 8
    assert vocabulary.docs_starting("ho") == 15
    assert vocabulary.docs_starting("zz") == 0


async def test_prefixes_of_every_length_find_the_word(deps):
    await load_library(deps)
    for prefix in ("emp", "empl", "emplo", "employ", "employm", "employme"):  # indexed up to 6 letters on SQLite
        assert (await titles(deps, prefix))[0] == "Employment outcomes report", prefix


async def test_an_edit_moves_the_resource_to_its_new_filters(deps):
    await load_directory(deps)
    added = await add(deps, REP_TORONTO, title="Arrival checklist", url="https://example.org/arrival", province="ON")
    assert await titles(deps, "arrival prov:ON") == ["Arrival checklist"]
    data = resources.validate_input(
        {"title": "Arrival checklist", "url": added.url, "kind": "template", "language": "fr", "province": "QC"}
    )
    async with deps.db.transaction() as session:
        await resources.edit_resource(session, actor=await member(deps, REP_TORONTO), resource_id=added.id,
                                      data=data, now=NOW)  # fmt: skip
    assert await titles(deps, "arrival prov:ON") == []
    assert await titles(deps, "arrival kind:toolkit") == []
    assert await titles(deps, "arrival prov:QC kind:template lang:fr") == ["Arrival checklist"]
    assert await titles(deps, "arrival lang:en") == []


async def test_the_index_rebuilt_by_the_migration_answers_as_the_triggers_kept_it(deps):
    library = await load_library(deps)
    async with deps.db.transaction() as session:
        await resources.retire_resource(session, actor=await member(deps, ADMIN),
                                        resource_id=library["Funding guide for settlement programs"].id, now=NOW)  # fmt: skip
    queries = ["housing", "guide", "hous", "funding", "guide lang:en", "housing prov:QC", "planning kind:guide"]

    async def answers() -> list[list[tuple[int, str]]]:
        return [[(hit.id, hit.title) for hit in (await search(deps, query)).hits] for query in queries]

    kept = await answers()
    assert "Funding guide for settlement programs" not in [title for _, title in kept[3]]  # nor from a rebuild

    def migrate(connection, down: bool) -> None:
        if down:
            command.downgrade(alembic_config(connection), "0012")
        else:
            command.upgrade(alembic_config(connection), "heads")

    for down in (True, False):
        async with deps.db.engine.begin() as conn:
            await conn.run_sync(migrate, down)
    await deps.db.engine.dispose()  # connections that prepared statements on the dropped tables
    assert await answers() == kept
