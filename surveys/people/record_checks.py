"""The CSV import's field checks, for records that do not come from a file (the HTTP API).

The rules and the messages are the import's own (`surveys.people.rows`): this module only
gives them a public face: one function per kind of field, raising `RecordRefused` (a
`TranslatableError` that names the field) instead of the import's private exception. Nothing
is copied, so the API and the import can never disagree on what a valid row is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from surveys.i18n import TranslatableError
from surveys.people import rows

T = TypeVar("T")
PersonRow = rows.PersonRow


class RecordRefused(TranslatableError):
    """A field of a record is refused; `field` names it, the message says why."""

    def __init__(self, field: str, key: str, **params: Any) -> None:
        super().__init__(key, **params)
        self.field = field


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except rows.RowRefused as refused:
        raise RecordRefused(refused.field_name, refused.key, **refused.params) from None


def _checked(function: Callable[..., T], *args: Any) -> T:
    with _refusals():
        return function(*args)


def check_person(values: Mapping[str, Any], number: int = 0) -> PersonRow:
    """A person's fields (email, stakeholder_type required; names, organisation, language),
    exactly as one row of the import is checked."""
    return _checked(rows.check_row, number, dict(values))


def check_text(values: Mapping[str, Any], name: str) -> str:
    """Stripped text; refused with control characters, or past the import's length limit."""
    return _checked(rows.clean_text, dict(values), name)


def check_date(values: Mapping[str, Any], name: str) -> date | None:
    """dd/mm/yyyy or yyyy-mm-dd (and the import's other forms); None when empty."""
    return _checked(rows.field_date, dict(values), name)


def _in_vocabulary(
    values: Mapping[str, Any], name: str, synonyms: Mapping[str, str], message: str
) -> str | None:
    return _checked(rows.match_vocabulary, dict(values), name, synonyms, message)


def check_modality(values: Mapping[str, Any], name: str = "modality") -> str | None:
    """onsite / remote / hybrid from "présentiel", "distanciel", "hybride"..."""
    return _in_vocabulary(values, name, rows.MODALITY_SYNONYMS, "people_import.errors.modality")


def check_stakeholder_type(values: Mapping[str, Any], name: str = "stakeholder_type") -> str | None:
    """learner / financer / trainer / company from "stagiaire", "OPCO", "formateur"..."""
    return _in_vocabulary(values, name, rows.STAKEHOLDER_SYNONYMS, "people_import.errors.type")


def check_required(values: Mapping[str, Any], name: str) -> None:
    if not str(values.get(name) or "").strip():
        raise RecordRefused(name, "people_import.errors.required")


def check_dates_in_order(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise RecordRefused("end_date", "people_import.errors.end_before_start")
