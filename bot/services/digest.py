"""What the action plans owe people on a clock: owners' reminders, the leads' weekly digest and
the network's monthly update.

Nothing here sends. Each `due_*` function works out which occasions have fallen due at `now`, names
each by a key for the outbound ledger, and returns those not recorded yet with what a builder needs
to render them (plus the keys recorded earlier and still unsent, so a job can retry them). The job
records each under its key in one transaction; a second scheduler, a restart mid-run or an operator
running the job by hand then finds the key taken, so every occasion is sent exactly once.

The policy, in the recipient's own time zone (their Slack `tz`, else `NLS_TIMEZONE`):
- an occasion is a wall-clock time on a local date, computed with `zoneinfo`. A time that a
  daylight-saving change skips happens at the first valid instant after it; a time it repeats
  happens once, the first time (`fold=0`);
- the ledger key names the local date, never the instant, so a change of offset (or of the
  person's time zone) cannot produce a second key for the same occasion;
- only the latest occasion counts: after downtime, one message says where things stand rather
  than one per missed occasion; a digest or network update later than its grace period (the bot
  was down for most of the week or month) gives way to the next one instead of arriving stale;
- nothing is recorded outside waking hours; what falls due at night waits for the morning sweep,
  and is rendered then, so it says what is true when it arrives.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import members, outbox, plans, prefs
from bot.services.contributions import Section, collect_digest
from bot.services.sql import chunks
from models import Role, SendStatus, UserPref
from models.plans import OPEN_STATUSES, ActionItem

T = TypeVar("T")
REMINDER_PREFIX = "plan-reminder"
DIGEST_PREFIX = "lead-digest"
NETWORK_PREFIX = "network-update"
DIGEST_ITEMS = 15  # items listed one by one (each with its Update button) in a digest
LOOK_AHEAD = 4  # how many weekly or monthly occasions `Quiet.next_at` looks at for one not recorded yet


@dataclass(frozen=True)
class Schedule:
    """When plan messages go out, as local wall-clock times of each recipient."""

    reminder_at: time = time(9, 0)
    digest_weekday: int = 0  # Monday
    digest_at: time = time(9, 0)
    network_day: int = 1  # of the month
    network_at: time = time(10, 0)
    awake_from: time = time(8, 0)
    awake_until: time = time(20, 0)
    digest_grace: timedelta = timedelta(days=3)
    network_grace: timedelta = timedelta(days=7)

    def __post_init__(self) -> None:
        for name in ("reminder_at", "digest_at", "network_at"):
            if not self.is_awake(getattr(self, name)):
                raise ValueError(f"{name} must be between {self.awake_from:%H:%M} and {self.awake_until:%H:%M}")
        if not 0 <= self.digest_weekday <= 6 or not 1 <= self.network_day <= 28:
            raise ValueError("digest_weekday is 0-6 (Monday-Sunday); network_day is 1-28")

    def is_awake(self, wall: time) -> bool:
        return self.awake_from <= wall < self.awake_until


@dataclass(frozen=True)
class Audience:
    """When to write, and how to address people whose Slack profile we do not have."""

    schedule: Schedule
    default_tz: ZoneInfo
    default_locale: str


@dataclass(frozen=True)
class Occasion:
    kind: str  # "week-before", "day-before", "overdue", "weekly", "monthly"
    day: date  # the recipient's local date it belongs to: what the ledger key names
    at: datetime  # the UTC instant it falls due


def local_moment(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `wall` on `day` in `tz`.

    Repeated (fall back): the first of the two instants (fold=0). Skipped (spring forward): the
    first valid instant after it, i.e. the moment the clocks jump.
    """
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    # In a gap: fold=1 maps it before the jump, fold=0 after; the jump lies between them.
    low = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    while low.astimezone(tz).replace(tzinfo=None) < naive:
        low += timedelta(minutes=1)
    return low


