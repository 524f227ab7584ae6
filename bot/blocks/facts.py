"""Rendering `Fact`s and `Section`s (what features contribute to the digest and the Home)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from bot.blocks.common import context, escape, lines, mrkdwn
from bot.infra.i18n import Translator
from bot.services.contributions import Fact, Section


def render_fact(fact: Fact, t: Translator) -> str:
    """`t(key, **params)` with every text parameter escaped: facts may carry user-written text
    (a poll question, a resource title) that must not ping or disguise a link. A parameter that
    is itself a Fact (a topic's name) is rendered first, in the same language."""
    params: dict[str, Any] = {
        k: render_fact(v, t) if isinstance(v, Fact) else escape(v) if isinstance(v, str) else v
        for k, v in fact.params.items()
    }
    return t(fact.key, **params)


def section_blocks(section: Section, t: Translator, *, max_details: int = 10) -> list[Block]:
    """Headline numbers first (one line), then details, then where to see the rest."""
    out: list[Block] = [mrkdwn(f"*{render_fact(section.title, t)}*")]
    if section.headline:
        out.append(context(*(render_fact(f, t) for f in section.headline)))
    details = [render_fact(f, t) for f in section.details[:max_details]]
    if details:
        out.append(mrkdwn(lines(details)))
    if section.more is not None:
        out.append(context(render_fact(section.more, t)))
    return out
