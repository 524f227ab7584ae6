"""Action plans in Slack: a person's items, progress by direction, the Update and Add modals, an
owner's reminder. An item reads the same everywhere (`item_line`, `item_text`) and always comes
with its Update button, so an owner's list, a reminder and a lead's digest look alike."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import ids
from bot.blocks.common import Reply, bar, clip, context, escape, fit, header, mrkdwn, one_line
from bot.infra.i18n import Translator
from bot.services.digest import Reminder
from bot.services.plans import (
    GROUP_LIMIT,
    NOTE_LIMIT,
    TITLE_LIMIT,
    DirectionInfo,
    DirectionProgress,
    Item,
    ItemStatus,
    Note,
    PlanField,
    PlanProgress,
    Snoozed,
    Tally,
)

STATUS_EMOJI = {
    ItemStatus.NOT_STARTED: ":white_circle:",
    ItemStatus.IN_PROGRESS: ":large_blue_circle:",
    ItemStatus.BLOCKED: ":no_entry:",
    ItemStatus.DONE: ":white_check_mark:",
    ItemStatus.DROPPED: ":heavy_multiplication_x:",
}
OVERDUE_EMOJI = ":warning:"
MAX_MINE = 12  # two blocks each (the item, its buttons): well inside Slack's 50
MAX_PER_OBJECTIVE = 8
SECTION_BUDGET = 2900  # characters per section, leaving room for "…and N more"

# The input each domain field is drawn as, in the Update and Add modals (block and action ids alike),
# so a rule's refusal is shown next to what the person typed: `@form_errors(fields=FIELD_BLOCKS)`.
FIELD_BLOCKS: dict[PlanField, str] = {
    PlanField.STATUS: ids.PLAN_STATUS,
    PlanField.PERCENT: ids.PLAN_PERCENT,
    PlanField.NOTE: ids.PLAN_NOTE,
    PlanField.OBJECTIVE: ids.PLAN_OBJECTIVE,
    PlanField.TITLE: ids.PLAN_TITLE,
    PlanField.OWNERS: ids.PLAN_OWNERS,
    PlanField.WORKING_GROUP: ids.PLAN_WORKING_GROUP,
    PlanField.START: ids.PLAN_START,
    PlanField.DUE: ids.PLAN_DUE,
}


def status_label(status: ItemStatus, t: Translator) -> str:
    return t(f"plans.status.{status.value}")


def due_phrase(item: Item, t: Translator, today: date) -> str:
    days, when = item.days_left(today), t.date(item.due)
    if not item.is_open:
        return t("plans.due.on", date=when)
    if days < 0:
        return t("plans.due.overdue", count=-days, date=when)
    if days == 0:
        return t("plans.due.today")
    if days == 1:
        return t("plans.due.tomorrow")
    return t("plans.due.in_days", count=days, date=when)


def item_line(item: Item, t: Translator, today: date, *, owners: bool = True) -> str:
    """One line: mark, title, when, progress, status (and owners)."""
    mark = OVERDUE_EMOJI if item.is_overdue(today) else STATUS_EMOJI[item.status]
    facts = [due_phrase(item, t, today), f"{bar(item.percent / 100, 5)} {t.percent(item.percent / 100)}"]
    facts.append(status_label(item.status, t))
    if owners and item.owners:
        facts.append(", ".join(f"<@{o.slack_user_id}>" for o in item.owners))
    return f"{mark} *{escape(one_line(item.title, 150))}* — " + " · ".join(facts)


def item_text(item: Item, t: Translator, today: date, *, owners: bool = True) -> str:
    """`item_line` plus where the item belongs: objective, action plan year, working group."""
    where = t("plans.item.where", code=item.objective.code, year=item.year)
    if item.working_group:
        where += " · " + escape(item.working_group)
    return f"{item_line(item, t, today, owners=owners)}\n_{where}_"


def update_button(item: Item, t: Translator, *, primary: bool = False) -> ButtonElement:
    return ButtonElement(
        text=t("plans.button.update"),
        action_id=ids.PLAN_UPDATE,
        value=str(item.id),
        style="primary" if primary else None,
    )


def item_actions(item: Item, t: Translator, *, primary: bool = False) -> ActionsBlock:
    """Update, and (for an open item) Snooze reminders for a day or a week."""
    buttons = [update_button(item, t, primary=primary)]
    if item.is_open:
        buttons += [
            ButtonElement(text=t("plans.button.snooze_1d"), action_id=ids.PLAN_SNOOZE_1D, value=str(item.id)),
            ButtonElement(text=t("plans.button.snooze_7d"), action_id=ids.PLAN_SNOOZE_7D, value=str(item.id)),
        ]
    return ActionsBlock(block_id=f"plan_item_{item.id}", elements=buttons)


def packed(entries: Sequence[str], t: Translator, *, title: str = "") -> str:
    """Lines that fit one section block, ending with "…and N more" when some did not."""
    out, used = [title] if title else [], len(title)
    for index, entry in enumerate(entries):
        if used + len(entry) + 1 > SECTION_BUDGET:
            out.append(t("plans.more_lines", count=len(entries) - index))
            break
        out.append(entry)
        used += len(entry) + 1
    return "\n".join(out)


# --- /nls plan ---------------------------------------------------------------------------------


def my_items_reply(items: Sequence[Item], t: Translator, today: date) -> Reply:
    open_items = [i for i in items if i.is_open]
    done = [i for i in items if not i.is_open]
    overdue = sum(i.is_overdue(today) for i in open_items)
    title = t("plans.mine.title")
    text = t("plans.mine.text", count=len(open_items), overdue=overdue)
    if not items:
        return Reply(text=text, blocks=[header(title), mrkdwn(t("plans.mine.none")), context(t("plans.mine.hint"))])
    blocks: list[Block] = [header(title), context(t("plans.mine.summary", count=len(open_items), overdue=overdue))]
    for item in open_items[:MAX_MINE]:
        blocks += [mrkdwn(item_text(item, t, today, owners=len(item.owners) > 1)), item_actions(item, t)]
    if len(open_items) > MAX_MINE:
        blocks.append(context(t("plans.mine.more", count=len(open_items) - MAX_MINE)))
    if done:
        titles = ", ".join(escape(one_line(i.title, 60)) for i in done[-5:])
        blocks.append(context(clip(t("plans.mine.done", count=len(done), titles=titles), 2000)))
    blocks.append(context(t("plans.mine.hint")))
    return Reply(text=text, blocks=fit(blocks))


# --- /nls plan all [direction N] -----------------------------------------------------------------


def tally_text(tally: Tally, t: Translator) -> str:
    text = t(
        "plans.all.tally", bar=bar(tally.ratio), percent=t.percent(tally.ratio), done=tally.done, count=tally.total
    )
    if tally.overdue:
        text += " · " + t("plans.all.overdue", count=tally.overdue)
    if tally.blocked:
        text += " · " + t("plans.all.blocked", count=tally.blocked)
    return text


def direction_heading(direction: DirectionProgress, t: Translator) -> str:
    return f"*{direction.number}. {escape(direction.title.in_(t.locale))}*"


def _objective_entry(code: str, text: str, tally: Tally, t: Translator) -> str:
    return t("plans.all.objective", code=code, text=escape(one_line(text, 90)), tally=tally_text(tally, t))


def progress_reply(found: PlanProgress, t: Translator, today: date, *, direction: int | None = None) -> Reply:
    title = t("plans.all.title", plan=found.plan or "—")
    if not found.directions:
        return Reply(text=title, blocks=[header(title), mrkdwn(t("plans.all.no_plan"))])
    overall = tally_text(found.tally, t)
    years = t("plans.all.years", years=", ".join(found.years)) if found.years else t("plans.all.no_items")
    summary = context(years) if direction is not None else context(overall, years)
    blocks: list[Block] = [header(title), summary]
    for d in found.directions:
        objectives = [
            _objective_entry(o.objective.code, o.objective.text.in_(t.locale), o.tally, t) for o in d.objectives
        ]
        blocks.append(mrkdwn(packed(objectives, t, title=f"{direction_heading(d, t)}\n{tally_text(d.tally, t)}")))
        if direction is not None:
            blocks += [_objective_items(o.objective.code, o.items, t, today) for o in d.objectives if o.items]
    hint = t("plans.all.hint_direction") if direction is None else t("plans.all.hint_all")
    blocks.append(context(hint))
    return Reply(text=title, blocks=fit(blocks, more=context(hint)))


def _objective_items(code: str, items: Sequence[Item], t: Translator, today: date) -> SectionBlock:
    shown = [item_line(i, t, today) for i in items[:MAX_PER_OBJECTIVE]]
    if len(items) > MAX_PER_OBJECTIVE:
        shown.append(t("plans.more_lines", count=len(items) - MAX_PER_OBJECTIVE))
    return mrkdwn(packed(shown, t, title=f"*{code}*"))


# --- modals ------------------------------------------------------------------------------------


def _input(
    block_id: str, label: str, element: object, *, optional: bool = False, hint: str | None = None
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=clip(label, 2000)),
        element=element,
        optional=optional,
        hint=PlainTextObject(text=hint) if hint else None,
    )


def _option(value: str, label: str) -> Option:
    return Option(value=value, text=PlainTextObject(text=clip(label, 75)))


def update_modal(item: Item, t: Translator, today: date, *, can_drop: bool) -> View:
    """Status, percent and a note for one item. Dropping is offered to leads and admins only
    (and refused by the service to anyone else)."""
    statuses = [s for s in ItemStatus if s is not ItemStatus.DROPPED or can_drop]
    options = {s: _option(s.value, status_label(s, t)) for s in statuses}
    blocks: list[Block] = [mrkdwn(item_text(item, t, today))]
    if item.notes:
        blocks.append(context(*(_note_line(n, t) for n in item.notes)))
    blocks += [
        _input(
            ids.PLAN_STATUS,
            t("plans.update.status"),
            StaticSelectElement(
                action_id=ids.PLAN_STATUS, options=list(options.values()), initial_option=options.get(item.status)
            ),
        ),
        _input(
            ids.PLAN_PERCENT,
            t("plans.update.percent"),
            NumberInputElement(action_id=ids.PLAN_PERCENT, is_decimal_allowed=False, initial_value=str(item.percent)),
            hint=t("plans.update.percent_hint"),
        ),
        _input(
            ids.PLAN_NOTE,
            t("plans.update.note"),
            PlainTextInputElement(
                action_id=ids.PLAN_NOTE,
                multiline=True,
                max_length=NOTE_LIMIT,
                placeholder=t("plans.update.note_placeholder"),
            ),
            optional=True,
        ),
    ]
    return View(
        type="modal",
        callback_id=ids.PLAN_UPDATE_FORM,
        private_metadata=str(item.id),
        title=t("plans.update.title"),
        submit=t("plans.update.submit"),
        close=t("plans.cancel"),
        blocks=blocks,
    )


def _note_line(note: Note, t: Translator) -> str:
    who = f"<@{note.author}>" if note.author else t("plans.update.imported")
    line = f"{t.date(note.at.date())} · {who} · {status_label(note.status, t)} {t.percent(note.percent / 100)}"
    return f"{line}: {escape(one_line(note.text, 150))}" if note.text else line


def add_modal(plan: Sequence[DirectionInfo], t: Translator, today: date) -> View:
    options = [_option(str(o.id), f"{o.code} {o.text.in_(t.locale)}") for d in plan for o in d.objectives]
    blocks: list[Block] = [
        _input(
            ids.PLAN_OBJECTIVE,
            t("plans.add.objective"),
            StaticSelectElement(action_id=ids.PLAN_OBJECTIVE, options=options),
        ),
        _input(
            ids.PLAN_TITLE,
            t("plans.add.title_label"),
            PlainTextInputElement(action_id=ids.PLAN_TITLE, max_length=TITLE_LIMIT),
        ),
        _input(
            ids.PLAN_OWNERS,
            t("plans.add.owners"),
            UserMultiSelectElement(action_id=ids.PLAN_OWNERS, max_selected_items=10),
        ),
        _input(
            ids.PLAN_WORKING_GROUP,
            t("plans.add.group"),
            PlainTextInputElement(action_id=ids.PLAN_WORKING_GROUP, max_length=GROUP_LIMIT),
            optional=True,
        ),
        _input(
            ids.PLAN_START,
            t("plans.add.start"),
            DatePickerElement(action_id=ids.PLAN_START, initial_date=today.isoformat()),
        ),
        _input(ids.PLAN_DUE, t("plans.add.due"), DatePickerElement(action_id=ids.PLAN_DUE)),
    ]
    return View(
        type="modal",
        callback_id=ids.PLAN_ADD_FORM,
        title=t("plans.add.title"),
        submit=t("plans.add.submit"),
        close=t("plans.cancel"),
        blocks=blocks,
    )


def done_view(item: Item, t: Translator, today: date, *, added: bool = False) -> View:
    """What a plan modal turns into once saved: the item as it now stands."""
    key = "plans.add.done" if added else "plans.update.done"
    return View(
        type="modal",
        callback_id=ids.PLAN_DONE,
        title=t("plans.saved"),
        close=t("plans.close"),
        blocks=[mrkdwn(t(key)), mrkdwn(item_text(item, t, today))],
    )


def snoozed_text(snoozed: Snoozed, t: Translator) -> str:
    return t("plans.snoozed", count=snoozed.days, title=escape(one_line(snoozed.item.title, 150)))


# --- an owner's reminder -----------------------------------------------------------------------


def _reminder_intro(days_left: int, t: Translator) -> str:
    """Said as things stand when the message is made (a reminder held by a snooze or by the night
    may go out after its occasion), never as the occasion was named."""
    if days_left < 0:
        return t("plans.reminder.overdue")
    if days_left <= 1:
        return t("plans.reminder.tomorrow" if days_left == 1 else "plans.reminder.today")
    return t("plans.reminder.soon", count=days_left)


def reminder_reply(reminder: Reminder, t: Translator, now: datetime) -> Reply:
    today = reminder.owner.today(now)
    item = reminder.item
    intro = _reminder_intro(item.days_left(today), t)
    return Reply(
        text=t("plans.reminder.text", title=escape(one_line(item.title, 150)), due=due_phrase(item, t, today)),
        blocks=[
            mrkdwn(intro),
            mrkdwn(item_text(item, t, today, owners=len(item.owners) > 1)),
            item_actions(item, t, primary=True),
            context(t("plans.reminder.footer")),
        ],
    )
