"""The training organisation (one row) and its staff accounts."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from surveys.models.base import utc_column, utc_now, vocabulary_checks

ROLES = ("admin", "quality", "director")


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
    updated_at: datetime = utc_column(default_factory=utc_now)


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_user"
    __table_args__ = vocabulary_checks("staff_user", role=ROLES)
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(default="", max_length=200)
    role: str = Field(max_length=20)
    password_hash: str = Field(max_length=200)
    language: str = Field(default="fr", max_length=2)
    is_active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = utc_column(default=None)
    session_version: int = Field(default=1)
    last_login_at: datetime | None = utc_column(default=None)
    created_at: datetime = utc_column(default_factory=utc_now)
