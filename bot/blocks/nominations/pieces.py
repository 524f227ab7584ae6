"""The small pieces every nominations message is built of: buttons and their confirmations, a
nominee or an organisation in one line, a statement quoted, a round's facts, a form's input and the
confirmation a modal turns into. User text (names, statements) is escaped here."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from slack_sdk.models.blocks import Block, ButtonElement, ConfirmObject, InputBlock
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.common import clip, escape, mrkdwn
from bot.infra.i18n import Translator
from bot.services.members import OrgInfo
from bot.services.nominations import STATEMENT_LIMIT, NominationView, Reservation, RoundView


def at(value: datetime, t: Translator, tz: tzinfo) -> str:
    return f"{t.short_datetime(value, tz)} ({value.astimezone(tz).tzname()})"


def button(text: str, action_id: str, value: str, **kwargs: Any) -> ButtonElement:
    return ButtonElement(text=clip(text, 75), action_id=action_id, value=value, **kwargs)


def confirm(t: Translator, key: str, *, danger: bool = False, **params: Any) -> ConfirmObject:
    """A Block Kit confirmation from `<key>_title`, `<key>_text` and `<key>_ok`."""
    return ConfirmObject(
        title=clip(t(f"{key}_title", **params), 100), text=clip(t(f"{key}_text", **params), 300),
        confirm=clip(t(f"{key}_ok", **params), 30), deny=clip(t("nominations.confirm.back"), 30),
        style="danger" if danger else None,
    )  # fmt: skip


def reservation_label(reserved: Reservation, t: Translator) -> str:
    if reserved.by == "region":
        return t("nominations.reserved.region", region=t.choice("regions", reserved.value))
    return t("nominations.reserved.kind", kind=reserved.value)


def org_line(org: OrgInfo, t: Translator) -> str:
    """`Halifax LIP (LIP, Atlantic)`, escaped."""
    return t("nominations.org", org=escape(org.name), kind=org.kind.value, region=t.choice("regions", org.region))


def who(nomination: NominationView, t: Translator) -> str:
    return f"*{escape(nomination.nominee_name)}* (<@{nomination.nominee_user_id}>) — {org_line(nomination.org, t)}"


def quote(text: str, limit: int = STATEMENT_LIMIT) -> str:
    return "\n".join(f"> {line}" for line in escape(clip(text, limit)).splitlines() if line.strip()) or "> —"


def round_facts(round_: RoundView, t: Translator, tz: tzinfo) -> list[str]:
    """Seats, reservations, method, term and the two deadlines, one per line."""
    facts = [t("nominations.round.seats", count=round_.seats)]
    if round_.reserved:
        facts.append(t("nominations.round.reserved", seats=", ".join(reservation_label(r, t) for r in round_.reserved)))
    facts += [
        t(f"nominations.method.{round_.method.value}"),
        t("nominations.round.term", count=round_.term_years),
        t("nominations.round.nominations_close", when=at(round_.nominations_close_at, t, tz)),
        t("nominations.round.election_closes", when=at(round_.election_closes_at, t, tz)),
    ]
    return facts


def form_input(
    block_id: str, label: str, element: Any, *, hint: str | None = None, optional: bool = False
) -> InputBlock:
    return InputBlock(block_id=block_id, label=clip(label, 2000), element=element, hint=hint, optional=optional)


def form_view(
    t: Translator,
    callback_id: str,
    blocks: list[Block],
    *,
    title: str,
    submit: str,
    private_metadata: str | None = None,
) -> View:
    """A nominations form: its title and Submit, and the same Close on every one (Slack's 24 characters)."""
    return View(
        type="modal", callback_id=callback_id, private_metadata=private_metadata, title=clip(title, 24),
        submit=clip(submit, 24), close=clip(t("nominations.form.close"), 24), blocks=blocks,
    )  # fmt: skip


def done_view(t: Translator, text: str) -> View:
    return View(
        type="modal", callback_id=ids.NOMINATION_DONE, title=clip(t("nominations.form.done_title"), 24),
        close=clip(t("nominations.form.done_close"), 24), blocks=[mrkdwn(text)],
    )  # fmt: skip
