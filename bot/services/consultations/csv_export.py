"""`nlsbot export consultation N`: a row per organisation asked, a column per question."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.consultations.tallies import Results, read_results


def export_table(results: Results) -> tuple[list[str], list[dict[str, str]]]:
    """One row per organisation asked (those that did not answer too), one column per question,
    answers exactly as given."""
    columns = ["organisation", "province", "region", "responded", "answered_by", "updated_on"]
    columns += [f"Q{r.question.position}. {r.question.prompt}" for r in results.questions]
    answers: dict[str, dict[str, str]] = defaultdict(dict)
    for r in results.questions:
        for org, value in r.answers:
            answers[org][f"Q{r.question.position}. {r.question.prompt}"] = value
    rows = [
        {
            "organisation": o.org.name,
            "province": o.org.province,
            "region": o.org.region,
            "responded": "yes" if o.responded else "no",
            "answered_by": o.last_by or "",
            "updated_on": o.updated_at.date().isoformat() if o.updated_at else "",
            **answers.get(o.org.name, {}),
        }
        for o in results.orgs
    ]
    return columns, rows


async def export(session: AsyncSession, consultation_id: int) -> tuple[list[str], list[dict[str, str]]]:
    """For `nlsbot export consultation N` (an operator's command: no actor to check)."""
    return export_table(await read_results(session, consultation_id))
