"""Demo nominations: a round open for two Executive Committee seats (one reserved for a ZIP), three
nominations accepted and one waiting for Ella Johnson's answer (her Home asks her), so a newcomer can
review the slate with `/nls nominations` as Chloé Arsenault, or nominate someone else."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo import DEMO_MARK
from bot.deps import Deps
from bot.services import nominations
from bot.services.members import get_member
from bot.services.nominations import ElectionMethod

CHANNEL = "CSHELL"  # the local shell's channel
COMMITTEE = "UDEMO0007"  # Chloé Arsenault, Nominations Committee
# (nominator, nominee, statement, accepted?)
NOMINATIONS = [
    ("UDEMO0001", "UDEMO0003", "Grace has led Toronto South's newcomer housing table for six years.", True),
    ("UDEMO0004", "UDEMO0012", "Joseph brings the Prairies' rural partnerships and Indigenous relations.", True),
    ("UDEMO0009", "UDEMO0009", "I would bring Sherbrooke's francophone immigration work to the table.", True),
    ("UDEMO0016", "UDEMO0015", "Ella knows what northern ZIPs need from the national network.", False),
]


async def load(session: AsyncSession, today: date, deps: Deps) -> str:
    if await nominations.latest_round(session):
        return "demo nomination round already there"
    now = datetime.combine(today, time(15, 0), tzinfo=UTC)
    spec = nominations.RoundSpec(
        seats=2, reserved=("kind:ZIP",), method=ElectionMethod.STV,
        nominations_close_at=now + timedelta(days=10), election_closes_at=now + timedelta(days=17),
        channel_id=CHANNEL,
    )  # fmt: skip
    round_ = await nominations.open_round(session, spec=spec, actor=await get_member(session, COMMITTEE), now=now)
    for nominator, nominee, statement, accepted in NOMINATIONS:
        nomination, _ = await nominations.nominate(
            session, round_id=round_.id, nominee_user=nominee, statement=f"{DEMO_MARK} {statement}",
            actor=await get_member(session, nominator), now=now, default_locale="en",
        )  # fmt: skip
        if accepted:
            await nominations.respond(
                session, nomination_id=nomination.id, accept=True, user_id=nominee, now=now, default_locale="en"
            )
    return f"a nomination round with {len(NOMINATIONS)} nominations"
