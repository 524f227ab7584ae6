"""Small SQL helpers that must behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

T = TypeVar("T")


def dialect_of(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def _insert_for(dialect: str, table: Table) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@lru_cache(maxsize=64)
def _insert_if_absent_statement(
    dialect: str, table: Table, columns: tuple[str, ...], conflict_columns: tuple[str, ...], returning: str
) -> Any:
    """The statement for one shape of call, built once: its values are bound parameters, so
    SQLAlchemy finds it compiled in its cache instead of rebuilding it on every request."""
    return (
        _insert_for(dialect, table)
        .values({name: bindparam(name) for name in columns})
        .on_conflict_do_nothing(index_elements=list(conflict_columns))
        .returning(table.c[returning])
    )


async def insert_if_absent(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: dict[str, Any],
    conflict_columns: Sequence[str],
    returning: str = "id",
    where: Any = None,
) -> Any | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING <col>: the returned value if this call inserted
    the row, None if a row with the same key already existed.

    Success is read from RETURNING, never from rowcount (psycopg reports -1 for this statement),
    and the unique key in the database decides, so concurrent callers cannot both win.
    """
    table: Table = model.__table__  # type: ignore[assignment]
    if where is None:
        shape = (dialect_of(session), table, tuple(values), tuple(conflict_columns), returning)
        connection = await session.connection()  # a Core statement: none of the ORM's execution steps
        return (await connection.execute(_insert_if_absent_statement(*shape), values)).scalar_one_or_none()
    stmt = (
        _insert_for(dialect_of(session), table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict_columns), index_where=where)
        .returning(table.c[returning])
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def insert_many_if_absent(
    session: AsyncSession,
    model: type[DeclarativeBase],
    rows: Sequence[dict[str, Any]],
    conflict_columns: Sequence[str],
    returning: str,
) -> set[Any]:
    """`insert_if_absent` for many rows of one shape at once: the `returning` values of the rows
    this call inserted (a row whose key was there already, or came twice, is left out).

    One statement executed for every row: SQLAlchemy sends it as multi-row INSERTs
    ("insertmanyvalues"), so many rows cost one round trip and one compiled statement however
    many there are. Rows are matched to what came back by `returning`, which should be their key."""
    if not rows:
        return set()
    table: Table = model.__table__  # type: ignore[assignment]
    shape = (dialect_of(session), table, tuple(rows[0]), tuple(conflict_columns), returning)
    connection = await session.connection()
    return set((await connection.execute(_insert_if_absent_statement(*shape), list(rows))).scalars())


def chunks(values: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """IN-lists short enough for every backend's parameter limit."""
    return (values[start : start + size] for start in range(0, len(values), size))
