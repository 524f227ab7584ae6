"""Block Kit → terminal text. The shell shows exactly the blocks the bot sends to Slack (one
renderer, no second UI); interactive elements are numbered so they can be pressed."""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
BARE_LINK = re.compile(r"<(https?://[^|>]+)>")
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]+))?>")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]+))?>")
SPECIAL = re.compile(r"<!(\w+)(?:\|([^>]+))?>")
WIDTH = 100


@dataclass
class Pressable:
    """A button, or a choice of a select/overflow, the user can press by number."""

    label: str
    action: dict[str, Any]  # the element, as Slack would send it back in block_actions
    block_id: str
    surface: Surface


@dataclass
class Surface:
    """Where an element lives: a message (channel + ts, or an ephemeral reply) or a view."""

    kind: str  # "message" | "ephemeral" | "view"
    channel: str | None = None
    ts: str | None = None
    view: dict[str, Any] | None = None
    blocks: list[dict[str, Any]] = field(default_factory=list)


def mrkdwn_to_text(text: str, names: dict[str, str] | None = None) -> str:
    names = names or {}
    text = LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = BARE_LINK.sub(lambda m: m.group(1), text)
    text = MENTION.sub(lambda m: "@" + (names.get(m.group(1)) or m.group(2) or m.group(1)), text)
    text = CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1).lower()), text)
    text = SPECIAL.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    return html.unescape(text)  # &lt; &gt; &amp; as the reader would see them


def _text(obj: Any, names: dict[str, str]) -> str:
    if not isinstance(obj, dict):
        return ""
    raw = obj.get("text", "")
    return mrkdwn_to_text(raw, names) if obj.get("type") == "mrkdwn" else html.unescape(raw)


def _wrap(text: str, indent: str = "  ") -> list[str]:
    out = []
    for line in text.splitlines() or [""]:
        out.extend(textwrap.wrap(line, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ") or [indent])
    return out


class Renderer:
    def __init__(self, names: dict[str, str] | None = None) -> None:
        self.names = names if names is not None else {}
        self.pressables: list[Pressable] = []

    def reset(self) -> None:
        self.pressables.clear()

    def _press(self, label: str, element: dict[str, Any], block_id: str, surface: Surface) -> str:
        self.pressables.append(Pressable(label, element, block_id, surface))
        return f"[{len(self.pressables)}] {label}"

    def _elements(self, elements: list[dict[str, Any]], block_id: str, surface: Surface) -> list[str]:
        out = []
        for element in elements:
            kind = element.get("type")
            if kind == "button":
                label = _text(element.get("text"), self.names)
                out.append(self._press(label, element, block_id, surface))
            elif kind in ("overflow", "static_select", "radio_buttons"):
                for option in element.get("options", []):
                    chosen = {**element, "selected_option": option}
                    out.append(self._press(_text(option.get("text"), self.names), chosen, block_id, surface))
        return out

    def blocks(self, blocks: list[dict[str, Any]], surface: Surface) -> list[str]:
        out: list[str] = []
        for block in blocks:
            kind = block.get("type")
            block_id = block.get("block_id", "")
            if kind == "header":
                out.append("  " + _text(block.get("text"), self.names).upper())
            elif kind == "section":
                if block.get("text"):
                    out.extend(_wrap(_text(block["text"], self.names)))
                for f in block.get("fields", []) or []:
                    out.extend(_wrap(_text(f, self.names), "    "))
                if block.get("accessory"):
                    buttons = self._elements([block["accessory"]], block_id, surface)
                    if buttons:
                        out.append("      " + "   ".join(buttons))
            elif kind == "context":
                parts = [_text(e, self.names) for e in block.get("elements", []) if e.get("type") != "image"]
                out.extend(_wrap(" · ".join(parts), "    "))
            elif kind == "divider":
                out.append("  " + "─" * 40)
            elif kind == "actions":
                out.append("      " + "   ".join(self._elements(block.get("elements", []), block_id, surface)))
            elif kind == "input":
                out.append(f"  ▸ {_text(block.get('label'), self.names)}")
            elif kind == "markdown":
                out.extend(_wrap(block.get("text", "")))
            elif kind == "rich_text":
                out.extend(_wrap("(rich text)"))
        return out

    def message(self, title: str, payload: dict[str, Any], surface: Surface) -> str:
        lines = [f"┌ {title}"]
        if payload.get("blocks"):
            lines.extend(self.blocks(payload["blocks"], surface))
        else:
            lines.extend(_wrap(mrkdwn_to_text(payload.get("text", ""), self.names)))
        lines.append("└")
        return "\n".join(lines)

    def view(self, view: dict[str, Any], surface: Surface) -> str:
        title = _text(view.get("title"), self.names) or "Home"
        lines = [f"╔ {title}" if view.get("type") == "modal" else "╔ App Home"]
        lines.extend(self.blocks(view.get("blocks", []), surface))
        lines.append("╚")
        return "\n".join(lines)
