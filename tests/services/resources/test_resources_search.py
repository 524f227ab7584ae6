"""Searching the repository as a person would, on SQLite FTS5 and PostgreSQL alike: what they
expect comes first, accents and plurals don't matter, typos get a "did you mean", filters narrow,
and no input — operators, punctuation, very long text — breaks it."""

from __future__ import annotations

import random

import pytest

from bot.services import resources
from bot.services.errors import DomainError
from bot.services.resources import BadFilter, EmptyQuery, QueryTooLong
from models.resources import ResourceTerm
from tests.support.directory import ADMIN, REP_TORONTO, load_directory
from tests.support.resources import NOW, add, load_library, member, search, titles


async def test_a_title_match_comes_before_a_description_full_of_the_word(deps):
    await load_library(deps)
    found = await titles(deps, "housing")
    assert found[0] == "Housing toolkit for newcomers"
    assert "Employment outcomes report" in found  # it does mention housing, six times
    assert found.index("Trousse sur le logement des nouveaux arrivants") < found.index("Employment outcomes report")


async def test_every_word_counts_and_the_best_title_wins(deps):
    await load_library(deps)
    assert (await titles(deps, "housing toolkit"))[0] == "Housing toolkit for newcomers"
    assert await titles(deps, "anti-racism planning") == ["Anti-racism action planning guide"]


async def test_accents_are_optional_in_both_directions(deps):
    await load_library(deps)
    assert await titles(deps, "etablissement") == ["Guide de l'établissement des personnes immigrantes"]
    assert await titles(deps, "ÉTABLISSEMENT") == ["Guide de l'établissement des personnes immigrantes"]
    await add(deps, title="Etablissement rural sans accents", url="https://example.org/rural", kind="guide")
    assert "Etablissement rural sans accents" in await titles(deps, "établissement")


async def test_french_questions_find_french_resources(deps):
    await load_library(deps)
    assert (await titles(deps, "logement"))[0] == "Trousse sur le logement des nouveaux arrivants"
    assert (await titles(deps, "santé mentale"))[0] == "Santé mentale des jeunes réfugiés"
    question = "Où trouver une trousse sur le logement ?"
    assert (await titles(deps, question))[0] == "Trousse sur le logement des nouveaux arrivants"


async def test_an_english_question_in_words_finds_the_toolkit(deps):
    await load_library(deps)
    assert (await titles(deps, "where is the housing toolkit?"))[0] == "Housing toolkit for newcomers"


async def test_prefixes_of_three_letters_or_more_and_plurals_match(deps):
    await load_library(deps)
    assert (await titles(deps, "hous"))[0] == "Housing toolkit for newcomers"
    assert (await titles(deps, "toolkits"))[0] == "Housing toolkit for newcomers"
    assert (await titles(deps, "logements"))[0] == "Trousse sur le logement des nouveaux arrivants"
    assert (await titles(deps, "webinars"))[0] == "Webinar recording: data for local planning"
    assert await titles(deps, "ho") == []  # two letters match whole words only


async def test_a_typo_is_corrected_against_the_vocabulary(deps):
    await load_library(deps)
    page = await search(deps, "housng tooolkit")
    assert page.mode == "corrected"
    assert page.corrected is not None and page.corrected.text == "housing toolkit"
    assert page.hits[0].title == "Housing toolkit for newcomers"
    french = await search(deps, "logemnt")
    assert french.corrected is not None and french.corrected.terms == ("logement",)
    tag = await search(deps, "tag:housng")
    assert tag.mode == "corrected" and tag.corrected is not None and tag.corrected.filters.tags == ("housing",)


async def test_nothing_close_means_no_suggestion_and_no_results(deps):
    await load_library(deps)
    page = await search(deps, "zxqwv")
    assert (page.hits, page.corrected) == ((), None)


async def test_when_no_resource_has_every_word_the_ones_with_some_are_offered(deps):
    await load_library(deps)
    page = await search(deps, "housing webinar")
    assert page.mode == "any"
    assert {"Housing toolkit for newcomers", "Webinar recording: data for local planning"} <= {
        h.title for h in page.hits
    }


async def test_filters_narrow(deps):
    await load_library(deps)
    assert await titles(deps, "housing prov:QC") == ["Trousse sur le logement des nouveaux arrivants"]
    assert set(await titles(deps, "lang:fr")) == {
        "Trousse sur le logement des nouveaux arrivants",
        "Guide de l'établissement des personnes immigrantes",
        "Santé mentale des jeunes réfugiés",  # bilingual resources count for French
        "Language training pathways",
        "Contact: research working group",
    }
    assert await titles(deps, "housing kind:report") == ["Employment outcomes report"]
    assert await titles(deps, "tag:sante") == ["Santé mentale des jeunes réfugiés"]
    assert await titles(deps, "guide tag:planning lang:en") == ["Anti-racism action planning guide"]
    national = set(await titles(deps, "prov:national kind:guide"))
    assert national == {"Santé mentale des jeunes réfugiés", "Anti-racism action planning guide",
                        "Language training pathways"}  # fmt: skip
    assert await titles(deps, "housing tag:housing tag:newcomers") == ["Housing toolkit for newcomers"]


@pytest.mark.parametrize(
    ("query", "choices"),
    [("lang:de", "en, fr, both"), ("prov:XX", "NL"), ("kind:poem", "toolkit"), ("tag:!!!", "housing")],
)
async def test_a_bad_filter_value_is_refused_with_the_choices(deps, query, choices):
    with pytest.raises(BadFilter) as refused:
        await search(deps, query)
    assert choices in refused.value.params["choices"]


