"""Nomination modal submissions: opening a round, nominating someone, marking a nomination
ineligible.

Each validates (the form's shape, then the service's rules) and writes *before* acknowledging, so a
problem comes back inline next to its input with what was typed kept; on success the modal turns
into its confirmation, and what others are owed (the nominee's DM, the nominator's news) is
delivered after the commit. A new round is announced in its channel right after the acknowledgement;
if Slack refuses the post, the round is withdrawn and its opener told.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.blocks import nominations as nomination_blocks
from bot.blocks.nominations import nominating as nominating_blocks
from bot.blocks.nominations import rounds as round_blocks
from bot.services import nominations, terms
from bot.services.errors import Invalid
from bot.services.nominations import ElectionMethod, NominationField
from bot.slack.outbound.nominations import post_round, queue
from bot.slack.sender import deliver_due
from handlers.context import Ctx
from handlers.home import refresh_homes
from handlers.support import form_errors, form_values


def register(app: AsyncApp) -> None:
    app.view(ids.ROUND_FORM)(on_round)
    app.view(ids.NOMINATION_FORM)(on_nomination)
    app.view(ids.NOMINATION_INELIGIBLE_FORM)(on_ineligible)
    app.view(ids.NOMINATION_DONE)(on_done)


class RoundForm(BaseModel):
    """The round modal's shape, one attribute per `NominationField` the modal draws; the rules (seat
    counts, deadlines, who may) are the service's."""

    seats: int = 0
    reserved: list[str] = []
    method: ElectionMethod = ElectionMethod.STV
    nominations_close_at: datetime | None = None
    election_closes_at: datetime | None = None
    term_years: int = terms.DEFAULT_TERM_YEARS
    channel: str = ""

    @field_validator("nominations_close_at", "election_closes_at", mode="before")
    @classmethod
    def _epoch(cls, value: Any) -> datetime | None:
        return None if value in ("", None) else datetime.fromtimestamp(int(value), UTC)


def parse_round(view: dict[str, Any], *, locale: str) -> nominations.RoundSpec:
    values = form_values(view)
    raw = {field.value: values.get(block_id) for field, block_id in round_blocks.FIELD_BLOCKS.items()}
    try:
        form = RoundForm.model_validate({k: v for k, v in raw.items() if v not in (None, "")})
    except ValidationError as exc:
        name = str(exc.errors()[0]["loc"][0])
        field = NominationField(name) if name in round_blocks.FIELD_BLOCKS else NominationField.SEATS
        raise Invalid("nominations.error.number", field=field) from None
    if form.nominations_close_at is None:
        raise Invalid("nominations.error.deadline_missing", field=NominationField.NOMINATIONS_CLOSE_AT)
    if form.election_closes_at is None:
        raise Invalid("nominations.error.deadline_missing", field=NominationField.ELECTION_CLOSES_AT)
    return nominations.RoundSpec(
        seats=form.seats, reserved=tuple(form.reserved), method=form.method,
        nominations_close_at=form.nominations_close_at, election_closes_at=form.election_closes_at,
        channel_id=form.channel, term_years=form.term_years, locale=locale,
    )  # fmt: skip


@form_errors(fields=round_blocks.FIELD_BLOCKS)
async def on_round(ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    deps, now = nls.deps, nls.deps.now()
    spec = parse_round(view, locale=nls.t.locale)
    async with deps.db.transaction() as session:
        round_ = await nominations.open_round(session, spec=spec, actor=nls.actor, now=now)
    await ack(response_action="update", view=nomination_blocks.round_opened_view(round_, nls.t))
    if await post_round(deps, client, round_) is None:
        await client.chat_postMessage(
            channel=body["user"]["id"], text=nls.t("nominations.done.could_not_post", channel=round_.channel_id)
        )


def _selected_user(view: dict[str, Any]) -> str:
    state = ((view.get("state") or {}).get("values") or {}).get(ids.NOMINATION_F_NOMINEE, {})
    chosen = (state.get(ids.NOMINATION_F_NOMINEE) or {}).get("selected_user")
    if not chosen:
        raise Invalid("nominations.error.nominee_missing", field=NominationField.NOMINEE)
    return str(chosen)


def _metadata_id(view: dict[str, Any]) -> int:
    value = str(view.get("private_metadata") or "")
    if not value.isdigit():
        raise Invalid("nominations.error.bad_value")
    return int(value)


@form_errors(fields=nominating_blocks.FIELD_BLOCKS)
async def on_nomination(ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    deps, now = nls.deps, nls.deps.now()
    nominee = _selected_user(view)
    async with deps.db.transaction() as session:
        nomination, notices = await nominations.nominate(
            session, round_id=_metadata_id(view), nominee_user=nominee,
            statement=form_values(view).get(ids.NOMINATION_F_STATEMENT), actor=nls.actor, now=now,
            default_locale=deps.settings.nls_locale,
        )  # fmt: skip
        keys = await queue(deps, session, notices, now=now)
    await ack(response_action="update", view=nomination_blocks.nominated_view(nomination, nls.t))
    await deliver_due(deps, client, keys=keys)
    await refresh_homes(deps, client, [nomination.nominee_user_id])


@form_errors(fields=nominating_blocks.FIELD_BLOCKS)
async def on_ineligible(ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    deps, now = nls.deps, nls.deps.now()
    async with deps.db.transaction() as session:
        nomination, notices = await nominations.mark_ineligible(
            session, nomination_id=_metadata_id(view), reason=form_values(view).get(ids.NOMINATION_F_REASON),
            actor=nls.actor, now=now, default_locale=deps.settings.nls_locale,
        )  # fmt: skip
        keys = await queue(deps, session, notices, now=now)
    await ack(response_action="update", view=nomination_blocks.ineligible_done_view(nomination, nls.t))
    await deliver_due(deps, client, keys=keys)
    await refresh_homes(deps, client, [nomination.nominee_user_id])


async def on_done(ack: Any) -> None:
    """A confirmation has nothing to submit (Slack shows only Close); the shell may still submit it."""
    await ack()