def _latest(candidates: Iterable[tuple[str, date]], now: datetime, wall: time, tz: ZoneInfo) -> Occasion | None:
    """The last of date-ordered candidates whose moment has come."""
    latest = None
    for kind, day in candidates:
        at = local_moment(day, wall, tz)
        if at > now:
            break
        latest = Occasion(kind, day, at)
    return latest


def latest_reminder(due: date, now: datetime, tz: ZoneInfo, wall: time) -> Occasion | None:
    """An owner is reminded 7 days and 1 day before the due date, then weekly while overdue
    (the day after the due date, and every 7 days after that)."""
    today = now.astimezone(tz).date()
    candidates = [("week-before", due - timedelta(days=7)), ("day-before", due - timedelta(days=1))]
    if today > due:
        weeks = (today - due - timedelta(days=1)).days // 7
        candidates += [("overdue", due + timedelta(days=1 + 7 * w)) for w in (weeks - 1, weeks) if w >= 0]
    return _latest(candidates, now, wall, tz)


def latest_weekly(now: datetime, tz: ZoneInfo, weekday: int, wall: time) -> Occasion | None:
    today = now.astimezone(tz).date()
    this_week = today - timedelta(days=(today.weekday() - weekday) % 7)
    return _latest([("weekly", this_week - timedelta(days=7)), ("weekly", this_week)], now, wall, tz)


def latest_monthly(now: datetime, tz: ZoneInfo, day_of_month: int, wall: time) -> Occasion | None:
    today = now.astimezone(tz).date()
    this_month = today.replace(day=day_of_month)
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    previous = date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))
    return _latest([("monthly", previous), ("monthly", this_month)], now, wall, tz)


