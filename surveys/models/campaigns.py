"""Campaigns (one sending of one version), their invitations and the mail outbox."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from surveys.models.base import (
    LANGUAGES,
    STAKEHOLDER_TYPES,
    TIMINGS,
    json_column,
    utc_column,
    utc_now,
    vocabulary_checks,
)
from surveys.schedule import DEFAULT_REMINDER_OFFSETS_DAYS

CAMPAIGN_STATUSES = ("scheduled", "open", "paused", "closed")
INVITATION_STATUSES = ("pending", "sent", "completed", "opted_out", "bounced", "failed")
MESSAGE_KINDS = ("invitation", "reminder", "resend")
MESSAGE_STATUSES = ("pending", "sending", "sent", "retry", "failed", "unknown", "cancelled")


class Campaign(SQLModel, table=True):
    """One sending of one survey version: a plan applied to a session, or a yearly campaign."""

    __tablename__ = "campaign"
    __table_args__ = vocabulary_checks(
        "campaign", status=CAMPAIGN_STATUSES, audience=STAKEHOLDER_TYPES, timing=TIMINGS
    )
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    plan_id: int | None = Field(default=None, foreign_key="survey_plan.id", index=True)
    survey_version_id: int = Field(foreign_key="survey_version.id", index=True)
    session_id: int | None = Field(default=None, foreign_key="training_session.id", index=True)
    audience: str = Field(max_length=20)
    timing: str = Field(max_length=20)
    label: str = Field(default="", max_length=200)
    scheduled_at: datetime = utc_column(index=True)
    closes_at: datetime = utc_column()
    reminder_offsets_days: list[int] = json_column(
        default_factory=lambda: list(DEFAULT_REMINDER_OFFSETS_DAYS)
    )
    status: str = Field(default="scheduled", max_length=20)
    created_at: datetime = utc_column(default_factory=utc_now)


class Invitation(SQLModel, table=True):
    """A person invited to a campaign. The answer link's token is never stored, only its hash."""

    __tablename__ = "invitation"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "person_id", name="uq_invitation"),
        *vocabulary_checks("invitation", status=INVITATION_STATUSES, language=LANGUAGES),
    )
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    token_salt: str = Field(max_length=32)
    language: str = Field(default="fr", max_length=2)
    status: str = Field(default="pending", max_length=20)
    sent_at: datetime | None = utc_column(default=None)
    reminder_count: int = Field(default=0)
    last_reminded_at: datetime | None = utc_column(default=None)
    opened_at: datetime | None = utc_column(default=None)
    completed_at: datetime | None = utc_column(default=None)
    created_at: datetime = utc_column(default_factory=utc_now)


class OutboundMessage(SQLModel, table=True):
    """The outbox: one row per email to send, unique per (invitation, kind, sequence)."""

    __tablename__ = "outbound_message"
    __table_args__ = (
        sa.UniqueConstraint("invitation_id", "kind", "sequence", name="uq_outbound_message"),
        sa.Index("ix_outbound_message_due", "status", "due_at"),
        *vocabulary_checks("outbound_message", kind=MESSAGE_KINDS, status=MESSAGE_STATUSES),
    )
    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", index=True)
    kind: str = Field(max_length=20)
    sequence: int = Field(default=0)
    status: str = Field(default="pending", max_length=20)
    due_at: datetime = utc_column()
    attempts: int = Field(default=0)
    claimed_by: str | None = Field(default=None, max_length=80)
    claimed_at: datetime | None = utc_column(default=None)
    sent_at: datetime | None = utc_column(default=None)
    message_id: str | None = Field(default=None, max_length=200)
    last_error: str | None = Field(default=None, max_length=2000)
    created_at: datetime = utc_column(default_factory=utc_now)
