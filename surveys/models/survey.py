"""Surveys being designed, their frozen published versions, custom questions and plans."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from surveys.models.base import (
    ENROLMENT_SCOPES,
    STAKEHOLDER_TYPES,
    TIMINGS,
    json_column,
    utc_column,
    utc_now,
    vocabulary_checks,
)
from surveys.schedule import DEFAULT_CLOSE_AFTER_DAYS, DEFAULT_REMINDER_OFFSETS_DAYS

SURVEY_STATUSES = ("active", "archived")


class CustomQuestion(SQLModel, table=True):
    """A question written by quality staff, with the same schema as the bank questions.

    `definition` holds the validated question (question_banks schema). Once a question has
    answers its meaning is frozen: an edit creates a new row and sets `replaced_by`.
    """

    __tablename__ = "custom_question"
    id: str = Field(primary_key=True, max_length=80)
    theme: str = Field(max_length=60)
    definition: dict[str, Any] = json_column()
    replaced_by: str | None = Field(default=None, max_length=80)
    created_by: str = Field(default="", max_length=254)
    created_at: datetime = utc_column(default_factory=utc_now)


class Survey(SQLModel, table=True):
    """A survey being designed; `draft` is its editable definition."""

    __tablename__ = "survey"
    __table_args__ = vocabulary_checks(
        "survey", status=SURVEY_STATUSES, audience=STAKEHOLDER_TYPES, timing=TIMINGS
    )
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    audience: str = Field(max_length=20)
    timing: str = Field(max_length=20)
    template_id: str | None = Field(default=None, max_length=80)
    anonymous: bool = Field(default=False)
    draft: dict[str, Any] = json_column()
    status: str = Field(default="active", max_length=20)
    created_at: datetime = utc_column(default_factory=utc_now)
    updated_at: datetime = utc_column(default_factory=utc_now)


class SurveyVersion(SQLModel, table=True):
    """A published, frozen snapshot of a survey (questions included). Never updated."""

    __tablename__ = "survey_version"
    __table_args__ = (sa.UniqueConstraint("survey_id", "number", name="uq_survey_version"),)
    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    number: int
    definition: dict[str, Any] = json_column()
    anonymous: bool = Field(default=False)
    published_at: datetime = utc_column(default_factory=utc_now)
    published_by: str = Field(default="", max_length=254)


class SurveyPlan(SQLModel, table=True):
    """Which survey goes to which audience and when (indicator 30's "relevant frequency").

    `programme_id` is empty for organisation-wide plans such as the yearly financer survey.
    """

    __tablename__ = "survey_plan"
    __table_args__ = vocabulary_checks(
        "survey_plan", audience=STAKEHOLDER_TYPES, timing=TIMINGS, enrolment_scope=ENROLMENT_SCOPES
    )
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int | None = Field(default=None, foreign_key="programme.id", index=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    audience: str = Field(max_length=20)
    timing: str = Field(max_length=20)
    offset_days: int = Field(default=0)
    send_time: str = Field(default="17:00", max_length=5)
    reminder_offsets_days: list[int] = json_column(
        default_factory=lambda: list(DEFAULT_REMINDER_OFFSETS_DAYS)
    )
    close_after_days: int = Field(default=DEFAULT_CLOSE_AFTER_DAYS)
    email_overrides: dict[str, Any] = json_column(default_factory=dict)
    enrolment_scope: str = Field(
        default="completed", max_length=20, sa_column_kwargs={"server_default": "completed"}
    )
    active: bool = Field(default=True)
    created_at: datetime = utc_column(default_factory=utc_now)
