"""What migrations share with the code around them: the autogenerate hooks of migrations/env.py
and scripts/migration_diff.py, and the refusal a migration raises when the operator must act.

Migrations import nothing of the bot (an upgrade runs from the models and Alembic alone), so
what they raise for the operator is defined here, and the bot's upgrade turns it into its line.
"""

from __future__ import annotations

# Tables that migrations create but models do not describe (SQLite FTS5 shadow tables and the
# like); `alembic check` must not report them as drift.
UNMODELLED_PREFIXES = ("resources_fts",)


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name and name.startswith(UNMODELLED_PREFIXES):
        return False
    return not (type_ == "column" and getattr(obj, "info", {}).get("unmodelled"))


def render_item(type_, obj, autogen_context):
    """Render our UTC timestamp type as a plain timezone-aware DateTime, so migrations never
    import model code (models change; old migrations must not)."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


class UpgradeRefused(Exception):
    """A migration cannot run as configured (a setting it needs is missing); the message is the
    one line telling the operator what to set. Raised inside the migration's transaction, so
    nothing of the upgrade is left half-done."""
