"""One envelope check before Bolt: is a signed request a shape our listeners can rely on?

A signature says who sent a body, not that it is well formed, and Bolt and our listeners index
straight into it (`body["user"]["id"]`, `body["actions"][0]`, `view["state"]`…): a signed but
malformed body crashed deep inside them. `check_envelope` reads the body as Bolt would (same
content-type rule and parsing) and checks, with models built once at import, exactly the fields
Bolt's context builders and matchers, our middleware (bot.app) and our listeners (handlers/) read.
What it parsed is what Bolt is handed (bot.transport.front_door.CheckedRequest): checked and
dispatched are the same dict, and the body is parsed once.

Permissive where Slack is: extra fields pass, and so do types of interactivity or events we do not
know (Bolt answers them as unhandled). Absent is fine unless a listener needs the field; null is
refused where Slack omits rather than nulls (`view`, `user`, `blocks`), accepted where it sends it
(`team`, empty inputs). Values we minted (button and option values, `private_metadata`) are refused
when a number in them cannot be a 64-bit id: a number past BIGINT reaches the database as an
overflow that looks like an outage; ids within range stay the listeners' business. A problem names
the shape and the path (keys people chose as `[*]`), never the text or values people sent.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import unquote

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

INT64_MAX = 2**63 - 1
BUTTON_VALUE_LIMIT = 2000  # Slack's limit on a button's value: ours hold ids, or the More button's JSON
TYPED_VALUE_LIMIT = 3000  # Slack's ceiling on a plain_text_input (the Home search box dispatches one)
METADATA_LIMIT = 3000  # Slack's limit on private_metadata
TYPED_ELEMENTS = frozenset({"plain_text_input", "url_text_input", "email_text_input", "number_input"})
_JSON_PUNCTUATION = ' \t\r\n{}[],"'
ABSENT: Any = None  # the default of a field that may be left out, but is refused as null


def _minted(value: str, prefix: str = "") -> str:
    """Listeners split a minted value on ':' and call int() on an all-digit segment (`12`, `12:3`,
    `{"id": 12}`): a non-ASCII digit passes str.isdigit() but not int(), and a number past BIGINT
    fits no id column."""
    for part in value.split(":"):
        word = part.strip(_JSON_PUNCTUATION)
        if word.isdigit() and not word.isascii():
            raise PydanticCustomError("envelope_id", prefix + "holds a number in non-ASCII digits")
        if word.isdigit() and len(word) > 18 and int(word) > INT64_MAX:
            raise PydanticCustomError("envelope_id", prefix + "holds a number beyond 64 bits")
    return value


def _id_or_object(value: Any) -> Any:
    """Bolt reads `user`, `channel`, `team` and `enterprise` as an id or an object with an id
    (`"id" in value`); anything else raises inside its context builder."""
    if value is None or isinstance(value, str) or (isinstance(value, dict) and isinstance(value.get("id", ""), str)):
        return value
    raise PydanticCustomError("envelope_id_or_object", "is neither an id nor an object with a string id")


NonEmpty = Annotated[str, Field(min_length=1)]
Minted = Annotated[str, Field(max_length=BUTTON_VALUE_LIMIT), AfterValidator(_minted)]
Metadata = Annotated[str, Field(max_length=METADATA_LIMIT), AfterValidator(_minted)]
Epoch = Annotated[int, Field(ge=-62_135_596_800, le=253_402_300_799)]  # what datetime.fromtimestamp takes
IdOrObject = Annotated[Any, AfterValidator(_id_or_object)]


class _Shape(BaseModel):
    """Strict types (no "12" for 12, no 1 for "1"); extra fields ignored, never refused."""

    model_config = ConfigDict(strict=True)


class User(_Shape):
    id: NonEmpty
    team_id: str = ABSENT


class Channel(_Shape):
    id: str | None = None


class Option(_Shape):
    value: Minted = ABSENT


class Choices(_Shape):
    """What an input or an action carries, as `handlers.support.state_value` reads it."""

    type: str = ABSENT
    value: str | None = None  # what was typed: the services judge it
    selected_option: Option | None = None
    selected_options: list[Option] | None = None
    selected_user: str | None = None
    selected_users: list[str] | None = None
    selected_date: str | None = None
    selected_time: str | None = None
    selected_date_time: Epoch | None = None  # the poll and round forms call fromtimestamp on it
    selected_conversation: str | None = None
    selected_conversations: list[str] | None = None
    selected_channel: str | None = None
    selected_channels: list[str] | None = None


class State(_Shape):
    values: dict[str, dict[str, Choices]]


class Block(_Shape):
    type: str = ABSENT
    block_id: str = ABSENT

    @model_validator(mode="after")
    def _input_has_id(self) -> Block:
        if self.type == "input" and self.block_id is None:  # bot.app.apology reads b["block_id"]
            raise PydanticCustomError("envelope_input", "is an input block without a block_id")
        return self


class View(_Shape):
    id: str = ABSENT
    type: str = ABSENT
    callback_id: str = ABSENT
    private_metadata: Metadata = ABSENT
    hash: str = ABSENT
    blocks: list[Block] = ABSENT
    state: State = ABSENT
    team_id: str | None = None
    app_installed_team_id: str | None = None


class SubmittedView(View):
    type: Literal["modal"]  # Bolt takes a workflow_step view for a step save and reads body["workflow_step"]
    state: State


class ResponseUrl(_Shape):
    response_url: str


class Message(_Shape):
    """What Bolt's context builders (slack_bolt.request.internals) read at every level they walk
    (the body, its event, a message, a reaction's item, authorizations[0]…) and copy into the
    context: the user our middleware looks up, the channel and thread `say` posts to, the team.
    As a message: its ts, and the text that prefills the resource form."""

    user: IdOrObject = None
    user_id: str | None = None
    channel: IdOrObject = None
    channel_id: str | None = None
    team: IdOrObject = None
    team_id: str | None = None
    enterprise: IdOrObject = None
    enterprise_id: str | None = None
    thread_ts: str | None = None
    ts: str | None = None
    text: str | None = None
    authorizations: list[Message] | None = None  # Bolt reads authorizations[0] as an object
    view: View = ABSENT
    message: Message = ABSENT
    previous_message: Message = ABSENT
    item: Message = ABSENT
    assistant_thread: Message = ABSENT


class LegacyAction(_Shape):
    """Any `actions[i]`: bot.app._describe reads `actions[0].action_id` on every request."""

    action_id: str = ABSENT
    block_id: str = ABSENT
    type: str = ABSENT


class BlockAction(LegacyAction, Choices):
    action_id: NonEmpty  # Bolt matches it, with regular expressions too
    value: Annotated[str, Field(max_length=TYPED_VALUE_LIMIT)] = ABSENT

    @model_validator(mode="after")
    def _value_fits(self) -> BlockAction:
        """A button's value is ours; a dispatched input's value is typed, and the services judge it."""
        if self.value is None or self.type in TYPED_ELEMENTS:
            return self
        if len(self.value) > BUTTON_VALUE_LIMIT:
            raise PydanticCustomError("envelope_value", f"has a value longer than {BUTTON_VALUE_LIMIT} characters")
        _minted(self.value, "has a value that ")
        return self


class Event(Message):
    type: str


class HomeOpened(Event):
    user: NonEmpty  # handlers.events.home reads event["user"]
    channel: str = ABSENT
    tab: str | None = None


class PersonMessage(Event):
    """app_mention and message: handlers.events.resources answers in event["channel"] at event["ts"]."""

    user: str | None = None
    channel: NonEmpty
    ts: NonEmpty
    subtype: str | None = None
    channel_type: str | None = None


class Envelope(Message):
    """What Bolt and our middleware read from any JSON body or interactivity payload."""

    type: str
    command: None = ABSENT  # Bolt would match the body as a slash command: those come form-encoded
    event: Event = ABSENT  # Bolt's IgnoringSelfEvents reads body.get("event", {}).get("bot_id")
    event_id: str = ABSENT
    trigger_id: str = ABSENT
    callback_id: str = ABSENT
    response_url: str | None = None
    response_urls: list[ResponseUrl] = ABSENT
    actions: list[LegacyAction] = ABSENT


class EventCallback(Envelope):
    event: Event
    event_time: int = ABSENT


class UrlVerification(Envelope):
    challenge: str


class Interaction(Envelope):
    """The interactivity types we know: listeners read user.id, and tell() the channel's id."""

    user: User
    channel: Channel = ABSENT


class BlockActions(Interaction):
    trigger_id: NonEmpty
    actions: Annotated[list[BlockAction], Field(min_length=1)]  # Bolt reads actions[0]


class ViewSubmission(Interaction):
    view: SubmittedView


class Shortcut(Interaction):
    callback_id: str
    trigger_id: NonEmpty


class InteractiveMessage(Interaction):
    callback_id: str
    actions: Annotated[list[LegacyAction], Field(min_length=1)]  # Bolt reads actions[0]


class WorkflowStepEdit(Envelope):
    callback_id: str
    workflow_step: dict[str, Any]  # Bolt's to_step reads it for every middleware call


class SlashCommand(_Shape):
    """Form fields are strings: those Bolt and bot.app read as objects, or as a payload type (which
    makes Bolt index `actions` or `workflow_step`), have no business in a command."""

    command: Annotated[str, Field(pattern=r"^/.")]
    user_id: NonEmpty
    trigger_id: NonEmpty  # CommandCall.trigger_id opens modals
    response_url: NonEmpty  # CommandCall.reply after the acknowledgement
    type: None = ABSENT
    event: Event = ABSENT
    actions: list[LegacyAction] = ABSENT
    authorizations: list[Message] | None = None
    view: View = ABSENT
    message: Message = ABSENT


JSON_TYPES: dict[str, type[Envelope]] = {"event_callback": EventCallback, "url_verification": UrlVerification}
INTERACTION_TYPES: dict[str, type[Envelope]] = {
    "block_actions": BlockActions, "view_submission": ViewSubmission, "view_closed": Interaction,
    "shortcut": Shortcut, "message_action": Shortcut, "block_suggestion": Interaction,
    "interactive_message": InteractiveMessage, "workflow_step_edit": WorkflowStepEdit,
}  # fmt: skip
EVENT_TYPES: dict[str, type[Event]] = {
    "app_home_opened": HomeOpened,
    "app_mention": PersonMessage,
    "message": PersonMessage,
}
_PHRASES = {
    "missing": "is missing", "model_type": "is not an object", "dict_type": "is not an object",
    "list_type": "is not a list", "string_type": "is not a string", "int_type": "is not an integer",
    "bool_type": "is not a boolean", "too_short": "is empty", "string_too_short": "is empty",
    "string_pattern_mismatch": "is not of the expected form", "greater_than_equal": "is out of range",
    "less_than_equal": "is out of range", "none_required": "is not expected here",
}  # fmt: skip


def _shapes(model: type[_Shape]) -> list[type[_Shape]]:
    return [model, *(shape for sub in model.__subclasses__() for shape in _shapes(sub))]


FIELD_NAMES = frozenset(name for shape in _shapes(_Shape) for name in shape.model_fields)  # others: keys people chose


@dataclass(frozen=True)
class Checked:
    """A body that passed: its text, and what Bolt makes of it (`slack_bolt.request.internals.parse_body`),
    parsed here once for both (a modal's form body took ~1 ms to decode, each time)."""

    text: str
    body: dict[str, Any]


def check_envelope(body: bytes, content_type: str) -> Checked | str:
    """The parsed body when `body` (sent with this Content-Type header) is a shape our listeners can
    rely on, else a short description of what is wrong, safe to log: a shape and a path, no user text."""
    try:
        text = body.decode("utf-8")  # as Bolt's Starlette adapter decodes it
    except UnicodeDecodeError:
        return "body is not UTF-8"
    if not text:
        return "body is empty"
    try:
        if (content_type or "").split(";")[0] == "application/json" or text.startswith("{"):  # Bolt's rule
            parsed = _json_body(text)
        else:
            parsed = _form_body(text)
    except RecursionError:  # json.loads on deeply nested input: not a ValueError, so Bolt would answer 500
        return "body is nested too deeply"
    return parsed if isinstance(parsed, str) else Checked(text, parsed)


def envelope_problem(body: bytes, content_type: str) -> str | None:
    """What `check_envelope` finds wrong with `body`, or None."""
    checked = check_envelope(body, content_type)
    return checked if isinstance(checked, str) else None


def _json_body(text: str) -> dict[str, Any] | str:
    data = _load(text)
    if isinstance(data, str):
        return "JSON body " + data
    kind = data.get("type")
    model = JSON_TYPES.get(kind, Envelope) if isinstance(kind, str) else Envelope
    event = data.get("event")
    event_type = event.get("type") if model is EventCallback and isinstance(event, dict) else None
    specific = EVENT_TYPES.get(event_type) if isinstance(event_type, str) else None
    shape = f"event_callback({event_type})" if specific else str(kind) if model is not Envelope else "JSON body"
    return _check(model, data, shape) or (_check(specific, event, shape, ("event",)) if specific else None) or data


def form_fields(text: str) -> dict[str, str]:
    """`dict(parse_qsl(text, keep_blank_values=True))`, as Bolt reads a form (the last value of a
    name wins), with each field decoded by `_unquote`."""
    fields = {}
    for pair in text.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            fields[_unquote(name.replace("+", " "))] = _unquote(value.replace("+", " "))
    return fields


def _unquote(text: str) -> str:
    """`urllib.parse.unquote(text)` (UTF-8, undecodable bytes replaced). Its loop in Python over
    each escape took ~1 ms for a modal's payload, nearly every character of which is escaped; an
    ASCII text whose every `%` begins an escape (all Slack sends) is decoded here by the codec
    that reads `\\xHH`, in C, and any other text by `unquote` itself."""
    if "%" not in text:
        return text
    if text.isascii():
        try:
            escaped = text.replace("\\", "\\\\").replace("%", "\\x").encode("ascii")
            return codecs.escape_decode(escaped)[0].decode("utf-8", "replace")
        except ValueError:  # a `%` not followed by two hexadecimal digits
            pass
    return unquote(text)


def _form_body(text: str) -> dict[str, Any] | str:
    form = form_fields(text)
    if "payload" in form:
        data = _load(form["payload"])
        if isinstance(data, str):
            return "interactivity payload " + data
        kind = data.get("type")
        shape = kind if isinstance(kind, str) and kind in INTERACTION_TYPES else "interactivity payload"
        return _check(INTERACTION_TYPES.get(shape, Envelope), data, shape) or data
    if "command" in form:
        return _check(SlashCommand, form, "slash command") or _as_bolt_reads(text, form)
    if form.get("ssl_check") == "1":  # Slack checking our certificate: Bolt answers it first
        return _as_bolt_reads(text, form)
    return "form body has neither command nor payload"


def _as_bolt_reads(text: str, form: dict[str, str]) -> dict[str, Any]:
    """A form without a `payload` field, as Bolt reads it: Bolt looks for the word in the whole
    text, and where it finds it (a command's text that says "payload") takes the body for an
    interactivity payload, finds none, and reads an empty body. Kept as Bolt has it."""
    return {} if "payload" in text else form


def _load(text: str) -> dict[str, Any] | str:
    """The JSON object in `text`, or what is wrong with it."""
    try:
        data = json.loads(text)
    except ValueError:
        return "is not valid JSON"
    if not isinstance(data, dict):
        return "is not a JSON object"
    if "\\ud" in text or "\\uD" in text:  # json.loads turns an unpaired \uD800-\uDFFF into a lone surrogate,
        try:  # which every later encode (the database, Slack, the log) refuses with an exception
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return "holds an unpaired UTF-16 surrogate"
    return data


def _check(model: type[BaseModel], data: Any, shape: str, prefix: tuple[str, ...] = ()) -> str | None:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False, include_input=False)[0]
        return f"{shape}: {_where((*prefix, *error['loc']))} {_phrase(error)}"
    return None


def _where(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + part if part in FIELD_NAMES else "[*]"
    return path or "the body"


def _phrase(error: Any) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind.startswith("envelope_"):
        return error["msg"]
    if kind == "string_too_long":
        return f"is longer than {ctx['max_length']} characters"
    if kind == "literal_error":
        return f"is not {ctx['expected']}"
    return _PHRASES.get(kind, "is malformed")
