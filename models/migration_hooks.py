"""Alembic autogenerate hooks shared by migrations/env.py and scripts/migration_diff.py."""

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
