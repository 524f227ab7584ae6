"""Print the Alembic operations that would bring a database at the newest migration in line with
the models (what to paste into a feature's migration). Usage: python scripts/migration_diff.py"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.infra.db import alembic_config
from models import Base
from models.migration_hooks import include_object, render_item


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/diff.sqlite3")
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "heads")
            ctx = MigrationContext.configure(
                conn,
                opts={
                    "render_as_batch": True,
                    "include_object": include_object,
                    "compare_type": True,
                    "render_item": render_item,
                },
            )
            print(render_python_code(produce_migrations(ctx, Base.metadata).upgrade_ops, render_item=render_item))


if __name__ == "__main__":
    main()
