"""Action plans: the strategic plan's directions and objectives, the annual action items that serve
them, who may change an item, and progress by direction and objective.

Every rule lives in this package, so a button, a modal, a job, the CLI and the shell share one check:
- an item's owners, NLS leads and admins may update it; anyone else gets a clear no, whatever
  button they pressed;
- only leads and admins add items or drop one; a dropped item is closed for good (add it again
  rather than resurrect it, so the log of what was decided stays true);
- "done" means 100 %; a progress note is at most `NOTE_LIMIT` characters; dates are in order.

One module per concern: `items` (the `Item` snapshot every read returns, and the fiscal year),
`structure` (directions and objectives), `access` (who may change an item), `updates` (the Update
modal and progress notes), `adding` (the Add modal), `snoozing` (an owner pausing reminders),
`progress` (progress by direction, what needs attention, what was completed), `importing` (the plan
file), `contributions` (the digest's and the Home's plan sections). The scheduled side (reminders,
digests, the network update) is in `bot.services.digest`.

Form errors name the domain field they belong to (`field=PlanField.DUE`); the builder maps it to
its input (`bot.blocks.plans.FIELD_BLOCKS`), so the person sees the error inline with everything
they typed still in place. Their parameters never carry user-written text (an item's title could
hold `<!channel>`); the person knows which item they pressed.

This file is the feature's public surface: callers import from `bot.services.plans`. `ItemStatus`
is re-exported here so builders need not import `models`.
"""

from __future__ import annotations

from bot.services.plans.access import may_update, require_planner
from bot.services.plans.adding import GROUP_LIMIT, MAX_OWNERS, TITLE_LIMIT, ItemDraft, add_item, parse_draft
from bot.services.plans.contributors import digest_facts, lead_numbers, my_due_items
from bot.services.plans.fields import PlanField
from bot.services.plans.importing import (
    Counts,
    DocPath,
    Locate,
    PlanImportFailed,
    PlanImportReport,
    import_plan,
)
from bot.services.plans.items import (
    ITEM_LOAD,
    YEAR,
    Bilingual,
    Item,
    Note,
    ObjectiveRef,
    Owner,
    fiscal_year,
    my_items,
    to_item,
)
from bot.services.plans.reporting import (
    DUE_SOON_DAYS,
    Attention,
    DirectionProgress,
    ObjectiveProgress,
    PlanProgress,
    Tally,
    attention,
    completed_since,
    progress,
)
from bot.services.plans.snoozing import SNOOZE_DAYS, Snoozed, snooze
from bot.services.plans.structure import DirectionInfo, current_plan, directions
from bot.services.plans.updates import NOTE_LIMIT, ItemUpdate, item_for_update, parse_update, update_item
from models.plans import ItemStatus

__all__ = [
    "DUE_SOON_DAYS",
    "GROUP_LIMIT",
    "ITEM_LOAD",
    "MAX_OWNERS",
    "NOTE_LIMIT",
    "SNOOZE_DAYS",
    "TITLE_LIMIT",
    "YEAR",
    "Attention",
    "Bilingual",
    "Counts",
    "DirectionInfo",
    "DirectionProgress",
    "DocPath",
    "Item",
    "ItemDraft",
    "ItemStatus",
    "ItemUpdate",
    "Locate",
    "Note",
    "ObjectiveProgress",
    "ObjectiveRef",
    "Owner",
    "PlanField",
    "PlanImportFailed",
    "PlanImportReport",
    "PlanProgress",
    "Snoozed",
    "Tally",
    "add_item",
    "attention",
    "completed_since",
    "current_plan",
    "digest_facts",
    "directions",
    "fiscal_year",
    "import_plan",
    "item_for_update",
    "lead_numbers",
    "may_update",
    "my_due_items",
    "my_items",
    "parse_draft",
    "parse_update",
    "progress",
    "require_planner",
    "snooze",
    "to_item",
    "update_item",
]
