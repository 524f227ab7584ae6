"""The feedback modal, its receipt, and the leads' summary.

Labels, options and initial values are plain text (Slack never parses them); everything a person
wrote that is shown in mrkdwn goes through `escape`, so `<!channel>` or `<@U…>` in feedback
reaches the leads as text and pings nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.common import Reply, clip, context, divider, escape, fit, header, lines, mrkdwn
from bot.infra.i18n import Translator
from bot.services.disclosure import Breakdown, Shown
from bot.services.feedback import (
    CANADA_WIDE,
    CONTACT_LIMIT,
    TEXT_LIMIT,
    Entry,
    FeedbackField,
    FeedbackSummary,
    FormPlaces,
    Receipt,
    Topic,
    Urgency,
    Voice,
)
from bot.services.members import PROVINCES

ENTRY_TEXT_LIMIT = 700  # of each recent entry in the summary; the export has every word
# Which input of the feedback modal each field the rules name is read from and errs on.
FIELD_BLOCKS: dict[FeedbackField, str] = {
    FeedbackField.VOICE: ids.FEEDBACK_VOICE,
    FeedbackField.TOPIC: ids.FEEDBACK_TOPIC,
    FeedbackField.PROVINCE: ids.FEEDBACK_PROVINCE,
    FeedbackField.TEXT: ids.FEEDBACK_TEXT,
    FeedbackField.URGENCY: ids.FEEDBACK_URGENCY,
    FeedbackField.CONTACT: ids.FEEDBACK_CONTACT,
    FeedbackField.ANONYMOUS: ids.FEEDBACK_ANONYMOUS,
}


def option(value: str, label: str, description: str | None = None) -> Option:
    return Option(value=value, label=clip(label, 75), description=clip(description, 75) if description else None)


def text_input(
    block_id: str,
    label: str,
    *,
    limit: int,
    multiline: bool = False,
    optional: bool = False,
    hint: str | None = None,
    initial: str | None = None,
    placeholder: str | None = None,
) -> InputBlock:
    """A text input whose typed value Slack keeps when we answer with an inline error."""
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=block_id,
            multiline=multiline,
            max_length=limit,
            initial_value=initial or None,
            placeholder=placeholder,
        ),
    )


def province_label(code: str | None, t: Translator) -> str:
    return t("feedback.province.CA") if not code or code == CANADA_WIDE else t.choice("feedback.province", code)


def place(province: str | None, region: str | None, t: Translator) -> str:
    """ "Nova Scotia (Atlantic)", or just "Ontario" where the region is the province, or just
    "Atlantic" for an anonymous entry whose province would have named its organisation."""
    if not province and region:
        return t.choice("regions", region)
    name = province_label(province, t)
    region_name = t.choice("regions", region or "")
    return name if not province or region_name in ("", name) else f"{name} ({region_name})"


def recorded_places(places: FormPlaces, t: Translator) -> str | None:
    """"If you stay anonymous … Nova Scotia, Prince Edward Island: recorded as Atlantic; …"."""
    if not places.recorded_as:
        return None
    groups: dict[str | None, list[str]] = {}
    for province, region in places.recorded_as.items():
        groups.setdefault(region, []).append(t.choice("feedback.province", province))
    parts = [
        t("feedback.form.recorded_as", provinces=", ".join(names),
          place=t.choice("regions", region) if region else t("feedback.province.CA"))
        for region, names in groups.items()
    ]  # fmt: skip
    joined = parts[0]
    for part in parts[1:]:
        joined = t("feedback.form.recorded_joiner", first=joined, rest=part)
    return t("feedback.form.anonymous_places", k=places.k, places=joined)


def feedback_modal(t: Translator, places: FormPlaces) -> View:
    """Whose voice, topic, province, the words, urgency, an optional contact, and anonymity —
    on by default for everyone and said so: a modal cannot change one field's default from
    another's without a round trip that could lose what was typed. Where a province would
    identify an anonymous sender, the form says how it will be recorded, before sending."""
    provinces = [option(code, t.choice("feedback.province", code)) for code in PROVINCES]
    provinces.append(option(CANADA_WIDE, t("feedback.province.CA")))
    initial_province = next((o for o in provinces if o.value == places.initial), None)
    coarse = recorded_places(places, t)
    urgencies = [option(u.value, t(f"feedback.urgency.{u.value}")) for u in Urgency]
    anonymous = option("yes", t("feedback.form.anonymous_option"), t("feedback.form.anonymous_description"))
    blocks: list[Block] = [
        mrkdwn(t("feedback.form.intro")),
        InputBlock(
            block_id=ids.FEEDBACK_VOICE,
            label=t("feedback.form.voice"),
            element=RadioButtonsElement(
                action_id=ids.FEEDBACK_VOICE,
                options=[
                    option(v.value, t(f"feedback.voice.{v.value}"), t(f"feedback.voice_hint.{v.value}")) for v in Voice
                ],
            ),
        ),
        InputBlock(
            block_id=ids.FEEDBACK_TOPIC,
            label=t("feedback.form.topic"),
            element=StaticSelectElement(
                action_id=ids.FEEDBACK_TOPIC,
                placeholder=t("feedback.form.topic_placeholder"),
                options=[option(topic.value, t(f"feedback.topic.{topic.value}")) for topic in Topic],
            ),
        ),
        InputBlock(
            block_id=ids.FEEDBACK_PROVINCE,
            label=t("feedback.form.province"),
            element=StaticSelectElement(
                action_id=ids.FEEDBACK_PROVINCE,
                placeholder=t("feedback.form.province_placeholder"),
                options=provinces,
                initial_option=initial_province,
            ),
        ),
        text_input(
            ids.FEEDBACK_TEXT,
            t("feedback.form.text"),
            limit=TEXT_LIMIT,
            multiline=True,
            hint=t("feedback.form.text_hint", limit=TEXT_LIMIT),
        ),
        InputBlock(
            block_id=ids.FEEDBACK_URGENCY,
            label=t("feedback.form.urgency"),
            element=RadioButtonsElement(action_id=ids.FEEDBACK_URGENCY, options=urgencies, initial_option=urgencies[0]),
        ),
        InputBlock(
            block_id=ids.FEEDBACK_ANONYMOUS,
            label=t("feedback.form.anonymous"),
            optional=True,
            hint=t("feedback.form.anonymous_hint"),
            element=CheckboxesElement(
                action_id=ids.FEEDBACK_ANONYMOUS, options=[anonymous], initial_options=[anonymous]
            ),
        ),
        *([context(coarse)] if coarse else []),
        text_input(
            ids.FEEDBACK_CONTACT,
            t("feedback.form.contact"),
            limit=CONTACT_LIMIT,
            optional=True,
            hint=t("feedback.form.contact_hint"),
        ),
        context(t("feedback.form.privacy")),
        context(t("feedback.form.words_identify")),
    ]
    return View(
        type="modal",
        callback_id=ids.FEEDBACK_FORM,
        title=t("feedback.form.title"),
        submit=t("feedback.form.submit"),
        close=t("feedback.form.cancel"),
        blocks=blocks,
    )


def done_view(t: Translator, title: str, body: list[Block]) -> View:
    """What a modal turns into once its work is done: no Slack message, nothing in any history."""
    return View(
        type="modal", callback_id=ids.VOICES_DONE, title=clip(title, 24), close=t("feedback.done.close"), blocks=body
    )


def receipt_view(receipt: Receipt, t: Translator) -> View:
    """The receipt is this view, not a message: for anonymous feedback nothing is posted, queued
    or stored that ties the reference to the person who holds it."""
    what = "feedback.done.anonymous" if receipt.anonymous else "feedback.done.named"
    body: list[Block] = [
        mrkdwn(t("feedback.done.received", ref=receipt.ref)),
        mrkdwn(t(what)),
        context(t("feedback.done.keep_ref")),
    ]
    return done_view(t, t("feedback.done.title"), body)


def shown_count(shown: Shown, t: Translator) -> str:
    return str(shown.value) if not shown.few else t("disclosure.fewer", k=shown.k)


def _counts(title: str, cells: Breakdown, label: Callable[[Any], str], t: Translator) -> str:
    """A breakdown as the disclosure rule lets it be shown: the cells of k or more, then the rest
    merged ("others: 4", or "fewer than 3"; never how many categories it holds)."""
    rows = [f"`{shown_count(n, t):>3}` {label(key)}" for key, n in cells.cells]
    if cells.other is not None:
        rows.append(f"`{shown_count(cells.other, t):>3}` {t('disclosure.other')}")
    return f"*{title}*\n" + (lines(rows) if rows else "–")


def entry_block(entry: Entry, t: Translator) -> Block:
    facts = [
        f"*{t.date(entry.received_on)}*",
        t(f"feedback.topic.{entry.topic.value}"),
        place(entry.province, entry.region, t),
        t(f"feedback.voice.{entry.voice.value}"),
        t(f"feedback.urgency.{entry.urgency.value}"),
        f"`{entry.ref}`",
    ]
    if entry.anonymous:
        who = t("feedback.summary.anonymous")
        if entry.names_someone:
            who += " · " + t("feedback.summary.names_someone")
    else:
        who = t("feedback.summary.from", user=f"<@{entry.submitted_by}>", org=escape(entry.organisation or "–"))
        if entry.contact:
            who += " · " + t("feedback.summary.contact", contact=escape(entry.contact))
    return mrkdwn(" · ".join(facts) + "\n" + escape(clip(entry.text, ENTRY_TEXT_LIMIT)) + "\n_" + who + "_")


def summary_reply(summary: FeedbackSummary, t: Translator) -> Reply:
    """Counts by topic, region, voice and urgency, then the most recent entries (anonymous ones
    without identity), within one message."""
    title = t("feedback.summary.title", since=t.date(summary.since))
    if not summary.total.value and not summary.total.few:
        return Reply(text=title, blocks=[header(title), mrkdwn(t("feedback.summary.none"))])

    def region_label(code: str) -> str:
        return t.choice("regions", code) if code else t("feedback.province.CA")

    total = (
        t("feedback.summary.total", count=summary.total.value) if not summary.total.few
        else t("feedback.summary.total_few", k=summary.total.k)
    )  # fmt: skip
    blocks: list[Block] = [
        header(title),
        context(total + " · " + t("disclosure.rule", k=summary.total.k)),
        mrkdwn(_counts(t("feedback.summary.by_topic"), summary.by_topic, lambda k: t(f"feedback.topic.{k.value}"), t)),
        mrkdwn(_counts(t("feedback.summary.by_region"), summary.by_region, region_label, t)),
        mrkdwn(
            _counts(t("feedback.summary.by_voice"), summary.by_voice, lambda k: t(f"feedback.voice.{k.value}"), t)
            + "\n\n"
            + _counts(
                t("feedback.summary.by_urgency"), summary.by_urgency, lambda k: t(f"feedback.urgency.{k.value}"), t
            )
        ),
        divider(),
        mrkdwn(f"*{t('feedback.summary.recent_few') if summary.total.few else t('feedback.summary.recent', count=len(summary.recent))}*"),
        *(entry_block(e, t) for e in summary.recent),
    ]
    more = context(t("feedback.summary.more"))
    return Reply(text=title, blocks=fit([*blocks, more], more))
