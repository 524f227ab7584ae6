"""Resources in and out of a spreadsheet (CSV): an import is all or nothing, matched by address
(or by title for resources without one), so importing the same file again changes nothing; every
problem is named by line and column."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import false, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services.errors import RowError
from bot.services.imports import CellProblem, in_file_order, missing_columns, read_date
from bot.services.members import PROVINCES, maintainers
from bot.services.resources import vocabulary as vocab
from bot.services.resources.editing import apply_input
from bot.services.resources.errors import FormInvalid, ResourceImportFailed
from bot.services.resources.freshness import REVIEW_PERIOD
from bot.services.resources.input import ResourceInput, url_key, validate_input
from bot.services.resources.results import split_tags
from models import Person
from models.resources import Resource, ResourceKind, ResourceLanguage

CSV_COLUMNS = ("title", "url", "description", "tags", "language", "province", "kind")
EXPORT_COLUMNS = (*CSV_COLUMNS, "owner", "review_by")


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


async def default_owner(session: AsyncSession) -> str | None:
    """Who owns imported resources that name no owner: an admin, else an NLS lead."""
    return next(iter(await maintainers(session)), None)


# A form shows its choices beside the field; a cell of a file must say them, and what it holds.
_CELL_WORDING = {
    "resources.form.language_invalid": ("imports.resources.language", {"allowed": ", ".join(ResourceLanguage)}),
    "resources.form.province_invalid": ("imports.resources.province", {"allowed": ", ".join(PROVINCES)}),
    "resources.form.kind_invalid": ("imports.resources.kind", {"allowed": ", ".join(ResourceKind)}),
}


def _cell_problems(line: int, raw: dict[str, str], problems: dict[str, tuple[str, dict[str, Any]]]) -> list[RowError]:
    errors = []
    for name, (key, params) in problems.items():
        cell_key, extra = _CELL_WORDING.get(key, (key, {}))
        errors.append(RowError.of(line, cell_key, column=name, value=raw.get(name, "").strip(), **params, **extra))
    return errors


def parse_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> list[tuple[int, ResourceInput, dict[str, str]]]:
    """Validate every cell of every row, and that no address appears twice; `ImportFailed` names
    every problem by line and column."""
    rows = list(rows)
    header = missing_columns(rows, CSV_COLUMNS, header=CSV_COLUMNS)
    if header:
        raise ResourceImportFailed(header)
    parsed: list[tuple[int, ResourceInput, dict[str, str]]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        try:
            read_date(raw.get("review_by"))
        except CellProblem as problem:
            errors.append(problem.at(line, "review_by"))
        try:
            data = validate_input({c: raw.get(c, "") for c in CSV_COLUMNS})
        except FormInvalid as exc:
            errors.extend(_cell_problems(line, raw, exc.problems))
            continue
        key = url_key(data.url) or f"title:{data.title.casefold()}"
        if key in seen:
            where = "url" if data.url else "title"
            errors.append(RowError.of(line, "imports.resources.same_resource", column=where, other=seen[key]))
            continue
        seen[key] = line
        parsed.append((line, data, raw))
    if errors:
        raise ResourceImportFailed(in_file_order(errors, EXPORT_COLUMNS))
    return parsed


async def import_resources(
    session: AsyncSession,
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    now: datetime,
    explain: Callable[..., str] | None = None,
) -> ImportReport:
    """Create or update resources from CSV rows, all or nothing, matched by address (or by title
    for resources without one). Importing the same file again changes nothing.

    Problems are `RowError`s with i18n keys, worded by whoever shows them; `explain`, which
    worded them here before, is accepted and not used, for callers that still pass it."""
    parsed = parse_rows(rows)
    owners = await _import_owners(session, parsed)
    report = ImportReport(rows=len(parsed))
    keys = [url_key(d.url) for _, d, _ in parsed if d.url]
    titles = [d.title for _, d, _ in parsed if not d.url]
    existing = await _existing_for_import(session, keys, titles)
    changes: Counter[str] = Counter()
    for line, data, raw in parsed:
        resource = existing.get(url_key(data.url) or f"title:{data.title.casefold()}")
        review_by = read_date(raw.get("review_by"))  # read once already, by parse_rows
        if resource is None:
            resource = Resource(
                owner_id=owners[line],
                added_by=None,
                created_at=now,
                updated_at=now,
                review_by=review_by or now.date() + REVIEW_PERIOD,
                retired=False,
                tag_rows=[],
            )
            apply_input(resource, data)
            session.add(resource)
            changes.update(vocab.terms_of(resource))
            report.created += 1
        elif _differs(resource, data, owners[line], review_by):
            before = vocab.terms_of(resource)
            apply_input(resource, data)
            resource.owner_id, resource.updated_at = owners[line], now
            resource.review_by = review_by or resource.review_by
            changes.update(vocab.difference(before, vocab.terms_of(resource)))
            report.updated += 1
        else:
            report.unchanged += 1
    await session.flush()
    await vocab.count_terms(session, changes)
    return report


async def _import_owners(
    session: AsyncSession, parsed: list[tuple[int, ResourceInput, dict[str, str]]]
) -> dict[int, str]:
    named = {(raw.get("owner") or "").strip() for _, _, raw in parsed} - {""}
    known = (
        set(
            (
                await session.execute(
                    select(Person.slack_user_id).where(Person.slack_user_id.in_(named), Person.active)
                )
            ).scalars()
        )
        if named
        else set()
    )
    fallback = await default_owner(session)
    owners, errors = {}, []
    for line, _, raw in parsed:
        owner = (raw.get("owner") or "").strip() or fallback
        if owner is None:
            errors.append(RowError.of(line, "imports.resources.no_owner", column="owner"))
        elif raw.get("owner", "").strip() and owner not in known:
            errors.append(RowError.of(line, "imports.resources.owner_unknown", column="owner", value=owner))
        else:
            owners[line] = owner
    if errors:
        raise ResourceImportFailed(errors)
    return owners


async def _existing_for_import(session: AsyncSession, keys: list[str | None], titles: list[str]) -> dict[str, Resource]:
    found: dict[str, Resource] = {}
    query = select(Resource).options(selectinload(Resource.tag_rows))
    for start in range(0, len(keys), 500):
        chunk = [k for k in keys[start : start + 500] if k]
        for r in (await session.execute(query.where(Resource.url_key.in_(chunk)))).scalars():
            found[r.url_key] = r  # type: ignore[index]
    if titles:
        folded = {t.casefold() for t in titles}
        for r in (await session.execute(query.where(Resource.url_key.is_(None)))).scalars():
            if r.title.casefold() in folded:
                found.setdefault(f"title:{r.title.casefold()}", r)
    return found


def _differs(resource: Resource, data: ResourceInput, owner: str, review_by: date | None) -> bool:
    current = (
        resource.title,
        resource.url,
        resource.description,
        resource.tags,
        resource.language,
        resource.province,
        resource.kind,
        resource.owner_id,
    )
    wanted = (
        data.title,
        data.url,
        data.description,
        ", ".join(data.tags),
        data.language,
        data.province,
        data.kind,
        owner,
    )
    return current != wanted or (review_by is not None and review_by != resource.review_by)


async def export_resources(session: AsyncSession, *, include_retired: bool = False) -> list[dict[str, str]]:
    query = select(Resource).order_by(Resource.id)
    if not include_retired:
        query = query.where(Resource.retired == false())
    rows = []
    for r in (await session.execute(query)).scalars():
        rows.append(
            {
                "title": r.title,
                "url": r.url or "",
                "description": r.description,
                "tags": ";".join(split_tags(r.tags)),
                "language": r.language.value,
                "province": r.province or "",
                "kind": r.kind.value,
                "owner": r.owner_id,
                "review_by": r.review_by.isoformat(),
            }
        )
    return rows
