"""Consultations: the start modal, the invitation and reminder DMs, the questionnaire, and the
results for leads. Question prompts and options are shown as plain text (Slack parses nothing in
them); answers and titles shown in mrkdwn are escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta, tzinfo
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    InputBlock,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.common import Reply, bar, clip, context, divider, escape, fit, header, lines, mrkdwn
from bot.blocks.feedback import done_view, option, text_input
from bot.infra.i18n import Translator
from bot.services.consultations import (
    ANSWER_LIMITS,
    MAX_QUESTIONS,
    SCALE,
    TITLE_LIMIT,
    Audience,
    ConsultationField,
    Info,
    Notice,
    Open,
    Progress,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionResult,
    Results,
    Saved,
    Started,
)

QUESTIONS_FIELD_LIMIT = 3000  # Slack's most for one text input
ANSWERS_SHOWN = 3  # text answers per question in the results message; the export has all
# Which input of the start modal each field the rules name is read from and errs on (an answer's
# input is named by its question: `question_block`).
FIELD_BLOCKS: dict[ConsultationField, str] = {
    ConsultationField.TITLE: ids.CONSULT_TITLE,
    ConsultationField.QUESTIONS: ids.CONSULT_QUESTIONS,
    ConsultationField.DEADLINE: ids.CONSULT_DEADLINE,
    ConsultationField.AUDIENCE: ids.CONSULT_AUDIENCE,
    ConsultationField.CHANNEL: ids.CONSULT_CHANNEL,
}


def deadline_day(info: Info, tz: tzinfo) -> date:
    """The last day answers are taken (the deadline is the midnight that ends it)."""
    return (info.deadline.astimezone(tz) - timedelta(seconds=1)).date()


def until(info: Info, t: Translator, tz: tzinfo) -> str:
    return t("consult.until", day=t.date(deadline_day(info, tz), "full"))


def respond_button(info: Info, t: Translator, *, answered: bool = False) -> ButtonElement:
    label = t("consult.edit") if answered else t("consult.respond")
    return ButtonElement(text=label, action_id=ids.CONSULT_RESPOND, value=str(info.id), style="primary")


# --- starting -------------------------------------------------------------------------------


def start_modal(t: Translator, *, today: date) -> View:
    audiences = [option(a.value, t(f"consult.audience.{a.value}")) for a in Audience]
    blocks: list[Block] = [
        text_input(ids.CONSULT_TITLE, t("consult.form.title"), limit=TITLE_LIMIT),
        text_input(
            ids.CONSULT_QUESTIONS,
            t("consult.form.questions"),
            limit=QUESTIONS_FIELD_LIMIT,
            multiline=True,
            hint=t("consult.form.questions_hint", limit=MAX_QUESTIONS),
            placeholder=t("consult.form.questions_placeholder"),
        ),
        InputBlock(
            block_id=ids.CONSULT_DEADLINE,
            label=t("consult.form.deadline"),
            hint=t("consult.form.deadline_hint"),
            element=DatePickerElement(
                action_id=ids.CONSULT_DEADLINE, initial_date=(today + timedelta(days=14)).isoformat()
            ),
        ),
        InputBlock(
            block_id=ids.CONSULT_AUDIENCE,
            label=t("consult.form.audience"),
            element=RadioButtonsElement(action_id=ids.CONSULT_AUDIENCE, options=audiences, initial_option=audiences[0]),
        ),
        InputBlock(
            block_id=ids.CONSULT_CHANNEL,
            label=t("consult.form.channel"),
            optional=True,
            hint=t("consult.form.channel_hint"),
            element=ConversationSelectElement(
                action_id=ids.CONSULT_CHANNEL,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        ),
        context(t("consult.form.explain")),
    ]
    return View(
        type="modal",
        callback_id=ids.CONSULT_START_FORM,
        title=t("consult.form.modal_title"),
        submit=t("consult.form.submit"),
        close=t("feedback.form.cancel"),
        blocks=blocks,
    )


def started_view(started: Started, t: Translator, tz: tzinfo) -> View:
    info = started.info
    facts = [
        t("consult.started.open", number=info.id, title=escape(info.title), until=until(info, t, tz)),
        t("consult.started.invited", count=len(started.invitees), organisations=started.organisations),
    ]
    if started.skipped:
        facts.append(t("consult.started.skipped", count=started.skipped))
    if started.without_rep:
        facts.append(t("consult.started.without_rep", count=started.without_rep))
    body: list[Block] = [mrkdwn(lines(facts)), context(t("consult.started.results", number=info.id))]
    return done_view(t, t("consult.started.title"), body)


# --- messages in the ledger -----------------------------------------------------------------


def notice_message(notice: Notice, tz: tzinfo) -> tuple[str, list[dict[str, Any]]]:
    """An invitation, reminder or closing notice, in its recipient's language (the ledger keeps
    the rendered text and blocks)."""
    t = Translator(notice.locale)
    info = notice.info
    params = {
        "title": escape(info.title),
        "org": escape(notice.org_name or ""),
        "until": until(info, t, tz),
        "questions": info.questions,
        "number": info.id,
        "responded": notice.responded,
        "invited": notice.invited,
    }
    text = t(f"consult.notice.{notice.occasion}", **params)
    blocks: list[Block] = [mrkdwn(text)]
    if notice.occasion != "closed":
        blocks += [context(t("consult.notice.who_answers")), ActionsBlock(elements=[respond_button(info, t)])]
    fallback = t(f"consult.notice.{notice.occasion}_text", title=escape(info.title))
    return fallback, [b.to_dict() for b in blocks]


# --- answering ------------------------------------------------------------------------------


def question_block(q: Question, t: Translator, current: str | None) -> InputBlock:
    """One answer, optional: a text input, or radio buttons whose values are the options
    themselves (at most 75 characters, within Slack's 150 for a value)."""
    block_id = f"{ids.CONSULT_ANSWER_PREFIX}{q.id}"
    label = clip(f"{q.position}. {q.prompt}", 2000)
    if q.kind in ANSWER_LIMITS:
        return text_input(
            block_id,
            label,
            limit=ANSWER_LIMITS[q.kind],
            multiline=q.kind is QuestionKind.LONG,
            optional=True,
            initial=current,
        )
    if q.kind is QuestionKind.SCALE:
        options = [option(v, t(f"consult.scale.{v}")) for v in SCALE]
    else:
        options = [option(o, o) for o in q.options]
    initial = next((o for o in options if o.value == current), None)
    element = RadioButtonsElement(action_id=block_id, options=options, initial_option=initial)
    return InputBlock(block_id=block_id, label=label, optional=True, element=element)


def questionnaire_modal(q: Questionnaire, t: Translator, tz: tzinfo) -> View:
    notes = [t("consult.form.for_org", org=escape(q.org.name), until=until(q.info, t, tz))]
    if q.last_by and q.updated_at:
        notes.append(
            t("consult.form.answered_by", user=f"<@{q.last_by}>", day=t.date(q.updated_at.astimezone(tz).date()))
        )
    blocks: list[Block] = [
        header(q.info.title),
        context(*notes),
        *(question_block(question, t, q.answers.get(str(question.id))) for question in q.questions),
    ]
    return View(
        type="modal",
        callback_id=ids.CONSULT_RESPONSE_FORM,
        private_metadata=str(q.info.id),
        title=t("consult.form.answer_title"),
        submit=t("consult.form.save") if q.answers else t("consult.form.send"),
        close=t("feedback.form.cancel"),
        blocks=blocks,
    )


def saved_view(saved: Saved, t: Translator, tz: tzinfo) -> View:
    key = "consult.saved.edited" if saved.edited else "consult.saved.first"
    body: list[Block] = [
        mrkdwn(t(key, org=escape(saved.org.name), title=escape(saved.info.title))),
        context(t("consult.saved.editable", until=until(saved.info, t, tz))),
    ]
    return done_view(t, t("consult.saved.title"), body)


# --- what people and leads see --------------------------------------------------------------


def overview_reply(opens: Sequence[Open], progress: Sequence[Progress], t: Translator, tz: tzinfo) -> Reply:
    """`/nls consult`: what my organisation can answer (with the button), and for leads each
    open consultation's turnout."""
    title = t("consult.list.title")
    blocks: list[Block] = [header(title)]
    for item in opens:
        state = t("consult.list.answered") if item.answered else t("consult.list.not_answered")
        blocks.append(
            mrkdwn(
                f"*{escape(item.info.title)}*\n{state} · {until(item.info, t, tz)}",
                accessory=respond_button(item.info, t, answered=item.answered),
            )
        )
    for p in progress:
        blocks.append(
            mrkdwn(
                t(
                    "consult.list.progress",
                    number=p.info.id,
                    title=escape(p.info.title),
                    responded=p.responded,
                    invited=p.invited,
                )
            )
        )
    if len(blocks) == 1:
        blocks.append(mrkdwn(t("consult.list.none")))
    more = context(t("consult.list.more"))
    return Reply(text=title, blocks=fit(blocks, more))


def _tally_lines(result: QuestionResult, t: Translator) -> list[str]:
    """A bar per option (or per point of the scale) with its count, or the latest answers."""
    q = result.question
    if q.kind in (QuestionKind.CHOICE, QuestionKind.SCALE):
        out = []
        for value, n in result.counts.items():
            label = t("consult.results.rated", value=value) if q.kind is QuestionKind.SCALE else escape(value)
            out.append(f"`{bar(n / result.answered if result.answered else 0)}` {label}: *{n}*")
        if result.average is not None:
            out.append(t("consult.results.average", average=t.number(round(result.average, 1))))
        return out
    shown = [
        f"> {escape(clip(' '.join(text.split()), 280))} — _{escape(org)}_"
        for org, text in result.answers[:ANSWERS_SHOWN]
    ]
    if len(result.answers) > ANSWERS_SHOWN:
        shown.append(t("consult.results.more_answers", count=len(result.answers) - ANSWERS_SHOWN))
    return shown


def results_reply(results: Results, t: Translator, tz: tzinfo) -> Reply:
    """Turnout (overall, by province, who has not answered), then each question's tally or its
    latest answers; `nlsbot export consultation N` has every answer."""
    info = results.info
    title = t("consult.results.title", number=info.id, title=info.title)  # plain text: the header
    ratio = results.responded / results.invited if results.invited else 0
    status = t(f"consult.status.{info.status.value}", until=until(info, t, tz))
    provinces = [f"`{bar(a / b if b else 0, 8)}` {p} {a}/{b}" for p, (a, b) in results.by_province().items()]
    missing = [escape(o.org.name) for o in results.orgs if not o.responded]
    blocks: list[Block] = [
        header(title),
        context(
            status,
            t(
                "consult.results.turnout",
                responded=results.responded,
                invited=results.invited,
                percent=t.percent(ratio),
            ),
        ),
        mrkdwn(f"*{t('consult.results.by_province')}*\n" + lines(provinces)),
    ]
    if missing:
        blocks.append(
            mrkdwn(f"*{t('consult.results.missing', count=len(missing))}*\n" + clip(", ".join(missing), 2800))
        )
    blocks.append(divider())
    for result in results.questions:
        heading = f"*{result.question.position}. {escape(result.question.prompt)}* ({t('consult.results.answered', count=result.answered)})"
        blocks.append(mrkdwn(lines([heading, *_tally_lines(result, t)])))
    more = context(t("consult.results.more", number=info.id))
    fallback = t("consult.results.title", number=info.id, title=escape(info.title))
    return Reply(text=fallback, blocks=fit([*blocks, more], more))
