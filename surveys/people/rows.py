"""Checking rows: each row's values, by field name, checked and cleaned on their own.

A refused row names its field and the reason (`RowRefused`), and becomes a `RowProblem` with
the row number as the spreadsheet shows it. Dates are `dd/mm/yyyy` (or dd-mm-yyyy, dd.mm.yyyy,
yyyy-mm-dd). Control characters are refused (a name is never a way to inject an email header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from surveys.i18n import t
from surveys.people.enrolment_status import parse_enrolment_status
from surveys.people.reading import REQUIRED_FIELDS
from surveys.people.vocabulary import (
    LANGUAGE_SYNONYMS,
    MODALITY_SYNONYMS,
    STAKEHOLDER_SYNONYMS,
    normalise,
)

SESSION_FIELDS = ("programme", "start_date", "end_date")  # needed to create a new session
MAX_LENGTHS = {
    "last_name": 120,
    "first_name": 120,
    "email": 254,
    "organisation": 200,
    "session_code": 60,
    "programme": 200,
}
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")  # what the patterns read
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
PLAUSIBLE_YEARS = (1990, 2100)  # a training, a status change: never 0001 nor 9999
MAX_SESSION_DAYS = 6 * 366  # the longest apprenticeships last 3 years; 6 is generous


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    vocabulary: str = ""  # when set, `value` and `first_value` are slugs shown by their label

    def message(self, language: str = "fr") -> str:
        params = dict(self.params)
        if self.vocabulary:
            for name in ("value", "first_value"):
                if name in params:
                    params[name] = t(f"{self.vocabulary}.{params[name]}", language)
        return t(self.key, language, **params)

    def describe(self, language: str = "fr") -> str:
        return t(
            "people_import.problem_line",
            language,
            row=self.row,
            column=self.column,
            reason=self.message(language),
        )


class RowRefused(Exception):
    def __init__(self, field_name: str, key: str, **params: Any) -> None:
        super().__init__(key)
        self.field_name, self.key, self.params = field_name, key, params


@dataclass(frozen=True, slots=True)
class PersonRow:
    row: int
    email: str
    stakeholder_type: str
    first_name: str = ""
    last_name: str = ""
    organisation: str = ""
    language: str | None = None
    session_code: str = ""
    programme: str = ""
    start_date: date | None = None
    end_date: date | None = None
    modality: str | None = None
    status: str | None = None
    status_changed_on: date | None = None


BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# Unicode categories Cc (U+0000-001F, U+007F-009F), Zl (U+2028), Zp (U+2029) and BIDI_CONTROLS.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def has_control_characters(value: str) -> bool:
    """CR, LF, NUL, tabs... and the bidirectional overrides that disguise text."""
    return _CONTROL.search(value) is not None


def clean_text(values: dict[str, Any], name: str) -> str:
    raw = values.get(name)
    if raw is None or isinstance(raw, date):
        return "" if raw is None else raw.isoformat()
    value = str(raw).strip()
    if has_control_characters(value):
        raise RowRefused(name, "people_import.errors.control_characters")
    limit = MAX_LENGTHS.get(name)
    if limit and len(value) > limit:
        raise RowRefused(name, "people_import.errors.too_long", limit=limit)
    return value


def parse_date(value: Any) -> date | None:
    """dd/mm/yyyy (or dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd); None when empty; ValueError when
    the text is not a real date (31/02/2026)."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    return _parse_text_date(text) if text else None


@lru_cache(maxsize=4096)  # a file repeats its sessions' few dates on every row
def _parse_text_date(text: str) -> date:
    if found := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in found.group(1, 3, 4))
        return date(year, month, day)  # ValueError for 31/02
    if found := _ISO.fullmatch(text):
        return date(*(int(part) for part in found.groups()))
    raise ValueError(text)


