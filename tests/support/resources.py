"""Test support for the resource repository: members as the service sees them, resources added
through the real service, and a small bilingual library whose best answers a person can name."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.deps import Deps
from bot.services import members, resources
from bot.services.resources import ResourceView
from tests.support.directory import ADMIN, LEAD, REP_MONTREAL, REP_TORONTO, STAFF_TORONTO, load_directory

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)

# title, url, description, tags, language, province, kind, owner
LIBRARY: list[tuple[str, str, str, str, str, str, str, str]] = [
    ("Housing toolkit for newcomers", "https://example.org/housing-toolkit",
     "Finding and keeping affordable rental housing.", "housing; newcomers", "en", "ON", "toolkit", REP_TORONTO),
    ("Employment outcomes report", "https://example.org/employment-report",
     "Labour market integration. Housing costs, housing waitlists and housing quality shape where newcomers "
     "can take a job: housing, housing, housing.", "employment; research", "en", "", "report", STAFF_TORONTO),
    ("Trousse sur le logement des nouveaux arrivants", "https://example.org/trousse-logement",
     "Trouver un logement abordable; droits des locataires.", "logement; housing", "fr", "QC", "toolkit",
     REP_MONTREAL),
    ("Guide de l'établissement des personnes immigrantes", "https://example.org/etablissement",
     "Les premières semaines : santé, écoles, emploi.", "établissement; settlement", "fr", "QC", "guide",
     REP_MONTREAL),
    ("Santé mentale des jeunes réfugiés", "https://example.org/sante-mentale",
     "Approches tenant compte des traumatismes.", "santé; health; youth", "both", "", "guide", LEAD),
    ("Anti-racism action planning guide", "https://example.org/anti-racism",
     "Planning, funding and evaluating anti-racism work with council.", "anti-racism; planning", "en", "",
     "guide", ADMIN),
    ("Language training pathways", "https://example.org/language-training",
     "LINC and CLIC classes: eligibility and referrals.", "language-training; education", "both", "", "guide",
     LEAD),
    ("Funding guide for settlement programs", "https://example.org/funding",
     "Call for proposals, eligible costs.", "funding", "en", "", "funding", ADMIN),
    ("Contact: research working group", "",
     "Write to the research working group through the Secretariat.", "research", "both", "", "contact", ADMIN),
    ("Webinar recording: data for local planning", "https://example.org/data-webinar",
     "Census and open data for describing local newcomer populations.", "data; planning", "en", "BC",
     "recording", LEAD),
]  # fmt: skip


def fields(
    title: str,
    url: str = "",
    description: str = "",
    tags: str = "",
    language: str = "en",
    province: str = "",
    kind: str = "toolkit",
) -> dict[str, Any]:
    return {"title": title, "url": url, "description": description, "tags": tags, "language": language,
            "province": province, "kind": kind}  # fmt: skip


async def member(deps: Deps, user_id: str) -> members.Member | None:
    async with deps.db.reader() as session:
        return await members.get_member(session, user_id)


async def add(deps: Deps, owner: str = ADMIN, *, now: datetime = NOW, **values: Any) -> ResourceView:
    """Add a resource through the service, as `owner` (who must be in the directory)."""
    data = resources.validate_input(fields(**values))
    actor = await member(deps, owner)
    async with deps.db.transaction() as session:
        return await resources.add_resource(session, actor=actor, data=data, now=now)


async def load_library(deps: Deps) -> dict[str, ResourceView]:
    """The directory and LIBRARY, by title."""
    await load_directory(deps)
    added = {}
    for title, url, description, tags, language, province, kind, owner in LIBRARY:
        added[title] = await add(deps, owner, title=title, url=url, description=description, tags=tags,
                                 language=language, province=province, kind=kind)  # fmt: skip
    return added


async def search(deps: Deps, query: str, **kwargs: Any) -> resources.SearchPage:
    async with deps.db.reader() as session:
        return await resources.search(session, query, **kwargs)


async def titles(deps: Deps, query: str, **kwargs: Any) -> list[str]:
    return [hit.title for hit in (await search(deps, query, **kwargs)).hits]
