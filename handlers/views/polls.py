"""Poll modal submissions: creating a poll, and casting a ballot.

Both validate (the form's shape with pydantic, then the service's rules) and write *before*
acknowledging, so a problem comes back inline next to its input with what was typed kept, and a
ballot's receipt view is shown only once the ballot is committed. A channel poll's electorate
(the channel's members) is read from Slack before the acknowledgement too, within a time budget
that leaves room for it; a channel we cannot read is an inline error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks import ids
from bot.blocks import polls as poll_blocks
from bot.services import polls
from bot.services.errors import DomainError, Invalid
from bot.services.polls import Electorate, PollField, PollKind, ResultsShown
from bot.slack.outbound.channels import ChannelUnreadable, channel_members
from bot.slack.outbound.polls import post_poll
from handlers.context import Ctx
from handlers.home import refresh_homes
from handlers.support import form_errors, form_values


def register(app: AsyncApp) -> None:
    app.view(ids.POLL_CREATE)(on_create)
    app.view(ids.POLL_BALLOT_FORM)(on_ballot)


# --- reading a submitted view -----------------------------------------------------------------


@contextmanager
def inline_at(fields: Mapping[str, str]) -> Iterator[None]:
    """Show a service error next to the input it names: services name fields, views name blocks."""
    try:
        yield
    except DomainError as error:
        if error.field in fields:
            error.field = fields[error.field]
        raise


class PollForm(BaseModel):
    """The creation modal's shape; the rules (counts, lengths, dates, who may) are the service's."""

    question: str = ""
    options: str = ""
    kind: PollKind = PollKind.SINGLE
    max_choices: int | None = None
    electorate: Electorate = Electorate.CHANNEL
    channel: str | None = None
    secret: bool = False
    closes_at: datetime | None = None
    quorum: int | None = None
    results: ResultsShown = ResultsShown.AT_CLOSE

    @field_validator("max_choices", "quorum", mode="before")
    @classmethod
    def _blank_number(cls, value: Any) -> Any:
        return None if value in ("", None) else value

    @field_validator("secret", mode="before")
    @classmethod
    def _checked(cls, value: Any) -> bool:
        return bool(value)

    @field_validator("closes_at", mode="before")
    @classmethod
    def _epoch(cls, value: Any) -> datetime | None:
        return None if value in ("", None) else datetime.fromtimestamp(int(value), UTC)


def parse_form(view: Mapping[str, Any], *, locale: str) -> polls.PollSpec:
    """The submitted creation form as a spec; its errors name the domain's fields (`PollField`),
    which `on_create` shows next to the inputs the builder drew them in."""
    values = form_values(view)
    raw = {name.value: values.get(block_id) for name, block_id in poll_blocks.FIELD_BLOCKS.items()}
    try:
        form = PollForm.model_validate({k: v for k, v in raw.items() if v is not None})
    except ValidationError as exc:
        name = str(exc.errors()[0]["loc"][0])
        raise Invalid("polls.error.number", field=_field(name)) from None
    if not form.channel:
        raise Invalid("polls.error.channel_missing", field=PollField.CHANNEL)
    if form.closes_at is None:
        raise Invalid("polls.error.closes_missing", field=PollField.CLOSES_AT)
    return polls.PollSpec(
        question=form.question, options=polls.option_lines(form.options), kind=form.kind,
        electorate=form.electorate, channel_id=form.channel, closes_at=form.closes_at, secret=form.secret,
        results=form.results, max_choices=form.max_choices, quorum=form.quorum, locale=locale,
    )  # fmt: skip


def _field(name: str) -> PollField:
    """The field a value pydantic refused belongs to (the question when it names none of ours)."""
    try:
        return PollField(name)
    except ValueError:
        return PollField.QUESTION


# --- creating a poll -----------------------------------------------------------------------------


async def _electors(client: AsyncWebClient, channel: str, bot_user_id: str | None) -> list[str]:
    """A channel poll's electorate: the channel's members now, the bot excepted."""
    try:
        return await channel_members(client, channel, exclude=bot_user_id)
    except ChannelUnreadable:
        raise Invalid("polls.create.channel_unreadable", field=PollField.CHANNEL, channel=channel) from None


@form_errors(fields=poll_blocks.FIELD_BLOCKS)
async def on_create(
    ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, context: Any, nls: Ctx
) -> None:
    deps, user_id = nls.deps, body["user"]["id"]
    now, today = deps.now(), deps.today()
    spec = polls.validate_spec(parse_form(view, locale=nls.t.locale), now=now)
    if not polls.may_create(nls.actor, spec.electorate, today):
        raise Invalid("polls.error.may_not_create", field=PollField.ELECTORATE)
    electors: list[str] = []
    if spec.electorate is Electorate.CHANNEL:
        electors = await _electors(client, spec.channel_id, context.get("bot_user_id"))
    async with deps.db.transaction() as session:
        poll = await polls.create_poll(
            session, spec=spec, creator_id=user_id, actor=nls.actor, now=now, today=today, electors=electors
        )
    await ack()
    await announce(nls, client, poll, user_id)


async def announce(nls: Ctx, client: AsyncWebClient, poll: polls.PollView, user_id: str) -> None:
    """Post the poll and tell its creator where — or, if it could not be posted, why it was withdrawn."""
    if await post_poll(nls.deps, client, poll) is None:
        await client.chat_postMessage(
            channel=user_id, text=nls.t("polls.create.could_not_post", channel=poll.channel_id)
        )
        return
    await client.chat_postEphemeral(channel=poll.channel_id, user=user_id, text=poll_blocks.posted_reply(poll, nls.t))


# --- casting a ballot -----------------------------------------------------------------------------


def ballot_choices(poll: polls.PollView, view: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(block_id, option position) of every choice on the submitted ballot, in order; a ranked
    ballot's blank preferences are skipped, so ranks 1, 3 count as 1, 2."""
    values = form_values(view)
    if poll.ranked:
        ranks = sorted(
            (int(block.removeprefix(ids.POLL_F_RANK)), value)
            for block, value in values.items()
            if block.startswith(ids.POLL_F_RANK) and value is not None
        )
        return [(f"{ids.POLL_F_RANK}{rank}", _position(value)) for rank, value in ranks]
    chosen = values.get(ids.POLL_F_CHOICE)
    chosen = chosen if isinstance(chosen, list) else [chosen] if chosen is not None else []
    return [(ids.POLL_F_CHOICE, _position(value)) for value in chosen]


