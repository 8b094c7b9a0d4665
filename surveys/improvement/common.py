"""What the indicator 31/32 records share: the checks an entry must pass and the row made of an
entry (written with its audit line by `surveys.audit.save_with_audit`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any, TypeVar

from sqlmodel import SQLModel

from surveys.i18n import TranslatableError

Row = TypeVar("Row", bound=SQLModel)
Check = tuple[bool, str, dict[str, Any]]  # passed, message key, message parameters


def refuse_first(checks: Iterable[Check], error: type[TranslatableError]) -> None:
    """Raise `error` with the message of the first check that did not pass."""
    for passed, key, params in checks:
        if not passed:
            raise error(key, **params)


def one_of(value: str, values: Sequence[str], key: str) -> Check:
    """`value` must be one of `values` (a closed vocabulary)."""
    return (value in values, key, {"value": value})


def at_most(text: str, limit: int, key: str) -> Check:
    return (len(text) <= limit, key, {"limit": limit})


def summary_checks(summary: str, limit: int) -> tuple[Check, Check]:
    """A summary is written, and short enough."""
    return (
        (bool(summary.strip()), "improve.errors.summary_missing", {}),
        at_most(summary, limit, "improve.errors.summary_long"),
    )


def row_from(model: type[Row], item: Any, *, strip: tuple[str, ...], **extra: Any) -> Row:
    """A row of `model` holding every field of the entry `item` (a dataclass), the `strip` ones
    trimmed, plus `extra`."""
    values = {field.name: getattr(item, field.name) for field in fields(item)}
    values.update({name: values[name].strip() for name in strip})
    return model(**values, **extra)
