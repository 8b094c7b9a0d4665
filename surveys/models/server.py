"""Facts of the running system: the audit log, abuse events, facts the server shares."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from surveys.models.base import json_column, utc_column, utc_now, vocabulary_checks


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_column(default_factory=utc_now, index=True)
    actor: str = Field(max_length=254)
    action: str = Field(max_length=60, index=True)
    target: str = Field(default="", max_length=200)
    details: dict[str, Any] = json_column(default_factory=dict)


# What `abuse_event` counts (`surveys/http/limits.py`): guessed answer links, failed logins, and
# the session links' own limits (`surveys/room/`: mistyped short links, emails typed in a room).
ABUSE_SCOPES = (
    "invalid_link",
    "login_failure",
    "invalid_session_link",
    "room_email",
    "room_email_person",
)


class AbuseEvent(SQLModel, table=True):
    """One failed attempt (an invalid answer link, a failed staff login) from one client
    address. Kept in the database so that every web replica counts the same failures."""

    __tablename__ = "abuse_event"
    __table_args__ = (
        sa.Index("ix_abuse_event_subject", "scope", "subject", "at"),
        sa.Index("ix_abuse_event_scope_at", "scope", "at"),
        *vocabulary_checks("abuse_event", scope=ABUSE_SCOPES),
    )
    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=20)
    subject: str = Field(max_length=64)
    at: datetime = utc_column()


class ServerFact(SQLModel, table=True):
    """Facts the web server records at start for the other processes (workers) to share,
    such as the public base URL of the links."""

    __tablename__ = "server_fact"
    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(max_length=2000)
    updated_at: datetime = utc_column(default_factory=utc_now)
