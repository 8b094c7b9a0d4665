"""Running a bulk call item by item, each with its own result.

Every `apply` checks its item completely before it changes anything, so an item refused by a
check leaves nothing behind. The fast path therefore runs all items in one savepoint with a
single flush at the end (1,000 new people are one multi-row INSERT, and the write lock is
held for a fraction of a second). If the database still refuses something (a code taken by
another writer meanwhile), that savepoint is rolled back and the call runs again with one
savepoint per item, so the culprit alone is reported and the others go through.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from api.schemas import BulkResult, ItemResult, ResultCounts
from surveys.i18n import TranslatableError, t
from surveys.people.record_checks import RecordRefused

Item = TypeVar("Item")
Apply = Callable[[Any], str]


def run_bulk(
    session: Session,
    items: Sequence[Item],
    make_apply: Callable[[], Apply],
    *,
    language: str,
    key_of: Callable[[Item], str | None],
    field_names: Mapping[str, str] | None = None,
) -> BulkResult:
    """Apply each item (`apply` returns created / updated / unchanged) and report per item.
    `make_apply` builds the item function with fresh lookups (called again if the fast path
    is rolled back)."""
    names = dict(field_names or {})
    try:
        with session.begin_nested():
            apply = make_apply()
            outcomes = [_checked(item, apply, language, names) for item in items]
            session.flush()
    except sa.exc.IntegrityError:
        apply = make_apply()
        outcomes = [_one(session, item, apply, language, names) for item in items]
    counts = ResultCounts()
    results = []
    for index, (item, outcome) in enumerate(zip(items, outcomes, strict=True)):
        results.append(ItemResult(index=index, external_id=key_of(item), **outcome))
        setattr(counts, outcome["result"], getattr(counts, outcome["result"]) + 1)
    return BulkResult(counts=counts, results=results)


def _checked(item: Any, apply: Apply, language: str, names: dict[str, str]) -> dict[str, Any]:
    try:
        return {"result": apply(item)}
    except RecordRefused as refused:
        field = names.get(refused.field, refused.field)
        return {"result": "error", "field": field, "message": refused.message(language)}
    except TranslatableError as refused:
        return {"result": "error", "message": refused.message(language)}


def _one(
    session: Session, item: Any, apply: Apply, language: str, names: dict[str, str]
) -> dict[str, Any]:
    try:
        with session.begin_nested():
            outcome = _checked(item, apply, language, names)
            session.flush()
            return outcome
    except sa.exc.IntegrityError:
        return {"result": "error", "message": t("api.errors.conflict", language)}
