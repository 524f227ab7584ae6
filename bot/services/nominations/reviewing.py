"""The Nominations Committee's review: the round (the unfinished one, else the latest) with every
nomination and how the accepted slate covers the network — what the committee weighs against
"represent diversity of LIP/ZIP voices" before closing, acclaiming or ruling a nomination out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.members import REGIONS, Member
from bot.services.nominations.permissions import require_committee
from bot.services.nominations.reading import active_round, latest_round, nominations_in
from bot.services.nominations.shapes import Coverage, NominationView, Review, RoundView
from models import OrgKind
from models.nominations import NominationStatus


def coverage(round_: RoundView, nominations: Sequence[NominationView]) -> Coverage:
    """Accepted nominees per region, per kind and per reserved seat: what the committee weighs
    against "represent diversity of LIP/ZIP voices"."""
    accepted = [n for n in nominations if n.status is NominationStatus.ACCEPTED]
    regions = Counter(n.org.region for n in accepted)
    kinds = Counter(n.org.kind for n in accepted)
    return Coverage(
        regions=tuple((r, regions[r]) for r in REGIONS),
        kinds=tuple((k, kinds[k]) for k in OrgKind),
        reserved=tuple((r, sum(1 for n in accepted if r.admits(n.org))) for r in round_.reserved),
    )


async def review(session: AsyncSession, *, actor: Member | None) -> Review | None:
    """For the committee: the unfinished round (else the latest) with every nomination and the
    slate's coverage; None if no round was ever opened."""
    require_committee(actor)
    found = await active_round(session) or await latest_round(session)
    if found is None:
        return None
    nominations = await nominations_in(session, found.id)
    return Review(round=found, nominations=tuple(nominations), coverage=coverage(found, nominations))
