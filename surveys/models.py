"""The data model of the whole product (SQLModel tables).

Conventions: datetimes are timezone-aware UTC (`utc_now`); closed vocabularies are strings
guarded by CHECK constraints (portable, and PostgreSQL enums are painful to migrate); JSON
columns hold frozen snapshots and small lists.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

ROLES = ("admin", "quality", "director")
STAKEHOLDER_TYPES = ("learner", "financer", "trainer", "company")
MODALITIES = ("onsite", "remote", "hybrid")
LANGUAGES = ("fr", "en")
TIMINGS = ("hot", "cold", "annual")
PROGRAMME_KINDS = ("training", "skills_assessment")
SURVEY_STATUSES = ("active", "archived")
CAMPAIGN_STATUSES = ("scheduled", "open", "paused", "closed")
INVITATION_STATUSES = ("pending", "sent", "completed", "opted_out", "bounced", "failed")
MESSAGE_KINDS = ("invitation", "reminder", "resend")
# What `abuse_event` counts (`surveys/limits.py`): guessed answer links, failed logins, and the
# session links' own limits (`surveys/room/`: mistyped short links, emails typed in a room).
ABUSE_SCOPES = (
    "invalid_link",
    "login_failure",
    "invalid_session_link",
    "room_email",
    "room_email_person",
)
MESSAGE_STATUSES = ("pending", "sending", "sent", "retry", "failed", "unknown", "cancelled")
COMPLAINT_KINDS = ("complaint", "incident", "difficulty")
COMPLAINT_STATUSES = ("received", "acknowledged", "answered", "closed")
ACTION_STATUSES = ("planned", "in_progress", "done", "abandoned")
# Stable slugs of inscrit / en cours / terminé / abandon / absent (surveys.people.enrolment_status).
ENROLMENT_STATUSES = ("enrolled", "in_progress", "completed", "dropped_out", "absent")
EXTERNAL_ID_MAX = 120  # the caller's own id (a training-management system's), see api/


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> str:
    return uuid.uuid4().hex


def _check(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=name)


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


def _when(**kwargs: Any) -> Any:
    """A timezone-aware UTC datetime column."""
    return Field(sa_type=UTCDateTime, **kwargs)


def _json(**kwargs: Any) -> Any:
    return Field(sa_type=sa.JSON, **kwargs)


class OrganisationSettings(SQLModel, table=True):
    """The training organisation itself: one row (id 1)."""

    __tablename__ = "organisation_settings"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    support_email: str = Field(default="", max_length=254)
    support_phone: str = Field(default="", max_length=40)
    privacy_contact: str = Field(default="", max_length=254)
    address: str = Field(default="", max_length=400)
    default_language: str = Field(default="fr", max_length=2)
    retention_years: int = Field(default=3)
    small_group_min: int = Field(default=5)
    updated_at: datetime = _when(default_factory=utc_now)


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_user"
    __table_args__ = (_check("role", ROLES, "ck_staff_user_role"),)
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(default="", max_length=200)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=200)
    language: str = Field(default="fr", max_length=2)
    is_active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = _when(default=None)
    session_version: int = Field(default=1)
    last_login_at: datetime | None = _when(default=None)
    created_at: datetime = _when(default_factory=utc_now)


class Programme(SQLModel, table=True):
    __tablename__ = "programme"
    __table_args__ = (_check("kind", PROGRAMME_KINDS, "ck_programme_kind"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="training", max_length=30)
    external_id: str | None = Field(
        default=None, max_length=EXTERNAL_ID_MAX, unique=True, index=True
    )
    description: str = Field(default="", max_length=2000)
    archived: bool = Field(default=False)
    created_at: datetime = _when(default_factory=utc_now)


class TrainingSession(SQLModel, table=True):
    """One run of a programme: dates, modality and learning platform."""

    __tablename__ = "training_session"
    __table_args__ = (
        _check("modality", MODALITIES, "ck_training_session_modality"),
        sa.CheckConstraint("end_date >= start_date", name="ck_training_session_dates"),
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
    created_at: datetime = _when(default_factory=utc_now)


class Person(SQLModel, table=True):
    """A stakeholder: learner, financer contact, trainer or company contact."""

    __tablename__ = "person"
    __table_args__ = (
        _check("stakeholder_type", STAKEHOLDER_TYPES, "ck_person_stakeholder_type"),
        _check("language", LANGUAGES, "ck_person_language"),
    )
    id: int | None = Field(default=None, primary_key=True)
    email: str | None = Field(default=None, max_length=254, unique=True, index=True)
    first_name: str = Field(default="", max_length=120)
    last_name: str = Field(default="", max_length=120)
    stakeholder_type: str = Field(max_length=20, index=True)
    organisation: str = Field(default="", max_length=200)
    language: str = Field(default="fr", max_length=2)
    opted_out_at: datetime | None = _when(default=None)
    bounced_at: datetime | None = _when(default=None)
    erased_at: datetime | None = _when(default=None)
    external_id: str | None = Field(
        default=None, max_length=EXTERNAL_ID_MAX, unique=True, index=True
    )
    created_at: datetime = _when(default_factory=utc_now)


class Enrolment(SQLModel, table=True):
    """A person's part in a session: learner, trainer, employing company or financer."""

    __tablename__ = "enrolment"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "session_id", "role", name="uq_enrolment"),
        _check("role", STAKEHOLDER_TYPES, "ck_enrolment_role"),
        _check("status", ENROLMENT_STATUSES, "ck_enrolment_status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    session_id: int = Field(foreign_key="training_session.id", index=True)
    role: str = Field(max_length=20)
    status: str = Field(
        default="enrolled", max_length=20, sa_column_kwargs={"server_default": "enrolled"}
    )
    status_changed_on: date | None = None
    created_at: datetime = _when(default_factory=utc_now)


class CustomQuestion(SQLModel, table=True):
    """A question written by quality staff, with the same schema as the bank questions.

    `definition` holds the validated question (question_banks schema). Once a question has
    answers its meaning is frozen: an edit creates a new row and sets `replaced_by`.
    """

    __tablename__ = "custom_question"
    id: str = Field(primary_key=True, max_length=80)
    theme: str = Field(max_length=60)
    definition: dict[str, Any] = _json()
    replaced_by: str | None = Field(default=None, max_length=80)
    created_by: str = Field(default="", max_length=254)
    created_at: datetime = _when(default_factory=utc_now)


class Survey(SQLModel, table=True):
    """A survey being designed; `draft` is its editable definition."""

    __tablename__ = "survey"
    __table_args__ = (
        _check("status", SURVEY_STATUSES, "ck_survey_status"),
        _check("audience", STAKEHOLDER_TYPES, "ck_survey_audience"),
        _check("timing", TIMINGS, "ck_survey_timing"),
    )
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    audience: str = Field(max_length=20)
    timing: str = Field(max_length=20)
    template_id: str | None = Field(default=None, max_length=80)
    anonymous: bool = Field(default=False)
    draft: dict[str, Any] = _json()
    status: str = Field(default="active", max_length=20)
    created_at: datetime = _when(default_factory=utc_now)
    updated_at: datetime = _when(default_factory=utc_now)


class SurveyVersion(SQLModel, table=True):
    """A published, frozen snapshot of a survey (questions included). Never updated."""

    __tablename__ = "survey_version"
    __table_args__ = (sa.UniqueConstraint("survey_id", "number", name="uq_survey_version"),)
    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    number: int
    definition: dict[str, Any] = _json()
    anonymous: bool = Field(default=False)
    published_at: datetime = _when(default_factory=utc_now)
    published_by: str = Field(default="", max_length=254)


class SurveyPlan(SQLModel, table=True):
    """Which survey goes to which audience and when (indicator 30's "relevant frequency").

    `programme_id` is empty for organisation-wide plans such as the yearly financer survey.
    """

    __tablename__ = "survey_plan"
    __table_args__ = (
        _check("audience", STAKEHOLDER_TYPES, "ck_survey_plan_audience"),
        _check("timing", TIMINGS, "ck_survey_plan_timing"),
    )
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int | None = Field(default=None, foreign_key="programme.id", index=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    audience: str = Field(max_length=20)
    timing: str = Field(max_length=20)
    offset_days: int = Field(default=0)
    send_time: str = Field(default="17:00", max_length=5)
    reminder_offsets_days: list[int] = _json(default_factory=lambda: [3, 7])
    close_after_days: int = Field(default=30)
    email_overrides: dict[str, Any] = _json(default_factory=dict)
    active: bool = Field(default=True)
    created_at: datetime = _when(default_factory=utc_now)


class Campaign(SQLModel, table=True):
    """One sending of one survey version: a plan applied to a session, or a yearly campaign."""

    __tablename__ = "campaign"
    __table_args__ = (
        _check("status", CAMPAIGN_STATUSES, "ck_campaign_status"),
        _check("audience", STAKEHOLDER_TYPES, "ck_campaign_audience"),
        _check("timing", TIMINGS, "ck_campaign_timing"),
    )
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    plan_id: int | None = Field(default=None, foreign_key="survey_plan.id", index=True)
    survey_version_id: int = Field(foreign_key="survey_version.id", index=True)
    session_id: int | None = Field(default=None, foreign_key="training_session.id", index=True)
    audience: str = Field(max_length=20)
    timing: str = Field(max_length=20)
    label: str = Field(default="", max_length=200)
    scheduled_at: datetime = _when(index=True)
    closes_at: datetime = _when()
    reminder_offsets_days: list[int] = _json(default_factory=lambda: [3, 7])
    status: str = Field(default="scheduled", max_length=20)
    created_at: datetime = _when(default_factory=utc_now)


class Invitation(SQLModel, table=True):
    """A person invited to a campaign. The answer link's token is never stored, only its hash."""

    __tablename__ = "invitation"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "person_id", name="uq_invitation"),
        _check("status", INVITATION_STATUSES, "ck_invitation_status"),
        _check("language", LANGUAGES, "ck_invitation_language"),
    )
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    token_salt: str = Field(max_length=32)
    language: str = Field(default="fr", max_length=2)
    status: str = Field(default="pending", max_length=20)
    sent_at: datetime | None = _when(default=None)
    reminder_count: int = Field(default=0)
    last_reminded_at: datetime | None = _when(default=None)
    opened_at: datetime | None = _when(default=None)
    completed_at: datetime | None = _when(default=None)
    created_at: datetime = _when(default_factory=utc_now)


