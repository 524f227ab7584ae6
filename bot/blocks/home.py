"""The App Home tab: needs you, your network, find, (for leads) the plan at a glance, language.

A Home holds at most 100 blocks and each text has Slack's limits, so every list is capped and ends
with where to see the rest (`/nls polls`, `/nls plan`, …) rather than failing to publish.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.common import Reply, clip, context, divider, escape, header, lines, mrkdwn
from bot.blocks.facts import render_fact, section_blocks
from bot.blocks.members import role_label
from bot.infra.i18n import Translator
from bot.services.contributions import HomeAction, HomeLink, NeedsYou
from bot.services.home import HomeData

ACTION_IDS: dict[HomeAction, str] = {  # the listener that answers each button a feature offers
    HomeAction.VOTE: ids.POLL_BALLOT,
    HomeAction.UPDATE_ITEM: ids.PLAN_UPDATE,
    HomeAction.SHOW_NOMINATION: ids.NOMINATION_SHOW,
    HomeAction.REVIEW_NOMINATIONS: ids.NOMINATIONS_REVIEW,
    HomeAction.NOMINATE: ids.NOMINATE,
    HomeAction.ANSWER_CONSULTATION: ids.CONSULT_RESPOND,
    HomeAction.MY_RESOURCES: ids.RESOURCE_MINE,
}

VIEW_BLOCK_LIMIT = 100
MAX_NEEDS = 12
MAX_COMMITTEE_LINES = 25
MAX_LINKS = 5


def home_view(data: HomeData, t: Translator, now: datetime, tz: tzinfo) -> View:
    blocks: list[Block] = [header(t("home.title")), _language_toggle(t)]
    if data.member is None:
        blocks.append(mrkdwn(t("home.stranger", contacts=data.contacts)))
    else:
        blocks += _needs_you(data.needs_you, t, now, tz)
        blocks += _your_network(data, t)
    blocks += _find(data.find, t)
    for section in data.lead_stats:
        blocks += [divider(), *section_blocks(section, t, max_details=6)]
    if len(blocks) > VIEW_BLOCK_LIMIT:  # contributors are capped; this is the last safety net
        blocks = [*blocks[: VIEW_BLOCK_LIMIT - 1], context(t("home.truncated"))]
    return View(type="home", blocks=blocks)


def _language_toggle(t: Translator) -> ActionsBlock:
    return ActionsBlock(
        block_id="home_lang_block",
        elements=[
            ButtonElement(
                text="English",
                action_id=f"{ids.HOME_LANG}_en",
                value="en",
                style="primary" if t.locale == "en" else None,
            ),
            ButtonElement(
                text="Français",
                action_id=f"{ids.HOME_LANG}_fr",
                value="fr",
                style="primary" if t.locale == "fr" else None,
            ),
        ],
    )


def _needs_you(items: tuple[NeedsYou, ...], t: Translator, now: datetime, tz: tzinfo) -> list[Block]:
    out: list[Block] = [divider(), header(t("home.needs_you"))]
    if not items:
        return [*out, mrkdwn(t("home.nothing_needed"))]
    for item in items[:MAX_NEEDS]:
        text = render_fact(item.fact, t) + _due_line(item, t, now, tz)
        accessory = None
        if item.action and item.action_label is not None:
            accessory = ButtonElement(
                text=clip(render_fact(item.action_label, t), 75), action_id=ACTION_IDS[item.action], value=item.value or ""
            )
        out.append(SectionBlock(text={"type": "mrkdwn", "text": clip(text, 3000)}, accessory=accessory))
    if len(items) > MAX_NEEDS:
        out.append(context(t("home.more_needs", count=len(items) - MAX_NEEDS)))
    return out


def _due_line(item: NeedsYou, t: Translator, now: datetime, tz: tzinfo) -> str:
    """When it is due: a moment in the reader's time zone, or a calendar day without a time."""
    if item.due_day is not None:
        today = now.astimezone(tz).date()
        key = "home.overdue_day" if item.due_day < today else "home.due_day"
        return "\n" + t(key, day=t.date(item.due_day), count=abs((item.due_day - today).days))
    if item.due is not None:
        key = "home.overdue" if item.due < now else "home.due"
        return "\n" + t(key, when=t.short_datetime(item.due, tz), relative=t.relative(item.due, now))
    return ""


def _your_network(data: HomeData, t: Translator) -> list[Block]:
    member = data.member
    assert member is not None
    roles = ", ".join(role_label(r, t) for r in sorted(member.roles)) or t("members.whois.no_roles")
    org = escape(member.org.name) if member.org else t("members.whois.no_org")
    out: list[Block] = [divider(), header(t("home.your_network")), mrkdwn(t("home.you_are", org=org, roles=roles))]
    committee = [
        t("home.exec_member", user=m.slack_user_id, org=escape(m.org.name if m.org else "—"),
          region=t.choice("regions", m.org.region) if m.org else "—", end=t.date(m.term_end) if m.term_end else "—")
        for m in data.committee.voting
    ] + [t("home.exec_ex_officio", user=m.slack_user_id) for m in data.committee.ex_officio]  # fmt: skip
    if committee:
        shown = committee[:MAX_COMMITTEE_LINES]
        more = len(committee) - len(shown)
        text = (
            f"*{t('home.committee')}*\n" + lines(shown) + (f"\n{t('home.more_committee', count=more)}" if more else "")
        )
        out.append(mrkdwn(text))
    out += [_link_block(link, t) for link in data.network[:MAX_LINKS]]
    return out


def _find(links: tuple[HomeLink, ...], t: Translator) -> list[Block]:
    out: list[Block] = [
        divider(),
        header(t("home.find")),
        InputBlock(
            block_id=ids.HOME_SEARCH_BLOCK,
            label=PlainTextObject(text=t("home.search_label")),
            element=PlainTextInputElement(action_id=ids.HOME_SEARCH, placeholder=t("home.search_placeholder")),
            dispatch_action=True,
            optional=True,
        ),
    ]
    out.append(
        ActionsBlock(
            block_id="home_quick",
            elements=[
                ButtonElement(text=t("feedback.home.button"), action_id=ids.FEEDBACK_OPEN, style="primary"),
                ButtonElement(text=t("home.quick.new_poll"), action_id=ids.HOME_NEW_POLL),
                ButtonElement(text=t("home.quick.add_resource"), action_id=ids.HOME_ADD_RESOURCE),
            ],
        )
    )
    out += [_link_block(link, t) for link in links[:MAX_LINKS]]
    return out


def _link_block(link: HomeLink, t: Translator) -> SectionBlock:
    accessory = None
    if link.action and link.action_label is not None:
        accessory = ButtonElement(
            text=clip(render_fact(link.action_label, t), 75),
            action_id=ACTION_IDS[link.action],
            value=link.value or "",
            url=link.url,
        )
    return SectionBlock(text={"type": "mrkdwn", "text": clip(render_fact(link.fact, t), 3000)}, accessory=accessory)


def welcome_reply(t: Translator, contacts: str | None) -> Reply:
    """The first-contact message: what the bot does, in both languages, and whom to ask to be
    added when the person is not in the directory."""
    blocks: list[Block] = [header(t("welcome.text")), mrkdwn(t("welcome.body"))]
    if contacts:
        blocks.append(mrkdwn(t("welcome.not_in_directory", contacts=contacts)))
    return Reply(text=t("welcome.text"), blocks=blocks)
