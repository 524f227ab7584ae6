"""What the leads' digest and Home show of feedback: counts since a day, by topic, under the
disclosure rule (an urgent count only where it gives no small cell away)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import disclosure
from bot.services.contributions import Fact, Section, digest_section, lead_stats
from models.feedback import Feedback, Topic, Urgency


async def _counts_since(session: AsyncSession, day: date) -> tuple[int, Fact | None, list[tuple[Topic, int]]]:
    """The total, the urgent line (None where the rule hides it), and the count by topic."""
    rows = (
        await session.execute(
            select(Feedback.topic, Feedback.urgency, func.count())
            .where(Feedback.received_on >= day)
            .group_by(Feedback.topic, Feedback.urgency)
        )
    ).all()
    topics: Counter[Topic] = Counter()
    urgencies: Counter[Urgency] = Counter()
    for topic, urgency, n in rows:
        topics[topic] += n
        urgencies[urgency] += n
    return sum(topics.values()), _urgent_fact(urgencies), topics.most_common()


def _urgent_fact(urgencies: Mapping[Urgency, int]) -> Fact | None:
    """"N urgent" only where the summary's urgency breakdown shows urgent as a cell of its own:
    otherwise the total minus it would give the merged cell away."""
    if not urgencies.get(Urgency.URGENT):
        return Fact("feedback.digest.urgent", {"count": 0})
    cells = dict(disclosure.breakdown(urgencies).cells)
    shown_urgent = cells.get(Urgency.URGENT)
    return Fact("feedback.digest.urgent", {"count": shown_urgent.value}) if shown_urgent and not shown_urgent.few else None


# Contributors receive UTC instants while entries keep the network's day: near midnight a
# count may include or miss a few hours, which the day-level privacy of feedback accepts.


def count_fact(key: str, count: int) -> Fact:
    """`key` with the count, or `key_few` with k when the rule hides the number."""
    seen = disclosure.shown(count)
    return Fact(f"{key}_few", {"k": seen.k}) if seen.few else Fact(key, {"count": seen.value})


def breakdown_facts(counts: Mapping[Topic, int]) -> tuple[Fact, ...]:
    cells = disclosure.breakdown(counts)
    facts = [
        Fact(f"feedback.topic_count.{Topic(topic).value}", {"count": n.value}) if not n.few
        else Fact("feedback.topic_count_few", {"k": n.k, "topic": Fact(f"feedback.topic.{Topic(topic).value}")})
        for topic, n in cells.cells
    ]  # fmt: skip
    if cells.other is not None:
        other = cells.other
        facts.append(
            Fact("feedback.topic_count_other_few", {"k": other.k}) if other.few
            else Fact("feedback.topic_count_other", {"count": other.value})
        )  # fmt: skip
    return tuple(facts)


@digest_section
async def digest(session: AsyncSession, since: datetime, now: datetime) -> Section | None:
    """New feedback since the last digest (from its day on), by topic, under the disclosure rule."""
    total, urgent, topics = await _counts_since(session, since.date())
    if not total:
        return None
    return Section(
        order=60,
        title=Fact("feedback.digest.title", {"since": since.date().isoformat()}),
        headline=(count_fact("feedback.digest.total", total), *([urgent] if urgent else [])),
        details=breakdown_facts(dict(topics)),
        more=Fact("feedback.digest.more"),
    )


@lead_stats
async def stats(session: AsyncSession, now: datetime) -> Section | None:
    """Feedback received this month, and how much of it is urgent."""
    total, urgent, _ = await _counts_since(session, now.date().replace(day=1))
    return Section(
        order=60,
        title=Fact("feedback.stats.title"),
        headline=(count_fact("feedback.stats.month", total), *([urgent] if urgent else [])),
    )
