"""The directory as rows of the members CSV, so an export re-imports to the same directory."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.members.directory import person_query, to_member
from models import Organisation, Person, Role


async def export_members(session: AsyncSession) -> list[dict[str, str]]:
    people = (
        await session.execute(
            person_query()
            .join(Organisation, isouter=True)
            .where(Person.active)
            .order_by(Organisation.name, Person.name)
        )
    ).scalars()
    rows = []
    for person in people:
        member = to_member(person)
        seat = member.grant(Role.EXEC)
        rows.append(
            {
                "org": member.org.name if member.org else "",
                "kind": member.org.kind.value if member.org else "",
                "province": member.org.province if member.org else "",
                "slack_user_id": member.slack_user_id,
                "name": member.name,
                "roles": ";".join(sorted(r.value for r in member.roles)),
                "term_ends": seat.term_end.isoformat() if seat and seat.term_end else "",
            }
        )
    return rows
