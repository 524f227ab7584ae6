"""Filling in a modal the way Slack's client would: from a view's input blocks and the answers a
person typed, build the `state.values` Slack sends with `view_submission`.

A date and time typed without an offset is a wall-clock time in `tz`: the shell passes the
network's zone (`NLS_TIMEZONE`), as a person in Slack picks times in their own, never the zone of
the machine the shell happens to run on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any


@dataclass(frozen=True)
class Field:
    block_id: str
    action_id: str
    label: str
    element: dict[str, Any]
    optional: bool

    @property
    def kind(self) -> str:
        return self.element.get("type", "plain_text_input")

    @property
    def options(self) -> list[dict[str, Any]]:
        return self.element.get("options", [])

    def prompt(self, tz: tzinfo = UTC) -> str:
        hint = {
            "datepicker": "YYYY-MM-DD",
            "timepicker": "HH:MM",
            "datetimepicker": f"YYYY-MM-DD HH:MM, {tz} time",
            "users_select": "@name",
            "multi_users_select": "@name, @name",
            "conversations_select": "#channel",
            "channels_select": "#channel",
            "multi_conversations_select": "#channel, #channel",
            "multi_static_select": "numbers, comma-separated",
            "checkboxes": "numbers, comma-separated",
            "static_select": "number",
            "radio_buttons": "number",
            "number_input": "number",
        }.get(self.kind, "text; \\n for a new line" if self.element.get("multiline") else "text")
        default = initial_display(self.element, tz)
        extra = f", Enter keeps {default!r}" if default else (", Enter to skip" if self.optional else "")
        return f"{self.label} ({hint}{extra}): "


def fields_of(view: dict[str, Any]) -> list[Field]:
    out = []
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block.get("element", {})
        out.append(
            Field(
                block_id=block["block_id"],
                action_id=element.get("action_id", ""),
                label=(block.get("label") or {}).get("text", block["block_id"]),
                element=element,
                optional=bool(block.get("optional")),
            )
        )
    return out


def initial_display(element: dict[str, Any], tz: tzinfo = UTC) -> str:
    if element.get("initial_date_time"):
        return f"{datetime.fromtimestamp(int(element['initial_date_time']), tz):%Y-%m-%d %H:%M}"
    for key in (
        "initial_value",
        "initial_date",
        "initial_time",
        "initial_user",
        "initial_conversation",
        "initial_channel",
    ):
        if element.get(key):
            return str(element[key])
    if element.get("initial_option"):
        return element["initial_option"]["text"]["text"]
    if element.get("initial_options"):
        return ", ".join(o["text"]["text"] for o in element["initial_options"])
    return ""


def _pick(options: list[dict[str, Any]], answer: str) -> dict[str, Any] | None:
    answer = answer.strip()
    if answer.isdigit() and 1 <= int(answer) <= len(options):
        return options[int(answer) - 1]
    for option in options:
        if answer in (option.get("value"), option["text"]["text"]):
            return option
    return None


def value_for(
    field: Field, answer: str | None, resolve_user: Callable[[str], str | None] = lambda s: s, *, tz: tzinfo = UTC
) -> dict[str, Any]:
    """The state value for one input; an empty answer keeps the element's initial value."""
    el, kind = field.element, field.kind
    raw = (answer or "").replace("\\n", "\n")
    blank = not raw.strip()
    state: dict[str, Any] = {"type": kind}
    if kind in ("static_select", "radio_buttons"):
        state["selected_option"] = el.get("initial_option") if blank else _pick(field.options, raw)
    elif kind in ("multi_static_select", "checkboxes"):
        picks = [_pick(field.options, part) for part in raw.split(",")] if not blank else el.get("initial_options", [])
        state["selected_options"] = [p for p in picks if p]
    elif kind == "datepicker":
        state["selected_date"] = el.get("initial_date") if blank else raw.strip()
    elif kind == "timepicker":
        state["selected_time"] = el.get("initial_time") if blank else raw.strip()
    elif kind == "datetimepicker":
        state["selected_date_time"] = el.get("initial_date_time") if blank else typed_moment(raw, tz)
    elif kind == "users_select":
        state["selected_user"] = el.get("initial_user") if blank else resolve_user(raw.strip())
    elif kind == "multi_users_select":
        picked = [resolve_user(p.strip()) for p in raw.split(",") if p.strip()]
        state["selected_users"] = el.get("initial_users", []) if blank else [p for p in picked if p]
    elif kind in ("conversations_select", "channels_select"):
        key = "selected_conversation" if kind == "conversations_select" else "selected_channel"
        state[key] = el.get(f"initial_{key.split('_')[1]}") if blank else channel_id(raw)
    elif kind == "multi_conversations_select":
        state["selected_conversations"] = [channel_id(p) for p in raw.split(",") if p.strip()]
    else:  # plain_text_input, number_input, url_text_input, email_text_input
        state["value"] = el.get("initial_value") if blank else raw
    return state


def typed_moment(answer: str, tz: tzinfo) -> int | None:
    """`2026-03-17 17:00` (or with an offset) as the Unix time a date-time picker sends; None for
    what is not a date and time, which the modal then asks for again like an empty picker."""
    try:
        moment = datetime.fromisoformat(answer.strip())
    except ValueError:
        return None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=tz)).timestamp())


def channel_id(answer: str) -> str:
    """The shell's channels are named, Slack's have ids: `#general` stands for `CGENERAL`."""
    name = answer.strip().lstrip("#")
    return name if name[:1] in ("C", "G", "D") and name.isupper() else "C" + name.upper().replace("-", "")


def state_values(
    view: dict[str, Any],
    answers: dict[str, str | None],
    resolve_user: Callable[[str], str | None] = lambda s: s,
    *,
    tz: tzinfo = UTC,
) -> dict[str, Any]:
    return {
        f.block_id: {f.action_id: value_for(f, answers.get(f.block_id), resolve_user, tz=tz)} for f in fields_of(view)
    }
