"""Running a bulk call item by item: each item in its own savepoint, with its own result.

An item refused by a check (or by the database: a code taken meanwhile...) is rolled back
alone and reported with the reason in the caller's language; the others go through.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from api.schemas import BulkResult, ItemResult, ResultCounts
from surveys.i18n import TranslatableError, t
from surveys.record_checks import RecordRefused

Item = TypeVar("Item")


def run_bulk(
    session: Session,
    items: Sequence[Item],
    apply: Callable[[Item], str],
    *,
    language: str,
    key_of: Callable[[Item], str | None],
    field_names: Mapping[str, str] | None = None,
) -> BulkResult:
    """Apply each item (`apply` returns created / updated / unchanged) and report per item."""
    names = dict(field_names or {})
    results: list[ItemResult] = []
    counts = ResultCounts()
    for index, item in enumerate(items):
        outcome = _one(session, item, apply, language, names)
        results.append(ItemResult(index=index, external_id=key_of(item), **outcome))
        setattr(counts, outcome["result"], getattr(counts, outcome["result"]) + 1)
    return BulkResult(counts=counts, results=results)


def _one(
    session: Session,
    item: Any,
    apply: Callable[[Any], str],
    language: str,
    names: dict[str, str],
) -> dict[str, Any]:
    try:
        with session.begin_nested():
            return {"result": apply(item)}
    except RecordRefused as refused:
        field = names.get(refused.field, refused.field)
        return {"result": "error", "field": field, "message": refused.message(language)}
    except TranslatableError as refused:
        return {"result": "error", "message": refused.message(language)}
    except sa.exc.IntegrityError:
        return {"result": "error", "message": t("api.errors.conflict", language)}
