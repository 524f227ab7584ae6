"""resources: the repository, its tags and search vocabulary, and each engine's full-text index

Both engines get an index table named `resources_fts` (ignored by `alembic check`), kept in sync
by triggers, holding live (not retired) resources only:
SQLite: FTS5 with external content = resources, `unicode61 remove_diacritics 2`, a prefix index
for 3-character prefixes.
PostgreSQL: a text search configuration `nls_search` (`simple` behind `unaccent`) and
`resources_fts(resource_id, document tsvector)` (title A, tags B, description C) with a GIN index.
A generated column on `resources` would need its GIN index hidden from `alembic check`, which the
shared migration hooks cannot do; a side table named like the SQLite one can be, and is narrower
to scan when ranking.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_CONFIG = "nls_search"
# The weighted document of one row (frozen here: a migration never imports model or service code).
PG_DOCUMENT = (
    "setweight(to_tsvector('nls_search'::regconfig, coalesce(NEW.title, '')), 'A') || "
    "setweight(to_tsvector('nls_search'::regconfig, coalesce(NEW.tags, '')), 'B') || "
    "setweight(to_tsvector('nls_search'::regconfig, coalesce(NEW.description, '')), 'C')"
)

SQLITE_FTS = [
    """
    CREATE VIRTUAL TABLE resources_fts USING fts5(
        title, tags, description,
        content='resources', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='3'
    )
    """,
    """
    CREATE TRIGGER resources_fts_ai AFTER INSERT ON resources WHEN NOT new.retired BEGIN
        INSERT INTO resources_fts(rowid, title, tags, description)
        VALUES (new.id, new.title, new.tags, new.description);
    END
    """,
    """
    CREATE TRIGGER resources_fts_ad AFTER DELETE ON resources WHEN NOT old.retired BEGIN
        INSERT INTO resources_fts(resources_fts, rowid, title, tags, description)
        VALUES ('delete', old.id, old.title, old.tags, old.description);
    END
    """,
    # One trigger, so the old entry is always removed before the new one is added.
    """
    CREATE TRIGGER resources_fts_au AFTER UPDATE OF title, tags, description, retired ON resources BEGIN
        INSERT INTO resources_fts(resources_fts, rowid, title, tags, description)
        SELECT 'delete', old.id, old.title, old.tags, old.description WHERE NOT old.retired;
        INSERT INTO resources_fts(rowid, title, tags, description)
        SELECT new.id, new.title, new.tags, new.description WHERE NOT new.retired;
    END
    """,
]

PG_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{PG_CONFIG}') THEN
            CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG}
                ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part,
                                  numword, numhword, hword_numpart
                WITH unaccent, simple;
        END IF;
    END
    $$
    """,
    """
    CREATE TABLE resources_fts (
        resource_id integer PRIMARY KEY REFERENCES resources (id) ON DELETE CASCADE,
        document tsvector NOT NULL
    )
    """,
    "CREATE INDEX resources_fts_document ON resources_fts USING gin (document)",
    f"""
    CREATE FUNCTION resources_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.retired THEN
            DELETE FROM resources_fts WHERE resource_id = NEW.id;
        ELSE
            INSERT INTO resources_fts (resource_id, document) VALUES (NEW.id, {PG_DOCUMENT})
            ON CONFLICT (resource_id) DO UPDATE SET document = EXCLUDED.document;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER resources_fts_sync AFTER INSERT OR UPDATE OF title, tags, description, retired
    ON resources FOR EACH ROW EXECUTE FUNCTION resources_fts_sync()
    """,
]


def upgrade() -> None:
    op.create_table(
        "resource_terms",
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.Column("size", sa.SmallInteger(), nullable=False),
        sa.Column("docs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_resource_terms")),
    )
    op.create_index(op.f("ix_resource_terms_size"), "resource_terms", ["size"], unique=False)
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("url_key", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("tags", sa.String(length=400), server_default="", nullable=False),
        sa.Column(
            "language",
            sa.Enum("en", "fr", "both", name="resource_language", native_enum=False, create_constraint=True, length=12),
            nullable=False,
        ),
        sa.Column("province", sa.String(length=2), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "toolkit", "guide", "report", "contact", "training", "funding", "recording", "template", "other",
                name="resource_kind", native_enum=False, create_constraint=True, length=17,
            ),
            nullable=False,
        ),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
        sa.UniqueConstraint("url_key", name=op.f("uq_resources_url_key")),
    )
    op.create_index(op.f("ix_resources_created_at"), "resources", ["created_at"], unique=False)
    op.create_index(op.f("ix_resources_kind"), "resources", ["kind"], unique=False)
    op.create_index("ix_resources_owner", "resources", ["owner_id", "retired"], unique=False)
    op.create_index(op.f("ix_resources_province"), "resources", ["province"], unique=False)
    op.create_index("ix_resources_review_due", "resources", ["retired", "review_by"], unique=False)
    op.create_table(
        "resource_tags",
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["resource_id"], ["resources.id"], name=op.f("fk_resource_tags_resource_id_resources"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("resource_id", "tag", name=op.f("pk_resource_tags")),
    )
    op.create_index(op.f("ix_resource_tags_tag"), "resource_tags", ["tag"], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in PG_SETUP:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("resources_fts_au", "resources_fts_ad", "resources_fts_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS resources_fts")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS resources_fts_sync ON resources")
        op.execute("DROP FUNCTION IF EXISTS resources_fts_sync()")
        op.execute("DROP TABLE IF EXISTS resources_fts")
    op.drop_index(op.f("ix_resource_tags_tag"), table_name="resource_tags")
    op.drop_table("resource_tags")
    op.drop_index("ix_resources_review_due", table_name="resources")
    op.drop_index(op.f("ix_resources_province"), table_name="resources")
    op.drop_index("ix_resources_owner", table_name="resources")
    op.drop_index(op.f("ix_resources_kind"), table_name="resources")
    op.drop_index(op.f("ix_resources_created_at"), table_name="resources")
    op.drop_table("resources")
    op.drop_index(op.f("ix_resource_terms_size"), table_name="resource_terms")
    op.drop_table("resource_terms")
    if dialect == "postgresql":
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}")
