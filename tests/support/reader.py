"""A database reader as an attacker plays one: nothing but SELECT, on every table, with what the
engine shows a plain role besides the columns (PostgreSQL's `xmin` and `ctid`), in the order the
engine hands rows back. It knows nothing of our schema: it reads every table there is.

And a judge: does a feature the reader can compute for each voter (a linked row's column, a
neighbour in physical order) predict what the voter chose better than chance?
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Hashable, Mapping
from typing import Any

from sqlalchemy import inspect, text

from bot.deps import Deps

Row = dict[str, Any]
Snapshot = dict[str, list[Row]]


async def snapshot(deps: Deps) -> Snapshot:
    """Every row of every table, in the engine's own order (PostgreSQL: physical `ctid` order, with
    `xmin` and `ctid` as columns; SQLite: the table's scan order, rowid with it where there is one)."""
    async with deps.db.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        out: Snapshot = {}
        for table in tables:
            if deps.db.is_sqlite:
                query = f'SELECT * FROM "{table}"'
                if not await _without_rowid(conn, table):
                    query = f'SELECT rowid AS _rowid, * FROM "{table}"'
            else:
                query = f'SELECT xmin::text AS _xmin, ctid::text AS _ctid, * FROM "{table}" ORDER BY ctid'
            out[table] = [dict(r._mapping) for r in await conn.execute(text(query))]
        await conn.rollback()
    return out


async def settled(deps: Deps) -> Snapshot:
    """The database once a request's after-work (profile cache, delivery batch) has landed: two
    snapshots a quarter second apart that agree (or ten seconds, on a very slow machine)."""
    state = await snapshot(deps)
    for _ in range(40):
        await asyncio.sleep(0.25)
        if (later := await snapshot(deps)) == state:
            break
        state = later
    return state


async def _without_rowid(conn: Any, table: str) -> bool:
    sql = (await conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table})).scalar() or ""
    return "WITHOUT ROWID" in sql.upper()


def _frozen(value: Any) -> Hashable:
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, list | dict):
        return repr(value)
    return value


def row_key(row: Row, *, ignore: tuple[str, ...] = ("_xmin", "_ctid", "_rowid")) -> tuple[Hashable, ...]:
    return tuple(sorted((k, _frozen(v)) for k, v in row.items() if k not in ignore))


def new_rows(before: Snapshot, after: Snapshot) -> Snapshot:
    """The rows a commit added or rewrote: what a replica, or two backups, show a reader."""
    out: Snapshot = {}
    for table, rows in after.items():
        seen = {row_key(r) for r in before.get(table, [])}
        fresh = [r for r in rows if row_key(r) not in seen]
        if fresh:
            out[table] = fresh
    return out


def column_features(linked: Mapping[str, list[Row]]) -> dict[tuple[str, str], Hashable]:
    """For one voter: each (table, column) of the rows linked to them, as one comparable value."""
    values: dict[tuple[str, str], list[Hashable]] = {}
    for table, rows in linked.items():
        for row in rows:
            for column, value in row.items():
                values.setdefault((table, column), []).append(_frozen(value))
    return {key: tuple(sorted(map(repr, vals))) for key, vals in values.items()}


def leave_one_out_accuracy(feature: Mapping[str, Hashable], truth: Mapping[str, Hashable]) -> float:
    """How often a voter's choice is the most common choice among the *other* voters who share the
    feature's value: 1.0 when the feature is the choice (or a deterministic function of it),
    chance or less when it is noise, unique per voter, or the same for everyone."""
    hits = 0
    for voter, value in feature.items():
        others = Counter(truth[v] for v, f in feature.items() if v != voter and f == value)
        if others:
            guess = sorted(others.items(), key=lambda kv: (-kv[1], repr(kv[0])))[0][0]
            hits += guess == truth[voter]
    return hits / len(truth)


def better_than_chance(n: int, p: float, *, odds: float = 1e-6) -> int:
    """The fewest right guesses out of `n` that chance (probability `p` each) reaches with less than
    `odds`: a reader who guesses this well has learned something. Used as `hits < bound`, the
    check holds on any machine, since it is arithmetic on what was stored, never a timing."""
    tail = 0.0
    for k in range(n, -1, -1):
        tail += math.comb(n, k) * p**k * (1 - p) ** (n - k)
        if tail >= odds:
            return k + 1
    return 0
