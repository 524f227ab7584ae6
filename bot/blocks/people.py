"""Messages about people coming and going: the greeting of someone who joins the workspace, and
what the directory does when someone is deactivated in Slack, and what to do next."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.blocks.common import Reply, escape, header, mrkdwn
from bot.infra.i18n import Translator
from bot.services.departures import Departure
from bot.services.errors import Mentions


def departure_notice(departure: Departure, t: Translator) -> Reply:
    """To the organisation's staff and the Secretariat's admins: who left, the vote or seat now
    empty, and the command that fills it (#19's hand-over will make it one button)."""
    name = escape(departure.name)
    blocks: list[Block] = [
        header(t("people.departure.text", name=departure.name)),
        mrkdwn(t("people.departure.deactivated", user=departure.slack_user_id, name=name)),
    ]
    if departure.vote_of is not None:
        blocks.append(mrkdwn(t("people.departure.vote", org=escape(departure.vote_of))))
        blocks.append(mrkdwn(t("people.departure.next_vote", name=name)))
    if departure.seat_of is not None:
        blocks.append(mrkdwn(t("people.departure.seat", org=escape(departure.seat_of))))
        blocks.append(mrkdwn(t("people.departure.next_seat", name=name)))
    return Reply(text=t("people.departure.text", name=departure.name), blocks=blocks)


def greeting(t: Translator, contacts: Mentions | None) -> Reply:
    """To someone who has just joined the workspace, in their language: what the bot is, and (as
    long as the directory does not list them) that being a member goes through the directory and
    whom to ask — a colleague of their organisation who is in it, or the Secretariat."""
    blocks: list[Block] = [header(t("people.greeting.text")), mrkdwn(t("people.greeting.body"))]
    if contacts is not None:
        key = "people.greeting.join" if contacts else "people.greeting.join_secretariat"
        blocks.append(mrkdwn(t(key, contacts=contacts)))
    blocks.append(mrkdwn(t("people.greeting.language")))
    return Reply(text=t("people.greeting.text"), blocks=blocks)
