"""Programmes, their sessions, the people surveyed and their part in each session."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from surveys.models.base import (
    EXTERNAL_ID_MAX,
    LANGUAGES,
    STAKEHOLDER_TYPES,
    utc_column,
    utc_now,
    vocabulary_checks,
)

MODALITIES = ("onsite", "remote", "hybrid")
PROGRAMME_KINDS = ("training", "skills_assessment")
# Stable slugs of inscrit / en cours / terminé / abandon / absent (surveys.people.enrolment_status).
ENROLMENT_STATUSES = ("enrolled", "in_progress", "completed", "dropped_out", "absent")


class Programme(SQLModel, table=True):
    __tablename__ = "programme"
    __table_args__ = vocabulary_checks("programme", kind=PROGRAMME_KINDS)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="training", max_length=30)
    external_id: str | None = Field(
        default=None, max_length=EXTERNAL_ID_MAX, unique=True, index=True
    )
    description: str = Field(default="", max_length=2000)
    archived: bool = Field(default=False)
    created_at: datetime = utc_column(default_factory=utc_now)


class TrainingSession(SQLModel, table=True):
    """One run of a programme: dates, modality and learning platform."""

    __tablename__ = "training_session"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="ck_training_session_dates"),
        *vocabulary_checks("training_session", modality=MODALITIES),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True, index=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    start_date: date
    end_date: date
    modality: str = Field(default="hybrid", max_length=20)
    lms: str = Field(default="", max_length=120)
    location: str = Field(default="", max_length=200)
    external_id: str | None = Field(
        default=None, max_length=EXTERNAL_ID_MAX, unique=True, index=True
    )
    created_at: datetime = utc_column(default_factory=utc_now)


class Person(SQLModel, table=True):
    """A stakeholder: learner, financer contact, trainer or company contact."""

    __tablename__ = "person"
    __table_args__ = vocabulary_checks(
        "person", stakeholder_type=STAKEHOLDER_TYPES, language=LANGUAGES
    )
    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, max_length=254, unique=True, index=True)
    first_name: str = Field(default="", max_length=120)
    last_name: str = Field(default="", max_length=120)
    stakeholder_type: str = Field(max_length=20, index=True)
    organisation: str = Field(default="", max_length=200)
    language: str = Field(default="fr", max_length=2)
    opted_out_at: datetime | None = utc_column(default=None)
    bounced_at: datetime | None = utc_column(default=None)
    erased_at: datetime | None = utc_column(default=None)
    external_id: str | None = Field(
        default=None, max_length=EXTERNAL_ID_MAX, unique=True, index=True
    )
    created_at: datetime = utc_column(default_factory=utc_now)


class Enrolment(SQLModel, table=True):
    """A person's part in a session: learner, trainer, employing company or financer."""

    __tablename__ = "enrolment"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "session_id", "role", name="uq_enrolment"),
        *vocabulary_checks("enrolment", role=STAKEHOLDER_TYPES, status=ENROLMENT_STATUSES),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    session_id: int = Field(foreign_key="training_session.id", index=True)
    role: str = Field(max_length=20)
    status: str = Field(
        default="enrolled", max_length=20, sa_column_kwargs={"server_default": "enrolled"}
    )
    status_changed_on: date | None = None
    created_at: datetime = utc_column(default_factory=utc_now)
