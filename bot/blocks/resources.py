"""Block Kit for the resource repository: search answers, shared resources, the add/edit form,
the owners' review DM.

Resource text is written by members, so it is shown inert: the title goes into a mrkdwn link
label with Slack's control characters escaped and its formatting characters replaced by
look-alikes (a title `*bold*` stays literal, `<!channel>` pings no one), and the description is
a `plain_text` object, which Slack never interprets. Links are built only from addresses the
service validated as http(s).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.common import Reply, clip, context, escape, fit, header, link, mrkdwn, one_line
from bot.infra.i18n import Translator
from bot.services.members import PROVINCES
from bot.services.resources import (
    LIMITS,
    NATIONAL,
    ResourceField,
    ResourceKind,
    ResourceLanguage,
    ResourceView,
    SearchPage,
)

# The form's fields, by the name the service uses for them, and the input block showing each.
FIELD_BLOCKS: dict[ResourceField, str] = {
    ResourceField.TITLE: ids.RESOURCE_TITLE,
    ResourceField.URL: ids.RESOURCE_URL,
    ResourceField.DESCRIPTION: ids.RESOURCE_DESCRIPTION,
    ResourceField.TAGS: ids.RESOURCE_TAGS,
    ResourceField.LANGUAGE: ids.RESOURCE_LANGUAGE,
    ResourceField.PROVINCE: ids.RESOURCE_PROVINCE,
    ResourceField.KIND: ids.RESOURCE_KIND,
    ResourceField.OWNER: ids.RESOURCE_OWNER,
}
LOOKALIKES = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})
REVIEW_ITEMS = 12  # 3 blocks each: well within a message's 50


def inert(text: str) -> str:
    """User text for mrkdwn that can neither ping, link nor format."""
    return escape(text).translate(LOOKALIKES)


def title_line(resource: ResourceView) -> str:
    title = clip(resource.title, 200).translate(LOOKALIKES)
    return f"*{link(resource.url, title) if resource.url else escape(title)}*"  # link() escapes its label


def meta_line(resource: ResourceView, t: Translator) -> str:
    parts = [
        t.choice("resources.kind", resource.kind.value),
        t.choice("resources.language", resource.language.value),
        t.choice("resources.province", resource.province or NATIONAL),
    ]
    if resource.tags:
        parts.append(" ".join(f"#{inert(tag)}" for tag in resource.tags[:6]))
    return " · ".join(parts)


def _button(label: str, action_id: str, value: str, style: str | None = None, **kwargs: Any) -> ButtonElement:
    return ButtonElement(text=clip(label, 75), action_id=action_id, value=value, style=style, **kwargs)


def _retire_confirm(resource: ResourceView, t: Translator) -> ConfirmObject:
    return ConfirmObject(
        title=t("resources.confirm.retire_title"),
        text=clip(t("resources.confirm.retire_text", title=inert(clip(resource.title, 200))), 300),  # mrkdwn
        confirm=t("resources.confirm.retire_yes"),
        deny=t("resources.confirm.cancel"),
        style="danger",
    )


def resource_blocks(
    resource: ResourceView, t: Translator, *, share: bool = False, editable: bool = False
) -> list[Block]:
    """One resource: the title as a link, a one-line description, then kind, language,
    province and topics; buttons only where the reader can use them."""
    accessory = _button(t("resources.button.share"), ids.RESOURCE_SHARE, str(resource.id)) if share else None
    blocks: list[Block] = [
        SectionBlock(
            block_id=f"resource:{resource.id}", text=MarkdownTextObject(text=title_line(resource)), accessory=accessory
        )
    ]
    if resource.description.strip():
        # plain_text: never formatted; escaped too, as Slack decodes entities in every text object
        text = escape(one_line(resource.description, 200))
        blocks.append(SectionBlock(text=PlainTextObject(text=text, emoji=False)))
    blocks.append(context(meta_line(resource, t)))
    if editable:
        blocks.append(
            ActionsBlock(
                block_id=f"resource_manage:{resource.id}",
                elements=[
                    _button(t("resources.button.edit"), ids.RESOURCE_EDIT, str(resource.id)),
                    _button(
                        t("resources.button.retire"),
                        ids.RESOURCE_RETIRE,
                        str(resource.id),
                        "danger",
                        confirm=_retire_confirm(resource, t),
                    ),
                ],
            )
        )
    return blocks


def more_value(query: str, offset: int) -> str:
    """The More button's value: the query as it was understood and where the next page starts.
    Nothing in it grants anything: pressing it re-runs the search for whoever presses."""
    return json.dumps({"q": query, "o": offset}, ensure_ascii=False)[:2000]


def parse_more_value(value: str) -> tuple[str, int]:
    try:
        data = json.loads(value)
        return str(data["q"]), max(0, int(data["o"]))
    except (ValueError, KeyError, TypeError):
        return "", 0


def _intro(page: SearchPage, t: Translator) -> str | None:
    query = inert(page.query.text)
    if page.mode == "corrected" and page.corrected is not None:
        return t("resources.find.did_you_mean", query=query, suggestion=inert(page.corrected.text))
    if page.mode == "any":
        return t("resources.find.partial")
    return None


def search_reply(page: SearchPage, t: Translator, *, editable: frozenset[int] = frozenset()) -> Reply:
    """The ephemeral answer to `/nls find`: a page of results with Share buttons, Edit/Retire
    where the reader may use them, and More results when there are more."""
    title = t("resources.find.title", query=clip(page.query.text, 100))  # a header: plain text
    if not page.hits:
        text = t("resources.find.none", query=inert(page.query.text))
        return Reply(text=text, blocks=[mrkdwn(text), context(t("resources.find.none_hint"))])
    blocks: list[Block] = [header(title)]
    intro = _intro(page, t)
    if intro:
        blocks.append(mrkdwn(intro))
    for resource in page.hits:
        blocks.extend(resource_blocks(resource, t, share=True, editable=resource.id in editable))
    pages = [t("resources.find.page", first=page.offset + 1, last=page.next_offset)]
    blocks.append(context(*pages))
    if page.has_more:
        blocks.append(
            ActionsBlock(
                block_id="resource_pages",
                elements=[
                    _button(
                        t("resources.button.more"),
                        ids.RESOURCE_MORE,
                        more_value(page.query.text, page.next_offset),
                        "primary",
                    )
                ],
            )
        )
    return Reply(text=t("resources.find.title", query=inert(page.query.text)), blocks=fit(blocks))


def how_to_reply(t: Translator, popular: Sequence[str] = ()) -> Reply:
    blocks: list[Block] = [mrkdwn(t("resources.find.how_to"))]
    if popular:
        tags = ", ".join(f"`tag:{inert(tag)}`" for tag in popular)
        blocks.append(context(t("resources.find.popular", tags=tags)))
    return Reply(text=t("resources.find.how_to"), blocks=blocks)


def thread_reply(page: SearchPage, t: Translator) -> Reply:
    """The answer to a mention or a DM, in its thread: the top results, no buttons (everyone in
    the thread sees it), and the command that gives more."""
    query = inert(page.query.text)
    if not page.hits:
        text = t("resources.find.none", query=query)
        return Reply(text=text, blocks=[mrkdwn(text), context(t("resources.find.none_hint"))])
    intro = _intro(page, t) or t("resources.find.thread_intro", query=query)
    blocks: list[Block] = [mrkdwn(intro)]
    for resource in page.hits:
        blocks.extend(resource_blocks(resource, t))
    blocks.append(context(t("resources.find.thread_more", query=query)))
    return Reply(text=t("resources.find.thread_intro", query=query), blocks=fit(blocks))


def shared_reply(resource: ResourceView, t: Translator, sharer: str) -> Reply:
    """A resource posted visibly in a channel, naming who shared it."""
    by = t("resources.share.by", user=sharer)
    return Reply(text=f"{inert(resource.title)} — {by}", blocks=[*resource_blocks(resource, t), context(by)])


def text_reply(text: str) -> Reply:
    return Reply(text=text, blocks=[mrkdwn(text)])


# --- the form ----------------------------------------------------------------------------------


def _option(label: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=clip(label, 75)), value=value)


def _select(options: list[Option], chosen: str | None) -> StaticSelectElement:
    initial = next((o for o in options if o.value == chosen), None)
    return StaticSelectElement(action_id="value", options=options, initial_option=initial)


def _text_input(
    value: str | None, *, max_length: int, multiline: bool = False, placeholder: str | None = None
) -> PlainTextInputElement:
    return PlainTextInputElement(
        action_id="value",
        initial_value=value or None,
        max_length=max_length,
        multiline=multiline,
        placeholder=placeholder,
    )


def form_view(
    t: Translator,
    *,
    values: Mapping[str, str | None],
    owner_id: str,
    resource_id: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> View:
    """The add/edit modal. `values` prefill it (an edited resource, or a message being saved);
    limits are set on the inputs for the reader's sake and enforced again on submission.
    `metadata` travels with the form to its submission (the message it was saved from)."""
    language = values.get("language") or (ResourceLanguage.FR if t.locale == "fr" else ResourceLanguage.EN).value
    provinces = [_option(t("resources.province.national"), NATIONAL)] + [
        _option(f"{code} — {t.choice('resources.province', code)}", code) for code in PROVINCES
    ]
    inputs = [
        (ResourceField.TITLE, _text_input(values.get("title"), max_length=LIMITS["title"]), False, None),
        (
            ResourceField.URL,
            _text_input(values.get("url"), max_length=LIMITS["url"], placeholder=t("resources.form.placeholder_url")),
            True,
            "hint_url",
        ),
        (
            ResourceField.DESCRIPTION,
            _text_input(
                values.get("description"),
                max_length=LIMITS["description"],
                multiline=True,
                placeholder=t("resources.form.placeholder_description"),
            ),
            True,
            None,
        ),
        (
            ResourceField.TAGS,
            _text_input(values.get("tags"), max_length=400, placeholder=t("resources.form.placeholder_tags")),
            True,
            "hint_tags",
        ),
        (
            ResourceField.LANGUAGE,
            _select(
                [_option(t.choice("resources.language", lang.value), lang.value) for lang in ResourceLanguage], language
            ),
            False,
            None,
        ),
        (ResourceField.PROVINCE, _select(provinces, values.get("province") or NATIONAL), False, None),
        (
            ResourceField.KIND,
            _select(
                [_option(t.choice("resources.kind", k.value), k.value) for k in ResourceKind],
                values.get("kind") or ResourceKind.TOOLKIT.value,
            ),
            False,
            None,
        ),
        (ResourceField.OWNER, UserSelectElement(action_id="value", initial_user=owner_id), False, "hint_owner"),
    ]
    blocks = [
        InputBlock(
            block_id=FIELD_BLOCKS[name],
            label=t(f"resources.form.label_{name}"),
            element=element,
            optional=optional,
            hint=t(f"resources.form.{hint}") if hint else None,
        )
        for name, element, optional, hint in inputs
    ]
    return View(
        type="modal",
        callback_id=ids.RESOURCE_FORM,
        title=t("resources.form.title_edit" if resource_id else "resources.form.title_add"),
        submit=t("resources.form.submit"),
        close=t("resources.form.cancel"),
        private_metadata=json.dumps({**(metadata or {}), "id": resource_id}),
        blocks=blocks,
    )


SLACK_MARKUP = re.compile(r"<(?:([@#!])([^>|]*)(?:\|([^>]*))?|(https?://[^|>]+)(?:\|([^>]*))?)>")


def _plain(match: re.Match[str]) -> str:
    sigil, target, label, url, url_label = match.groups()
    if url:
        return url_label or url
    name = (label or target).lstrip("@")
    return ("#" if sigil == "#" else "@") + name


def values_from_message(message: Mapping[str, Any]) -> dict[str, str | None]:
    """Prefill the form from a Slack message: its first link, that link's label (or the first
    line) as the title, and its text, markup made plain, as the description."""
    raw = str(message.get("text") or "")
    first_link = next((m for m in SLACK_MARKUP.finditer(raw) if m.group(4)), None)
    url = html.unescape(first_link.group(4)) if first_link else None
    text = html.unescape(SLACK_MARKUP.sub(_plain, raw)).strip()
    label = html.unescape(first_link.group(5) or "") if first_link else ""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = label.strip() or (first_line if first_line != url else "")
    return {
        "title": clip(" ".join(title.split()), LIMITS["title"]) or None,
        "url": url,
        "description": clip(text, LIMITS["description"]) or None,
    }


def form_values(resource: ResourceView) -> dict[str, str | None]:
    """What the edit form shows for an existing resource."""
    return {
        "title": resource.title,
        "url": resource.url,
        "description": resource.description,
        "tags": "; ".join(resource.tags),
        "language": resource.language.value,
        "province": resource.province or NATIONAL,
        "kind": resource.kind.value,
    }


def read_form(view: Mapping[str, Any]) -> tuple[dict[str, str | None], str | None, int | None]:
    """The submitted answers by field name, the chosen owner, and the resource being edited."""
    state = (view.get("state") or {}).get("values") or {}
    answers: dict[str, str | None] = {}
    owner = None
    for name, block_id in FIELD_BLOCKS.items():
        element = (state.get(block_id) or {}).get("value") or {}
        if name is ResourceField.OWNER:
            owner = element.get("selected_user")
        elif "selected_option" in element:
            answers[name.value] = (element.get("selected_option") or {}).get("value")
        else:
            answers[name.value] = element.get("value")
    try:
        resource_id = json.loads(view.get("private_metadata") or "{}").get("id")
    except (ValueError, AttributeError):
        resource_id = None
    return answers, owner, int(resource_id) if isinstance(resource_id, int) else None


def form_errors(problems: Mapping[ResourceField, tuple[str, Mapping[str, Any]]], t: Translator) -> dict[str, str]:
    """Inline modal errors, keyed by input block_id (a problem of no drawn field shows on the title)."""
    return {
        FIELD_BLOCKS.get(name, ids.RESOURCE_TITLE): clip(t(key, **params), 2000)
        for name, (key, params) in problems.items()
    }


def saved_reply(resource: ResourceView, t: Translator, *, added: bool) -> Reply:
    if added:
        text = t("resources.form.added", title=inert(resource.title), date=t.date(resource.review_by))
    else:
        text = t("resources.form.edited", title=inert(resource.title))
    return Reply(text=text, blocks=[mrkdwn(text), *resource_blocks(resource, t)])


# --- freshness --------------------------------------------------------------------------------


def review_blocks(resource: ResourceView, t: Translator, today: date) -> list[Block]:
    """One resource to review: its title, when it is due, and Still current / Update / Retire."""
    key = "resources.review.overdue" if resource.review_by < today else "resources.review.due"
    return [
        SectionBlock(block_id=f"resource:{resource.id}", text=MarkdownTextObject(text=title_line(resource))),
        context(t(key, date=t.date(resource.review_by)), meta_line(resource, t)),
        ActionsBlock(
            block_id=f"resource_review:{resource.id}",
            elements=[
                _button(t("resources.button.current"), ids.RESOURCE_CURRENT, str(resource.id), "primary"),
                _button(t("resources.button.update"), ids.RESOURCE_EDIT, str(resource.id)),
                _button(
                    t("resources.button.retire"),
                    ids.RESOURCE_RETIRE,
                    str(resource.id),
                    "danger",
                    confirm=_retire_confirm(resource, t),
                ),
            ],
        ),
    ]


def review_reply(resources: Sequence[ResourceView], t: Translator, today: date, *, mine: bool = False) -> Reply:
    """The monthly DM to an owner (or `/nls resource mine`): each resource with Still current,
    Update and Retire."""
    title = t("resources.review.mine_title" if mine else "resources.review.title")
    if not resources:
        return text_reply(t("resources.review.mine_none"))
    blocks: list[Block] = [header(title)]
    if not mine:
        blocks.append(mrkdwn(t("resources.review.intro")))
    for resource in resources[:REVIEW_ITEMS]:
        blocks.extend(review_blocks(resource, t, today))
    if len(resources) > REVIEW_ITEMS:
        blocks.append(context(t("resources.review.more", count=len(resources) - REVIEW_ITEMS)))
    names = ", ".join(inert(r.title) for r in resources[:3])
    return Reply(text=f"{title}: {names}", blocks=blocks)