async def test_pages_of_five_without_overlap(deps):
    await load_directory_and(deps, 12)
    first = await search(deps, "pathway")
    second = await search(deps, "pathway", offset=first.next_offset)
    third = await search(deps, "pathway", offset=second.next_offset)
    assert [len(p.hits) for p in (first, second, third)] == [5, 5, 2]
    assert [p.has_more for p in (first, second, third)] == [True, True, False]
    ids = [h.id for p in (first, second, third) for h in p.hits]
    assert len(set(ids)) == 12


async def load_directory_and(deps, count: int) -> None:
    await load_directory(deps)
    for n in range(count):
        await add(deps, title=f"Pathway {n:02d} to settlement", url=f"https://example.org/p/{n}", kind="guide")


BAD_INPUT = [
    '"', "*", "NEAR(", "-", "foo AND", "col:x", "(((", '"unterminated', "a AND NOT b", "-x", "foo &",
    "a:b:c !!", '"x or -y', "'; DROP TABLE resources; --", "\\", "%", "_", "{title}: x", "^housing",
    "housing OR", "title:housing", "NEAR(housing toolkit)", "*housing*", 'housing"', "housing -toolkit",
    "<!channel> housing", "😀🏠", "\x00\x1f", "ⅷ ² ª", "l'établissement d'aujourd'hui", "AND OR NOT",
]  # fmt: skip


@pytest.mark.parametrize("query", BAD_INPUT)
async def test_punctuation_and_operators_never_raise_and_never_reach_the_engine_as_syntax(deps, query):
    await load_library(deps)
    try:
        page = await search(deps, query)
    except EmptyQuery:
        assert not resources.parse_query(query)
        return
    if "housing" in query:
        assert "Housing toolkit for newcomers" in [h.title for h in page.hits]


def test_user_words_are_quoted_for_fts5_and_bound_one_by_one_for_postgresql():
    query = resources.parse_query('NEAR(housing "tool*kit" -x col:y AND')
    assert query.terms == ("near", "housing", "tool", "kit", "x", "col")
    plan = resources.match_plan(query.terms, complete={"housing", "tool"})
    expression = resources.fts5_expression(plan, any_term=False)
    assert expression == '"near"* AND ("housing" OR "housings") AND ("tool" OR "tools") AND "kit"* AND "x" AND "col"*'


def test_whole_words_match_their_other_number_and_the_last_word_is_a_prefix():
    plan = resources.match_plan(("communities", "logement", "toolkits"), complete={"communities", "logement"})
    assert plan == [
        resources.Match(forms=("communities", "community")),
        resources.Match(forms=("logement", "logements")),
        resources.Match(prefix="toolkit"),
    ]


def test_a_long_whole_last_word_is_taken_as_finished_and_a_short_one_as_a_start():
    assert resources.match_plan(("logement",), complete={"logement"}) == [
        resources.Match(forms=("logement", "logements"))
    ]
    assert resources.match_plan(("health",), complete={"health"}) == [resources.Match(prefix="health")]


async def test_a_2000_character_query_is_refused_cleanly_and_300_characters_are_answered(deps):
    await load_library(deps)
    with pytest.raises(QueryTooLong):
        await search(deps, "housing " * 250)
    page = await search(deps, ("housing toolkit newcomers " * 20)[:300])
    assert page.hits[0].title == "Housing toolkit for newcomers"


async def test_empty_and_stop_word_only_questions_ask_for_words(deps):
    for query in ("", "   ", "where is it?", "où est-ce ?"):
        with pytest.raises(EmptyQuery):
            await search(deps, query)


async def test_random_text_never_raises_anything_but_a_refusal(deps):
    await load_library(deps)
    alphabet = [*"abcdeéèçàôHOUSINGlogement \"*-()^:{}[]&|!~<>@#%_\\'", "NEAR", " AND ", " OR ", "😀", "\u0301"]
    rng = random.Random(20260302)
    for _ in range(150):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        try:
            await search(deps, text)
        except DomainError as refusal:
            assert isinstance(refusal, EmptyQuery | BadFilter), text


async def test_retired_resources_leave_search_and_the_vocabulary(deps):
    library = await load_library(deps)
    target = library["Webinar recording: data for local planning"]
    async with deps.db.transaction() as session:
        await resources.retire_resource(session, actor=await member(deps, ADMIN), resource_id=target.id, now=NOW)
    assert await titles(deps, "webinar") == []
    async with deps.db.reader() as session:
        term = await session.get(ResourceTerm, "webinar")
    assert term is not None and term.docs == 0
    assert (await search(deps, "webinr")).corrected is None  # never suggest a word only retired resources had


async def test_an_edit_moves_the_resource_to_its_new_words(deps):
    await load_directory_and(deps, 0)
    added = await add(deps, REP_TORONTO, title="Orientation checklist", url="https://example.org/checklist")
    data = resources.validate_input({"title": "Arrival checklist", "url": added.url, "kind": "template"})
    async with deps.db.transaction() as session:
        await resources.edit_resource(session, actor=await member(deps, REP_TORONTO), resource_id=added.id,
                                      data=data, now=NOW)  # fmt: skip
    assert await titles(deps, "orientation") == []
    assert await titles(deps, "arrival") == ["Arrival checklist"]
    async with deps.db.reader() as session:
        assert (await session.get(ResourceTerm, "orientation")).docs == 0
        assert (await session.get(ResourceTerm, "checklist")).docs == 1
