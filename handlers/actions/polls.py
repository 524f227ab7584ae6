"""Poll buttons: open the ballot, one-click votes, results or turnout, who voted what, remind
non-voters, close early and cancel (both behind a Block Kit confirm).

Anyone who can see a message can press its buttons, so every handler asks the service, which
re-checks on the server who may vote or manage the poll; button values carry poll ids only.
Each answer is private (ephemeral, or a DM where there is no channel).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.blocks import polls as poll_blocks
from bot.services import polls
from bot.services.errors import Conflict, Invalid
from bot.services.polls import PollStatus, ResultsShown
from bot.slack.outbound.polls import publish_outcome, queue_results, reminder_renderer
from bot.slack.sender import deliver_due
from handlers.context import Ctx
from handlers.home import refresh_homes
from handlers.support import domain_errors, tell


def register(app: AsyncApp) -> None:
    app.action(ids.POLL_BALLOT)(on_ballot)
    app.action(ids.POLL_QUICK_VOTE)(on_quick_vote)
    app.action(ids.POLL_RESULTS)(on_results)
    app.action(ids.POLL_VOTERS)(on_voters)
    app.action(ids.POLL_REMIND)(on_remind)
    app.action(ids.POLL_CLOSE)(on_close)
    app.action(ids.POLL_CANCEL)(on_cancel)


def poll_id_of(action: dict[str, Any]) -> int:
    """The poll a button names (`12`, or `12:3` for a one-click vote)."""
    value = str(action.get("value") or "").split(":")[0]
    if not value.isdigit():
        raise Invalid("polls.error.bad_value")
    return int(value)


def _user(body: dict[str, Any]) -> str:
    return body["user"]["id"]


@domain_errors
async def on_ballot(ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    """The ballot modal, prefilled with the voter's current choices on an open poll. Checked
    before it opens, so nobody fills in a ballot that would be refused."""
    await ack()
    poll_id, deps = poll_id_of(action), nls.deps
    async with deps.db.reader() as session:
        poll = await polls.get_poll(session, poll_id)
        if poll.status is PollStatus.CANCELLED:
            raise Conflict("polls.error.cancelled", number=poll_id)
        if not poll.accepts_ballots(deps.now()):
            raise Conflict("polls.error.closed", number=poll_id)
        voter, current, voted = await polls.my_vote(
            session, poll, user_id=_user(body), actor=nls.actor, today=deps.today()
        )
    if poll.secret and voted:
        raise Conflict("polls.error.secret_already_voted", number=poll_id)
    view = poll_blocks.ballot_modal(poll, voter, nls.t, deps.settings.timezone, current=current)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


@domain_errors
async def on_quick_vote(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    await ack()
    poll_id = poll_id_of(action)
    option = str(action.get("value", "")).partition(":")[2]
    if not option.isdigit():
        raise Invalid("polls.error.bad_value")
    deps, now = nls.deps, nls.deps.now()
    async with deps.db.transaction() as session:
        recorded = await polls.cast_vote(
            session, poll_id=poll_id, choices=[int(option)], user_id=_user(body), actor=nls.actor,
            now=now, today=deps.today(now), keys=deps.ballots,
        )  # fmt: skip
    await tell(body, client, poll_blocks.vote_reply(recorded, nls.t), respond=respond)
    await refresh_homes(deps, client, [_user(body)])


@domain_errors
async def on_results(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    """Live polls show the count so far; the others (all secret polls) only the turnout until
    they close; closed polls their final count."""
    await ack()
    poll_id, deps, now = poll_id_of(action), nls.deps, nls.deps.now()
    tz, today = deps.settings.timezone, deps.today(now)
    async with deps.db.reader() as session:
        poll = await polls.get_poll(session, poll_id)
        if poll.is_open and poll.results is not ResultsShown.LIVE:
            voted, electorate = await polls.turnout(session, poll, today=today)
            reply = poll_blocks.turnout_reply(poll, voted, electorate, nls.t, tz)
        else:
            res = await polls.results(
                session, poll_id=poll_id, user_id=_user(body), actor=nls.actor, now=now, today=today
            )
            reply = poll_blocks.results_reply(res, nls.t, tz)
    await tell(body, client, reply, respond=respond)


@domain_errors
async def on_voters(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    await ack()
    async with nls.deps.db.reader() as session:
        poll, ballots = await polls.who_voted_what(
            session, poll_id=poll_id_of(action), user_id=_user(body), actor=nls.actor
        )
    await tell(body, client, poll_blocks.voters_reply(poll, ballots, nls.t), respond=respond)


@domain_errors
async def on_remind(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    await ack()
    deps, now = nls.deps, nls.deps.now()
    async with deps.db.transaction() as session:
        keys = await polls.remind_now(
            session, poll_id=poll_id_of(action), user_id=_user(body), actor=nls.actor,
            render=reminder_renderer(deps), now=now, today=deps.today(now),
            default_locale=deps.settings.nls_locale,
        )  # fmt: skip
    answer = nls.t("polls.remind.queued", count=len(keys)) if keys else nls.t("polls.remind.none")
    await tell(body, client, answer, respond=respond)
    if keys:
        await deliver_due(deps, client, keys=keys)


@domain_errors
async def on_close(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    await ack()
    poll_id, deps, now = poll_id_of(action), nls.deps, nls.deps.now()
    async with deps.db.transaction() as session:
        res = await polls.close_poll(
            session, poll_id=poll_id, user_id=_user(body), actor=nls.actor, now=now, today=deps.today(now),
            keys=deps.ballots,
        )
        keys = await queue_results(session, deps, [res], now=now)
    await tell(body, client, nls.t("polls.done.closed", number=poll_id), respond=respond)
    await publish_outcome(deps, client, keys)
    if res.poll.secret:
        await deps.db.compact(polls.SEALED_TABLES)


@domain_errors
async def on_cancel(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    await ack()
    poll_id, deps = poll_id_of(action), nls.deps
    async with deps.db.transaction() as session:
        poll = await polls.cancel_poll(session, poll_id=poll_id, user_id=_user(body), actor=nls.actor, now=deps.now())
    await tell(body, client, nls.t("polls.done.cancelled", number=poll_id), respond=respond)
    await publish_outcome(deps, client, [])
    if poll.secret:
        await deps.db.compact(polls.SEALED_TABLES)
