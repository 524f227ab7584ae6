"""Nomination buttons: Nominate, Accept / Decline / Withdraw, the Home's "accept or decline", the
committee's review, Mark ineligible, Close nominations now, Acclaim, and the confirmed seat transfer.

Anyone who can see a message can press its buttons, so each handler asks the service, which
re-checks on the server who may do it; button values carry ids only. Answers are private; the
messages owed to others (the nominator, the committee) go through the outbound ledger, queued in
the same transaction as the change and delivered after the commit.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.blocks import nominations as nomination_blocks
from bot.services import nominations, terms
from bot.services.errors import Conflict, Invalid, NotAllowed
from bot.slack.outbound.nominations import after_closing, queue, refresh_round_messages
from bot.slack.sender import deliver_due
from handlers.context import Ctx
from handlers.home import refresh_homes
from handlers.support import domain_errors, tell


def register(app: AsyncApp) -> None:
    app.action(ids.NOMINATE)(on_nominate)
    app.action(ids.NOMINATION_ACCEPT)(on_accept)
    app.action(ids.NOMINATION_DECLINE)(on_decline)
    app.action(ids.NOMINATION_WITHDRAW)(on_withdraw)
    app.action(ids.NOMINATION_SHOW)(on_show)
    app.action(ids.NOMINATION_INELIGIBLE)(on_ineligible)
    app.action(ids.NOMINATIONS_REVIEW)(on_review)
    app.action(ids.NOMINATIONS_CLOSE)(on_close)
    app.action(ids.NOMINATIONS_ACCLAIM)(on_acclaim)
    app.action(ids.EXEC_TRANSFER)(on_transfer)


def id_of(action: dict[str, Any]) -> int:
    """The round or nomination a button names."""
    value = str(action.get("value") or "")
    if not value.isdigit():
        raise Invalid("nominations.error.bad_value")
    return int(value)


def _user(body: dict[str, Any]) -> str:
    return body["user"]["id"]


async def _settle(nls: Ctx, client: AsyncWebClient, keys: list[str], homes: list[str]) -> None:
    """After the commit: send what was queued, and refresh the Homes the change affects."""
    if keys:
        await deliver_due(nls.deps, client, keys=keys)
    await refresh_homes(nls.deps, client, homes)


@domain_errors
async def on_nominate(ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    """The announcement's Nominate: staff of member organisations only, while the round is open."""
    await ack()
    deps = nls.deps
    async with deps.db.reader() as session:
        await nominations.require_staff(session, nls.actor)
        round_ = await nominations.get_round(session, id_of(action))
    if not round_.taking_nominations(deps.now()):
        raise Conflict("nominations.error.closed", number=round_.id)
    view = nomination_blocks.nomination_modal(round_, nls.t, deps.settings.timezone)
    await client.views_open(trigger_id=body["trigger_id"], view=view)


async def _answer(body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx,
                  *, accept: bool) -> None:  # fmt: skip
    deps, now = nls.deps, nls.deps.now()
    async with deps.db.transaction() as session:
        nomination, notices = await nominations.respond(
            session, nomination_id=id_of(action), accept=accept, user_id=_user(body), now=now,
            default_locale=deps.settings.nls_locale,
        )  # fmt: skip
        keys = await queue(deps, session, notices, now=now)
    await tell(body, client, nomination_blocks.answered_reply(nomination, nls.t), respond=respond)
    await _settle(nls, client, keys, [nomination.nominee_user_id])