class OutboundMessage(SQLModel, table=True):
    """The outbox: one row per email to send, unique per (invitation, kind, sequence)."""

    __tablename__ = "outbound_message"
    __table_args__ = (
        sa.UniqueConstraint("invitation_id", "kind", "sequence", name="uq_outbound_message"),
        _check("kind", MESSAGE_KINDS, "ck_outbound_message_kind"),
        _check("status", MESSAGE_STATUSES, "ck_outbound_message_status"),
        sa.Index("ix_outbound_message_due", "status", "due_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", index=True)
    kind: str = Field(max_length=20)
    sequence: int = Field(default=0)
    status: str = Field(default="pending", max_length=20)
    due_at: datetime = _when()
    attempts: int = Field(default=0)
    claimed_by: str | None = Field(default=None, max_length=80)
    claimed_at: datetime | None = _when(default=None)
    sent_at: datetime | None = _when(default=None)
    message_id: str | None = Field(default=None, max_length=200)
    last_error: str | None = Field(default=None, max_length=2000)
    created_at: datetime = _when(default_factory=utc_now)


class ResponseDraft(SQLModel, table=True):
    """Answers saved section by section before the final submit, so none is ever lost."""

    __tablename__ = "response_draft"
    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", unique=True)
    answers: dict[str, Any] = _json(default_factory=dict)
    current_section: int = Field(default=0)
    updated_at: datetime = _when(default_factory=utc_now)


class Response(SQLModel, table=True):
    """A submitted response. It holds no column pointing to a person or an invitation:

    named responses are linked through `NamedResponse`; anonymous ones are not linked at all,
    their ids are random and their date is kept to the day.
    """

    __tablename__ = "response"
    id: str = Field(default_factory=new_uuid, primary_key=True, max_length=32)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    survey_version_id: int = Field(foreign_key="survey_version.id", index=True)
    anonymous: bool = Field(default=False)
    language: str = Field(default="fr", max_length=2)
    submitted_on: date = Field(index=True)


class NamedResponse(SQLModel, table=True):
    """The link between a named (non-anonymous) response and its respondent."""

    __tablename__ = "named_response"
    response_id: str = Field(foreign_key="response.id", primary_key=True, max_length=32)
    invitation_id: int = Field(foreign_key="invitation.id", unique=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    submitted_at: datetime = _when(default_factory=utc_now)


class Answer(SQLModel, table=True):
    """One answer to one question, keyed by the question's stable id.

    Scales store `number`; choices and text store `text`; a multi-choice answer is one row
    per selected option.
    """

    __tablename__ = "answer"
    id: int | None = Field(default=None, primary_key=True)
    response_id: str = Field(foreign_key="response.id", index=True, max_length=32)
    question_id: str = Field(max_length=80, index=True)
    number: float | None = Field(default=None)
    text: str | None = Field(default=None, max_length=5000)


class Complaint(SQLModel, table=True):
    """A complaint, difficulty or technical incident (indicator 31)."""

    __tablename__ = "complaint"
    __table_args__ = (
        _check("kind", COMPLAINT_KINDS, "ck_complaint_kind"),
        _check("status", COMPLAINT_STATUSES, "ck_complaint_status"),
    )
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
    acknowledged_at: datetime | None = _when(default=None)
    answered_at: datetime | None = _when(default=None)
    answer: str = Field(default="", max_length=5000)
    closed_at: datetime | None = _when(default=None)
    response_id: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(
        default=None, max_length=EXTERNAL_ID_MAX, unique=True, index=True
    )
    created_by: str = Field(default="", max_length=254)
    created_at: datetime = _when(default_factory=utc_now)


class ImprovementAction(SQLModel, table=True):
    """An improvement measure (indicator 32), from a suggestion, a complaint or a debrief."""

    __tablename__ = "improvement_action"
    __table_args__ = (_check("status", ACTION_STATUSES, "ck_improvement_action_status"),)
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
    created_at: datetime = _when(default_factory=utc_now)


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
    created_at: datetime = _when(default_factory=utc_now)


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(default_factory=utc_now, index=True)
    actor: str = Field(max_length=254)
    action: str = Field(max_length=60, index=True)
    target: str = Field(default="", max_length=200)
    details: dict[str, Any] = _json(default_factory=dict)


class AbuseEvent(SQLModel, table=True):
    """One failed attempt (an invalid answer link, a failed staff login) from one client
    address. Kept in the database so that every web replica counts the same failures."""

    __tablename__ = "abuse_event"
    __table_args__ = (
        _check("scope", ABUSE_SCOPES, "ck_abuse_event_scope"),
        sa.Index("ix_abuse_event_subject", "scope", "subject", "at"),
        sa.Index("ix_abuse_event_scope_at", "scope", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=20)
    subject: str = Field(max_length=64)
    at: datetime = _when()


class ServerFact(SQLModel, table=True):
    """Facts the web server records at start for the other processes (workers) to share,
    such as the public base URL of the links."""

    __tablename__ = "server_fact"
    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=2000)
    updated_at: datetime = _when(default_factory=utc_now)


# The API's tables (keys, rate windows, webhooks) live in their own module; importing it
# here registers them with every import of the models (migrations compare against them).
from surveys import integration_models  # noqa: E402, F401
from surveys.room import tables as room_tables  # noqa: E402, F401