def match_vocabulary(
    values: dict[str, Any], name: str, table: dict[str, str], key: str
) -> str | None:
    text = clean_text(values, name)
    if not text:
        return None
    found = table.get(normalise(text))
    if found is None:
        raise RowRefused(name, key, value=text)
    return found


def field_date(values: dict[str, Any], name: str) -> date | None:
    """A real date within `PLAUSIBLE_YEARS`; None when empty."""
    try:
        found = parse_date(values.get(name))
    except ValueError as error:
        raise RowRefused(name, "people_import.errors.date", value=str(values.get(name))) from error
    if found and not PLAUSIBLE_YEARS[0] <= found.year <= PLAUSIBLE_YEARS[1]:
        low, high = PLAUSIBLE_YEARS
        raise RowRefused(
            name,
            "people_import.errors.implausible_date",
            value=f"{found:%d/%m/%Y}",
            low=low,
            high=high,
        )
    return found


def field_status(values: dict[str, Any]) -> str | None:
    """The enrolment status slug from "Terminé", "Abandon", "Absent"...; None when empty."""
    text = clean_text(values, "status")
    try:
        return parse_enrolment_status(text)
    except ValueError:
        raise RowRefused("status", "people_import.errors.status", value=text) from None


def _check_dates(person: PersonRow) -> None:
    if person.start_date and person.end_date:
        if person.end_date < person.start_date:
            raise RowRefused("end_date", "people_import.errors.end_before_start")
        if (person.end_date - person.start_date).days > MAX_SESSION_DAYS:
            raise RowRefused("end_date", "people_import.errors.implausible_span", years=6)


_REPEATING: dict[str, Any] = {  # fields whose few values repeat on every row: checked once each
    "stakeholder_type": lambda v: match_vocabulary(
        v, "stakeholder_type", STAKEHOLDER_SYNONYMS, "people_import.errors.type"
    ),
    "language": lambda v: match_vocabulary(
        v, "language", LANGUAGE_SYNONYMS, "people_import.errors.language"
    ),
    "session_code": lambda v: clean_text(v, "session_code"),
    "programme": lambda v: clean_text(v, "programme"),
    "start_date": lambda v: field_date(v, "start_date"),
    "end_date": lambda v: field_date(v, "end_date"),
    "modality": lambda v: match_vocabulary(
        v, "modality", MODALITY_SYNONYMS, "people_import.errors.modality"
    ),
    "status": field_status,
    "status_changed_on": lambda v: field_date(v, "status_changed_on"),
}


@lru_cache(maxsize=16384)
def _checked_once(name: str, raw: Any) -> Any:
    return _REPEATING[name]({name: raw})


def _repeating(values: dict[str, Any], name: str) -> Any:
    raw = values.get(name)
    try:
        return _checked_once(name, raw)
    except TypeError:  # an unhashable cell: checked as it is
        return _REPEATING[name](values)


def check_row(row_number: int, values: dict[str, Any]) -> PersonRow:
    """One row's values (by field name) checked and cleaned; RowRefused names the field."""
    for name in REQUIRED_FIELDS:
        if not str(values.get(name) or "").strip():
            raise RowRefused(name, "people_import.errors.required")
    email = clean_text(values, "email").lower()
    if not EMAIL.match(email):
        raise RowRefused("email", "people_import.errors.email", value=email)
    kind = _repeating(values, "stakeholder_type")
    person = PersonRow(
        row=row_number,
        email=email,
        stakeholder_type=kind or "",
        first_name=clean_text(values, "first_name"),
        last_name=clean_text(values, "last_name"),
        organisation=clean_text(values, "organisation"),
        language=_repeating(values, "language"),
        session_code=_repeating(values, "session_code"),
        programme=_repeating(values, "programme"),
        start_date=_repeating(values, "start_date"),
        end_date=_repeating(values, "end_date"),
        modality=_repeating(values, "modality"),
        status=_repeating(values, "status"),
        status_changed_on=_repeating(values, "status_changed_on"),
    )
    _check_dates(person)
    return person
