"""Helpers every listener shares: telling the user something privately where they are, and
turning domain errors into messages (ephemeral text, or inline modal errors)."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.common import Reply, escape
from bot.infra.i18n import Translator
from bot.services.errors import DomainError
from bot.transport.admission import QueuedAck

log = logging.getLogger(__name__)


def explain(error: DomainError, t: Translator) -> str:
    """The refusal in the person's language. Parameters may carry user text (a title, a name), so
    text is escaped; `Mentions` are the one markup our own code adds on purpose."""
    params = {k: escape(v) if isinstance(v, str) else v for k, v in error.params.items()}
    return t(error.key, **params)


async def tell(body: dict[str, Any], client: AsyncWebClient, message: str | Reply, *, respond: Any = None) -> None:
    """Answer the user privately in the place they acted: through `response_url` when Slack gave
    one, as an ephemeral message in the channel, or else in their DM with the bot."""
    reply = message if isinstance(message, Reply) else Reply(text=message)
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    if respond is not None and (body.get("response_url") or body.get("response_urls")):
        await respond(**reply.as_message(), response_type="ephemeral", replace_original=False)
        return
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
    if channel and not channel.startswith("D"):
        await client.chat_postEphemeral(channel=channel, user=user, **reply.as_message())
    else:
        await client.chat_postMessage(channel=user, **reply.as_message())


Listener = Callable[..., Awaitable[None]]


async def take_turn(ack: Any) -> None:
    """For event listeners, first thing: wait for a work slot, as every other listener does after
    its `ack()` (see bot.transport.admission); Bolt acknowledged the event before the listener started."""
    if isinstance(ack, QueuedAck):
        await ack.take_turn()


@functools.cache
def _parameters(listener: Listener) -> tuple[str, ...]:
    return tuple(inspect.signature(listener).parameters)  # read once: signature() is slow per request


def _call(listener: Listener, args: AsyncArgs) -> Awaitable[None]:
    """Call `listener` with the arguments it names, as Bolt would (our `nls` context included)."""
    names = _parameters(listener)
    return listener(**{n: getattr(args, n) if hasattr(args, n) else args.context.get(n) for n in names})


def domain_errors(listener: Listener) -> Listener:
    """For actions, shortcuts and commands: a DomainError becomes a private message to the user
    (acknowledging first if the listener had not yet), and nothing else happens."""

    async def guarded(args: AsyncArgs) -> None:
        try:
            await _call(listener, args)
        except DomainError as error:
            if args.ack.response is None:
                await args.ack()
            t = args.context["nls"].t
            await tell(args.body, args.client, explain(error, t), respond=args.respond)

    guarded.__name__ = listener.__name__
    return guarded


def form_errors(
    listener: Listener | None = None, /, *, fields: Mapping[str, str] | None = None
) -> Listener | Callable[[Listener], Listener]:
    """For view submissions: a DomainError naming a `field` is shown inline in the modal, keeping
    what the user typed; one without a field (or one the form does not draw) goes to the first input.

    Services name the domain's fields (`PlanField.DUE`); `fields` maps them to the form's block ids,
    which only the builder knows: `@form_errors(fields=plan_blocks.FIELD_BLOCKS)`."""
    if listener is None:
        return functools.partial(form_errors, fields=fields)

    async def guarded(args: AsyncArgs) -> None:
        try:
            await _call(listener, args)
        except DomainError as error:
            message = explain(error, args.context["nls"].t)
            block_id = _block_of(error.field, fields) or first_input_block(args.body)
            if args.ack.response is not None:
                await tell(args.body, args.client, message)
            elif block_id:
                await args.ack(response_action="errors", errors={block_id: message[:2000]})
            else:
                await args.ack()
                await tell(args.body, args.client, message)

    guarded.__name__ = listener.__name__
    return guarded


def _block_of(field: str | None, fields: Mapping[str, str] | None) -> str | None:
    if field is None:
        return None
    # Without `fields` the listener placed the error itself (a ballot's repeated rank: its block id).
    return field if fields is None else fields.get(field)


def first_input_block(body: dict[str, Any]) -> str | None:
    for block in body.get("view", {}).get("blocks", []):
        if block.get("type") == "input":
            return block.get("block_id")
    return None


def state_value(state: Mapping[str, Any]) -> Any:
    """One input's value as Slack sends it in `view.state.values`, whatever the element."""
    if "selected_option" in state:
        return (state["selected_option"] or {}).get("value")
    if "selected_options" in state:
        return [o.get("value") for o in state["selected_options"] or []]
    for key in (
        "selected_user", "selected_users", "selected_date", "selected_time", "selected_date_time",
        "selected_conversation", "selected_conversations", "selected_channel", "selected_channels",
    ):  # fmt: skip
        if key in state:
            return state[key]
    return state.get("value")


def form_values(view: Mapping[str, Any]) -> dict[str, Any]:
    """block_id → value for every input of a submitted view (one element per input block)."""
    values = (view.get("state") or {}).get("values") or {}
    return {block_id: state_value(next(iter(actions.values()), {})) for block_id, actions in values.items()}


async def fetch_profile(client: AsyncWebClient, user_id: str, *, seconds: float) -> dict[str, Any] | None:
    """A person's Slack profile with their locale (`users.info`), or None if Slack does not give it
    within `seconds`: every caller can go on without it (the cached profile, the default language)."""
    try:
        async with asyncio.timeout(seconds):
            answer = await client.users_info(user=user_id, include_locale=True)
        return dict(answer.get("user") or {})
    except Exception:
        log.info("profile fetch failed for a user", exc_info=True)
        return None
