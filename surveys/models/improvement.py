"""The indicator 31/32 records: complaints, improvement actions, evidence notes."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from surveys.models.base import EXTERNAL_ID_MAX, utc_column, utc_now, vocabulary_checks

COMPLAINT_KINDS = ("complaint", "incident", "difficulty")
COMPLAINT_STATUSES = ("received", "acknowledged", "answered", "closed")
ACTION_STATUSES = ("planned", "in_progress", "done", "abandoned")


class Complaint(SQLModel, table=True):
    """A complaint, difficulty or technical incident (indicator 31)."""

    __tablename__ = "complaint"
    __table_args__ = vocabulary_checks("complaint", kind=COMPLAINT_KINDS, status=COMPLAINT_STATUSES)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="complaint", max_length=20)
    source: str = Field(default="", max_length=60)
    stakeholder_type: str = Field(default="learner", max_length=20)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    session_id: int | None = Field(default=None, foreign_key="training_session.id")
    theme: str = Field(default="", max_length=60)
    summary: str = Field(max_length=300)
    details: str = Field(default="", max_length=5000)
    received_on: date
    status: str = Field(default="received", max_length=20)
    acknowledged_at: datetime | None = utc_column(default=None)
    answered_at: datetime | None = utc_column(default=None)
    answer: str = Field(default="", max_length=5000)
    closed_at: datetime | None = utc_column(default=None)
    response_id: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(
        default=None, max_length=EXTERNAL_ID_MAX, unique=True, index=True
    )
    created_by: str = Field(default="", max_length=254)
    created_at: datetime = utc_column(default_factory=utc_now)


class ImprovementAction(SQLModel, table=True):
    """An improvement measure (indicator 32), from a suggestion, a complaint or a debrief."""

    __tablename__ = "improvement_action"
    __table_args__ = vocabulary_checks("improvement_action", status=ACTION_STATUSES)
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    theme: str = Field(default="", max_length=60)
    origin: str = Field(default="", max_length=120)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id")
    owner: str = Field(default="", max_length=200)
    due_on: date | None = None
    status: str = Field(default="planned", max_length=20)
    done_on: date | None = None
    notes: str = Field(default="", max_length=5000)
    created_at: datetime = utc_column(default_factory=utc_now)


class EvidenceNote(SQLModel, table=True):
    """Proof of solicitation other than a survey, e.g. a financer's webinar attended."""

    __tablename__ = "evidence_note"
    id: int | None = Field(default=None, primary_key=True)
    stakeholder_type: str = Field(max_length=20)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    organisation: str = Field(default="", max_length=200)
    kind: str = Field(default="meeting", max_length=40)
    occurred_on: date
    summary: str = Field(max_length=2000)
    created_by: str = Field(default="", max_length=254)
    created_at: datetime = utc_column(default_factory=utc_now)