def _position(value: Any) -> int:
    """An option value from our own ballot (ids only); anything else is refused, not guessed."""
    if not str(value).isdigit():
        raise Invalid("polls.error.bad_value")
    return int(value)


def _ballot_field(poll: polls.PollView, picks: list[tuple[str, int]], error: DomainError) -> str:
    """Where a ballot error belongs: a repeated preference on its second occurrence."""
    if not poll.ranked:
        return ids.POLL_F_CHOICE
    if error.key == "polls.error.ranked_repeat":
        position = int(error.params["number"]) - 1
        repeats = [block for block, value in picks if value == position]
        return repeats[-1]
    return f"{ids.POLL_F_RANK}1"


@form_errors
async def on_ballot(ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, nls: Ctx) -> None:
    deps, now = nls.deps, nls.deps.now()
    poll_id = _position(view.get("private_metadata"))
    async with deps.db.transaction() as session:
        poll = await polls.get_poll(session, poll_id)
        picks = ballot_choices(poll, view)
        try:
            recorded = await polls.cast_vote(
                session, poll_id=poll_id, choices=[value for _, value in picks], user_id=body["user"]["id"],
                actor=nls.actor, now=now, today=deps.today(now), keys=deps.ballots,
            )  # fmt: skip
        except Invalid as error:
            error.field = _ballot_field(poll, picks, error)
            raise
    await ack(response_action="update", view=poll_blocks.vote_receipt_view(recorded, nls.t))
    await refresh_homes(deps, client, [body["user"]["id"]])
