"""Alembic environment. The app passes its own connection (see `bot.infra.db.Database.upgrade`), so
migrations run on the same async engine, inside the app's event loop, on SQLite or PostgreSQL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from models import Base
from models.migration_hooks import include_object, render_item


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:  # plain `alembic` CLI use: a synchronous URL from -x url=... or sqlalchemy.url
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        run(conn)
