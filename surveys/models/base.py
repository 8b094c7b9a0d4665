"""What every table module shares: the column helpers and the shared vocabularies.

Conventions: datetimes are timezone-aware UTC (`utc_now`); closed vocabularies are strings
guarded by CHECK constraints (portable, and PostgreSQL enums are painful to migrate); JSON
columns hold frozen snapshots and small lists.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from question_banks.schema import AUDIENCES, TIMINGS

# Whom of a session's enrolments a plan's survey goes to (`SurveyPlan.enrolment_scope`):
# "completed" (the default) leaves out those who dropped out or never came, "all" is every
# enrolment, "dropped_out" only those who dropped out (the dropout survey).
ENROLMENT_SCOPES = ("completed", "all", "dropped_out")

STAKEHOLDER_TYPES = AUDIENCES  # one order everywhere: question_banks.schema.Audience
LANGUAGES = ("fr", "en")
EXTERNAL_ID_MAX = 120  # the caller's own id (a training-management system's), see api/

__all__ = [
    "ENROLMENT_SCOPES",
    "EXTERNAL_ID_MAX",
    "LANGUAGES",
    "STAKEHOLDER_TYPES",
    "TIMINGS",
    "UTCDateTime",
    "check_in",
    "json_column",
    "new_uuid",
    "utc_column",
    "utc_now",
    "vocabulary_checks",
]


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> str:
    return uuid.uuid4().hex


def check_in(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    """A CHECK constraint keeping `column` inside a closed vocabulary."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=name)


def vocabulary_checks(
    table: str, **vocabularies: tuple[str, ...]
) -> tuple[sa.CheckConstraint, ...]:
    """One CHECK constraint per column of `table` kept inside a closed vocabulary, named
    `ck_<table>_<column>`."""
    return tuple(
        check_in(column, values, f"ck_{table}_{column}") for column, values in vocabularies.items()
    )


class UTCDateTime(sa.TypeDecorator):
    """Timezone-aware UTC in and out, on every backend (SQLite returns naive values)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use datetime.now(timezone.utc)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


def utc_column(**kwargs: Any) -> Any:
    """A timezone-aware UTC datetime column."""
    return Field(sa_type=UTCDateTime, **kwargs)


def json_column(**kwargs: Any) -> Any:
    return Field(sa_type=sa.JSON, **kwargs)
