"""Shared pieces for builders: escaping, the `Reply` pair (fallback text + blocks), truncation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

MESSAGE_BLOCK_LIMIT = 50
SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150


def escape(text: str | None) -> str:
    """Make user-written text inert in mrkdwn: `<!channel>`, `<@U…>` and `<url|label>` show as
    typed and ping or disguise nothing (Slack's three control characters become entities)."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """A mrkdwn link whose label is user text; the URL must already be validated http(s)."""
    safe_url = url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace(" ", "%20")
    return f"<{safe_url}|{escape(label).replace('|', '¦')}>"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text: str | None, limit: int = 200) -> str:
    return clip(" ".join((text or "").split()), limit)


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(text, HEADER_LIMIT), emoji=True))


def mrkdwn(text: str, **kwargs: Any) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_TEXT_LIMIT)), **kwargs)


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(t, 2000)) for t in texts[:10]])


def divider() -> DividerBlock:
    return DividerBlock()


def bar(ratio: float, width: int = 10) -> str:
    """A text bar for counts and progress, readable on a phone: ▓▓▓▓░░░░░░."""
    filled = round(max(0.0, min(1.0, ratio)) * width)
    return "▓" * filled + "░" * (width - filled)


@dataclass
class Reply:
    """A message: plain `text` (notifications, screen readers, the shell) plus `blocks`."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def blocks_dicts(self) -> list[dict[str, Any]]:
        return [block.to_dict() for block in self.blocks]

    def as_message(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks_dicts()}


def fit(blocks: Sequence[Block], more: Block | None = None, limit: int = MESSAGE_BLOCK_LIMIT) -> list[Block]:
    """Keep a message within Slack's block limit, ending with `more` (a pointer to the full list)
    when something had to be left out."""
    if len(blocks) <= limit:
        return list(blocks)
    keep = limit - (1 if more is not None else 0)
    return [*blocks[:keep], *([more] if more is not None else [])]


def lines(items: Iterable[str]) -> str:
    return "\n".join(items)
