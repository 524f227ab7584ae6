"""The leads' weekly digest and the network's monthly update.

A digest is read on a phone: the short headline numbers of every feature come first, then the
plan items that need attention (each with its Update button), progress by strategic direction,
and each feature's details. However much there is, it stays within Slack's 50 blocks: lists are
capped and point to `/nls plan all` instead of failing to send.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from slack_sdk.models.blocks import Block, SectionBlock

from bot.blocks.common import Reply, context, divider, escape, fit, header, lines, mrkdwn, one_line
from bot.blocks.facts import render_fact, section_blocks
from bot.blocks.plans import direction_heading, item_text, packed, tally_text, update_button
from bot.infra.i18n import Translator
from bot.services.contributions import Section
from bot.services.digest import LeadDigest, NetworkUpdate
from bot.services.plans import PlanProgress


def _headlines(sections: tuple[Section, ...], t: Translator) -> str:
    """One line per feature: its title, then its numbers."""
    return lines(
        f"*{render_fact(s.title, t)}* — " + " · ".join(render_fact(f, t) for f in s.headline)
        for s in sections
        if s.headline
    )


def _progress(found: PlanProgress, t: Translator) -> str:
    entries = [f"{direction_heading(d, t)}\n{tally_text(d.tally, t)}" for d in found.directions]
    return packed(entries, t, title=f"*{t('plans.digest.progress')}*")


def lead_digest_reply(digest: LeadDigest, t: Translator, now: datetime) -> Reply:
    today = digest.lead.today(now)
    found = digest.attention
    title = t("plans.digest.title", date=t.date(digest.occasion.day))
    blocks: list[Block] = [header(title)]
    headline = _headlines(digest.sections, t)
    blocks.append(mrkdwn(headline or t("plans.digest.quiet")))
    if found.items:
        blocks += [divider(), mrkdwn(f"*{t('plans.digest.attention', count=found.total)}*")]
        blocks += [SectionBlock(text=item_text(i, t, today), accessory=update_button(i, t)) for i in found.items]
        if found.total > len(found.items):
            blocks.append(context(t("plans.digest.attention_more", count=found.total - len(found.items))))
    if digest.progress.directions:
        blocks += [divider(), mrkdwn(_progress(digest.progress, t))]
    for section in digest.sections:
        if section.details or section.more:
            blocks += [divider(), *section_blocks(replace(section, headline=()), t, max_details=8)]
    blocks.append(context(t("plans.digest.footer")))
    text = t("plans.digest.text", overdue=found.overdue, due_soon=found.due_soon, blocked=found.blocked)
    return Reply(text=text, blocks=fit(blocks, more=context(t("plans.digest.truncated"))))


def _network_part(update: NetworkUpdate, t: Translator) -> list[Block]:
    total = update.progress.tally
    intro = t(
        "plans.network.intro",
        plan=escape(update.progress.plan or ""),
        percent=t.percent(total.ratio),
        done=total.done,
        count=total.total,
    )
    directions = [
        t(
            "plans.network.direction",
            number=d.number,
            title=escape(d.title.in_(t.locale)),
            percent=t.percent(d.tally.ratio),
            done=d.tally.done,
            count=d.tally.total,
            overdue=d.tally.overdue,
        )
        for d in update.progress.directions
    ]
    out: list[Block] = [mrkdwn(packed(directions, t, title=intro))]
    if update.completed:
        titles = "\n".join(f"• {escape(one_line(i.title, 120))}" for i in update.highlights)
        out.append(mrkdwn(t("plans.network.completed", count=update.completed) + "\n" + titles))
    return out


def network_update_reply(update: NetworkUpdate, en: Translator, fr: Translator) -> Reply:
    """One post in both official languages, English first."""
    month = update.occasion.day
    titles = [t("plans.network.title", month=t.date(month, "MMMM y")) for t in (en, fr)]
    blocks: list[Block] = [header(" / ".join(titles))]
    blocks += _network_part(update, en)
    blocks += [divider(), *_network_part(update, fr)]
    blocks.append(context(en("plans.network.footer"), fr("plans.network.footer")))
    return Reply(text=" / ".join(titles), blocks=fit(blocks))