@domain_errors
async def on_accept(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    await ack()
    await _answer(body, action, client, respond, nls, accept=True)


@domain_errors
async def on_decline(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    await ack()
    await _answer(body, action, client, respond, nls, accept=False)


@domain_errors
async def on_withdraw(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    await ack()
    deps, now = nls.deps, nls.deps.now()
    async with deps.db.transaction() as session:
        nomination, notices = await nominations.withdraw(
            session, nomination_id=id_of(action), user_id=_user(body), now=now, default_locale=deps.settings.nls_locale
        )
        keys = await queue(deps, session, notices, now=now)
    await tell(body, client, nomination_blocks.withdrawn_reply(nomination, nls.t), respond=respond)
    await _settle(nls, client, keys, [nomination.nominee_user_id])


@domain_errors
async def on_show(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    """The Home's "accept or decline": the nomination with its statement and buttons, for the nominee."""
    await ack()
    async with nls.deps.db.reader() as session:
        nomination = await nominations.get_nomination(session, id_of(action))
        round_ = await nominations.get_round(session, nomination.round_id)
    if nomination.nominee_user_id != _user(body):
        raise NotAllowed("nominations.error.not_nominee", user=nomination.nominee_user_id)
    reply = nomination_blocks.nomination_reply(round_, nomination, nls.t, nls.deps.settings.timezone)
    await tell(body, client, reply, respond=respond)


@domain_errors
async def on_ineligible(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, nls: Ctx
) -> None:
    """The committee's Mark ineligible: the reason modal (the nominee will be told the reason)."""
    await ack()
    nominations.require_committee(nls.actor)
    async with nls.deps.db.reader() as session:
        nomination = await nominations.get_nomination(session, id_of(action))
    await client.views_open(trigger_id=body["trigger_id"], view=nomination_blocks.ineligible_modal(nomination, nls.t))


@domain_errors
async def on_review(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    await ack()
    deps = nls.deps
    async with deps.db.reader() as session:
        found = await nominations.review(session, actor=nls.actor)
    reply = (
        nomination_blocks.review_reply(found, nls.t, deps.settings.timezone, deps.now())
        if found
        else nomination_blocks.no_round_reply(nls.t)
    )
    await tell(body, client, reply, respond=respond)


@domain_errors
async def on_close(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    """Close nominations now (confirmed first): then as the deadline would — election or acclamation."""
    await ack()
    deps, now = nls.deps, nls.deps.now()
    async with deps.db.transaction() as session:
        closing = await nominations.close_nominations(
            session, round_id=id_of(action), actor=nls.actor, now=now, default_locale=deps.settings.nls_locale
        )
        keys = await queue(deps, session, closing.notices, now=now)
    await tell(body, client, nomination_blocks.round_state(closing.round, nls.t), respond=respond)
    keys += await after_closing(deps, client, [closing])
    await _settle(nls, client, keys, [])


@domain_errors
async def on_acclaim(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    await ack()
    deps, now = nls.deps, nls.deps.now()
    async with deps.db.transaction() as session:
        seating = await nominations.acclaim(
            session, round_id=id_of(action), actor=nls.actor, now=now, today=deps.today(now),
            default_locale=deps.settings.nls_locale,
        )  # fmt: skip
        keys = await queue(deps, session, seating.notices, now=now)
    await tell(body, client, nomination_blocks.round_state(seating.round, nls.t), respond=respond)
    await refresh_round_messages(deps, client, [seating.round.id])
    await _settle(nls, client, keys, [s.nomination.nominee_user_id for s in seating.filled])


@domain_errors
async def on_transfer(
    ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, respond: Any, nls: Ctx
) -> None:
    """The confirmed transfer: checked again (who presses, same organisation) and done at once."""
    await ack()
    old_user, _, new_user = str(action.get("value") or "").partition(":")
    if not (old_user and new_user):
        raise Invalid("nominations.error.bad_value")
    deps, now = nls.deps, nls.deps.now()
    async with deps.db.transaction() as session:
        transfer, notices = await terms.transfer_seat(
            session, old_user=old_user, new_user=new_user, actor=nls.actor, now=now,
            default_locale=deps.settings.nls_locale,
        )  # fmt: skip
        keys = await queue(deps, session, notices, now=now)
    await tell(body, client, nomination_blocks.transfer_done(transfer, nls.t), respond=respond)
    await _settle(nls, client, keys, [old_user, new_user])
