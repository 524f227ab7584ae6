"""Block Kit limits that Slack enforces server-side and slack_sdk does not check on dicts
(message block count, section field length, view size …). Returns a list of problems."""

from __future__ import annotations

import json
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
VIEW_BYTES = 250_000
TEXT_LIMITS = {"section": 3000, "header": 150, "markdown": 12000}
FIELD_LIMIT = 2000
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ID_LIMIT = 255
VIEW_TITLE = 24
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25


def _text_of(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else ""


def _check_element(element: dict[str, Any], where: str, problems: list[str]) -> None:
    if len(element.get("action_id", "")) > ID_LIMIT:
        problems.append(f"{where}: action_id over {ID_LIMIT}")
    if element.get("type") == "button":
        if len(_text_of(element.get("text"))) > BUTTON_TEXT:
            problems.append(f"{where}: button text over {BUTTON_TEXT}")
        if len(element.get("value", "")) > BUTTON_VALUE:
            problems.append(f"{where}: button value over {BUTTON_VALUE}")


def check_blocks(blocks: Any, *, max_blocks: int) -> list[str]:
    problems: list[str] = []
    if blocks is None:
        return problems
    if not isinstance(blocks, list):
        return ["blocks is not a list"]
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks (max {max_blocks})")
    for index, block in enumerate(blocks):
        where = f"blocks[{index}]"
        if not isinstance(block, dict) or "type" not in block:
            problems.append(f"{where}: not a block")
            continue
        kind = block["type"]
        if len(block.get("block_id", "")) > ID_LIMIT:
            problems.append(f"{where}: block_id over {ID_LIMIT}")
        limit = TEXT_LIMITS.get(kind)
        text = _text_of(block.get("text")) if kind != "markdown" else block.get("text", "")
        if limit and len(text) > limit:
            problems.append(f"{where}: {kind} text {len(text)} chars (max {limit})")
        for field in block.get("fields", []) or []:
            if len(_text_of(field)) > FIELD_LIMIT:
                problems.append(f"{where}: field over {FIELD_LIMIT}")
        if kind == "context" and len(block.get("elements", [])) > CONTEXT_ELEMENTS:
            problems.append(f"{where}: context over {CONTEXT_ELEMENTS} elements")
        if kind == "actions" and len(block.get("elements", [])) > ACTIONS_ELEMENTS:
            problems.append(f"{where}: actions over {ACTIONS_ELEMENTS} elements")
        elements = [*block.get("elements", []), block.get("accessory"), block.get("element")]
        for element in elements:
            if isinstance(element, dict):
                _check_element(element, where, problems)
    return problems


def check_message_blocks(blocks: Any) -> list[str]:
    return check_blocks(blocks, max_blocks=MESSAGE_BLOCKS)


def check_view(view: Any) -> list[str]:
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        return ["view must be a modal or home view"]
    problems = check_blocks(view.get("blocks", []), max_blocks=VIEW_BLOCKS)
    if not view.get("blocks"):
        problems.append("a view needs at least one block")
    if view["type"] == "modal":
        title = _text_of(view.get("title"))
        if not title or len(title) > VIEW_TITLE:
            problems.append(f"modal title must be 1-{VIEW_TITLE} characters")
        has_input = any(b.get("type") == "input" for b in view.get("blocks", []) if isinstance(b, dict))
        if has_input and not view.get("submit"):
            problems.append("a modal with inputs needs a submit button")
    if len(json.dumps(view)) > VIEW_BYTES:
        problems.append("view_too_large")
    return problems