@dataclass(frozen=True)
class Recipient:
    slack_user_id: str
    locale: str
    tz: ZoneInfo

    def today(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    def is_awake(self, now: datetime, schedule: Schedule) -> bool:
        return schedule.is_awake(now.astimezone(self.tz).time())


async def recipients(session: AsyncSession, user_ids: Iterable[str], audience: Audience) -> dict[str, Recipient]:
    """Language and time zone of each person, from their cached Slack profile, in one query."""
    wanted = list(set(user_ids))
    found: dict[str, UserPref] = {}
    for chunk in chunks(wanted):
        rows = await session.execute(select(UserPref).where(UserPref.slack_user_id.in_(chunk)))
        found.update((p.slack_user_id, p) for p in rows.scalars())
    return {
        uid: Recipient(
            uid,
            prefs.language(found.get(uid), audience.default_locale),
            prefs.zone_of(found[uid].tz if uid in found else None, audience.default_tz),
        )
        for uid in wanted
    }


class QuietReason(enum.StrEnum):
    NOBODY = "nobody"  # nobody to write to (no one has the lead role)
    NOT_DUE = "not_due"  # nobody's occasion is now (or it passed its grace, or falls at night)
    SENT = "sent"  # the current occasion went out to everyone already
    EMPTY = "empty"  # nothing to report (a plan with no action items)


@dataclass(frozen=True)
class Quiet:
    """Why a sweep found nothing to record, for whoever runs a job by hand: a digest that did
    not go out on a Thursday is not a fault, and they need to know when one would."""

    reason: QuietReason
    next_at: datetime | None = None  # the next instant something falls due, if anything will


@dataclass(frozen=True)
class Due(Generic[T]):
    new: list[T] = field(default_factory=list)  # fallen due, not in the ledger yet: render and record
    unsent: list[str] = field(default_factory=list)  # recorded earlier, still waiting to be delivered
    quiet: Quiet | None = None  # set when there is neither: why


async def _split(session: AsyncSession, candidates: Sequence[tuple[str, T]]) -> Due[T]:
    """Which candidate occasions the ledger has not seen, and which it holds unsent."""
    keys = [key for key, _ in candidates]
    recorded = await outbox.statuses(session, keys)
    waiting = (SendStatus.PENDING, SendStatus.SENDING)
    return Due(
        new=[c for key, c in candidates if key not in recorded],
        unsent=[key for key in keys if recorded.get(key) in waiting],
    )


# --- owners' reminders -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    key: str
    item: plans.Item
    owner: Recipient
    occasion: Occasion


def reminder_key(item_id: int, owner: str, occasion: Occasion) -> str:
    return f"{REMINDER_PREFIX}:{item_id}:{owner}:{occasion.kind}:{occasion.day.isoformat()}"


async def due_reminders(session: AsyncSession, *, now: datetime, audience: Audience) -> Due[Reminder]:
    """Each owner of each open item whose latest reminder occasion has come, who is awake, not
    snoozing, and had the item before that occasion (no "due in a week" for a day-old item)."""
    # The latest a week-before occasion can be is due - 7 days in the easternmost zone.
    bound = now.astimezone(UTC).date() + timedelta(days=8)
    rows = list(
        (
            await session.execute(
                select(ActionItem)
                .where(ActionItem.status.in_(OPEN_STATUSES), ActionItem.due_date <= bound)
                .options(*plans.ITEM_LOAD)
                .order_by(ActionItem.due_date, ActionItem.id)
            )
        ).scalars()
    )
    people = await recipients(session, (o.person.slack_user_id for row in rows for o in row.owners), audience)
    schedule = audience.schedule
    candidates = []
    for row in rows:
        item = plans.to_item(row)
        for owner in row.owners:
            if not owner.person.active or (owner.snoozed_until is not None and owner.snoozed_until > now):
                continue
            person = people[owner.person.slack_user_id]
            occasion = latest_reminder(item.due, now, person.tz, schedule.reminder_at)
            if occasion is None or occasion.at < owner.added_at or not person.is_awake(now, schedule):
                continue
            key = reminder_key(item.id, person.slack_user_id, occasion)
            candidates.append((key, Reminder(key, item, person, occasion)))
    due = await _split(session, candidates)
    quiet = Quiet(QuietReason.SENT if candidates else QuietReason.NOT_DUE)
    return due if due.new or due.unsent else Due(quiet=quiet)


# --- the leads' weekly digest ----------------------------------------------------------------


@dataclass(frozen=True)
class LeadDigest:
    key: str
    lead: Recipient
    occasion: Occasion
    since: datetime
    sections: tuple[Section, ...]  # every feature's contribution, in order
    attention: plans.Attention
    progress: plans.PlanProgress


async def _last_digests(session: AsyncSession) -> dict[str, datetime]:
    """When each lead's previous digest was made: "since the last digest" starts there."""
    return await outbox.last_recorded(session, DIGEST_PREFIX)


def digest_key(lead: str, day: date) -> str:
    return f"{DIGEST_PREFIX}:{lead}:{day.isoformat()}"


async def due_lead_digests(session: AsyncSession, *, now: datetime, audience: Audience) -> Due[LeadDigest]:
    """Each lead whose weekly digest time has come in their time zone and who has not had it."""
    leads = await members.members_with_role(session, Role.LEAD)
    people = await recipients(session, (m.slack_user_id for m in leads), audience)
    schedule = audience.schedule
    candidates = []
    for lead in people.values():
        occasion = latest_weekly(now, lead.tz, schedule.digest_weekday, schedule.digest_at)
        if occasion is not None and now - occasion.at <= schedule.digest_grace and lead.is_awake(now, schedule):
            key = digest_key(lead.slack_user_id, occasion.day)
            candidates.append((key, (key, lead, occasion)))
    due = await _split(session, candidates)
    if not due.new and not due.unsent:
        return Due(quiet=await _next_digest(session, people.values(), now, schedule, sent=bool(candidates)))
    if not due.new:
        return Due(unsent=due.unsent)
    today = now.astimezone(audience.default_tz).date()
    found = await plans.attention(session, today=today, limit=DIGEST_ITEMS)
    overview = await plans.progress(session, today=today)
    last = await _last_digests(session)
    sections: dict[datetime, tuple[Section, ...]] = {}
    digests = []
    for key, lead, occasion in due.new:
        since = last.get(lead.slack_user_id) or occasion.at - timedelta(days=7)
        if since not in sections:
            sections[since] = tuple(await collect_digest(session, since, now))
        digests.append(LeadDigest(key, lead, occasion, since, sections[since], found, overview))
    return Due(new=digests, unsent=due.unsent)


async def _next_digest(
    session: AsyncSession, leads: Iterable[Recipient], now: datetime, schedule: Schedule, *, sent: bool
) -> Quiet:
    """Why no digest is due now, and the first weekly occasion after `now` whose key the ledger
    has not seen (one run ahead by hand takes its week), in one query."""
    upcoming: list[tuple[str, datetime]] = []
    for lead in leads:
        today = now.astimezone(lead.tz).date()
        first = today + timedelta(days=(schedule.digest_weekday - today.weekday()) % 7)
        for week in range(LOOK_AHEAD):
            day = first + timedelta(weeks=week)
            at = local_moment(day, schedule.digest_at, lead.tz)
            if at > now:
                upcoming.append((digest_key(lead.slack_user_id, day), at))
    if not upcoming:
        return Quiet(QuietReason.NOBODY)
    recorded = await outbox.statuses(session, [key for key, _ in upcoming])
    free = [at for key, at in upcoming if key not in recorded]
    return Quiet(QuietReason.SENT if sent else QuietReason.NOT_DUE, min(free, default=None))


# --- the network's monthly update ------------------------------------------------------------


@dataclass(frozen=True)
class NetworkUpdate:
    key: str
    channel: str
    occasion: Occasion
    progress: plans.PlanProgress
    completed: int  # items done since the previous update
    highlights: tuple[plans.Item, ...]  # the latest of them


async def due_network_update(
    session: AsyncSession, *, now: datetime, schedule: Schedule, tz: ZoneInfo, channel: str | None
) -> Due[NetworkUpdate]:
    """This month's post to the network channel, once its time has come and if there is
    anything to report."""
    occasion = latest_monthly(now, tz, schedule.network_day, schedule.network_at)
    if channel is None:
        return Due()
    if (
        occasion is None
        or now - occasion.at > schedule.network_grace
        or not schedule.is_awake(now.astimezone(tz).time())
    ):
        return Due(quiet=await _next_update(session, now, schedule, tz, sent=False))
    key = network_key(occasion.day)
    due = await _split(session, [(key, occasion)])
    if not due.new:
        return Due(unsent=due.unsent, quiet=None if due.unsent else await _next_update(session, now, schedule, tz))
    overview = await plans.progress(session, today=now.astimezone(tz).date())
    if overview.tally.total == 0:
        return Due(quiet=Quiet(QuietReason.EMPTY))
    previous = latest_monthly(occasion.at - timedelta(days=1), tz, schedule.network_day, schedule.network_at)
    completed, highlights = await plans.completed_since(
        session, previous.at if previous else occasion.at - timedelta(days=30), limit=5
    )
    return Due(new=[NetworkUpdate(key, channel, occasion, overview, completed, highlights)])


def network_key(day: date) -> str:
    return f"{NETWORK_PREFIX}:{day:%Y-%m}"


async def _next_update(
    session: AsyncSession, now: datetime, schedule: Schedule, tz: ZoneInfo, *, sent: bool = True
) -> Quiet:
    """Why no update is due now, and the first monthly occasion after `now` not in the ledger."""
    today = now.astimezone(tz).date()
    upcoming = []
    for ahead in range(LOOK_AHEAD):
        year, month = divmod(today.month - 1 + ahead, 12)
        day = date(today.year + year, month + 1, schedule.network_day)
        at = local_moment(day, schedule.network_at, tz)
        if at > now:
            upcoming.append((network_key(day), at))
    recorded = await outbox.statuses(session, [key for key, _ in upcoming])
    free = [at for key, at in upcoming if key not in recorded]
    return Quiet(QuietReason.SENT if sent else QuietReason.NOT_DUE, min(free, default=None))
