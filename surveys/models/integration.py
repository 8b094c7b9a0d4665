"""Tables of the HTTP API and its webhooks: API keys, their rate-limit windows, webhook
endpoints and the webhook outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from surveys.models.base import json_column, utc_column, utc_now, vocabulary_checks

API_SCOPES = ("people:write", "results:read", "complaints:write")
WEBHOOK_EVENTS = ("response.submitted", "complaint.created", "campaign.closed")
# pending -> sending -> delivered; retry (receiver down, 5xx...); failed (given up, 410);
# unknown (the request may have reached the receiver but the outcome was never recorded).
DELIVERY_STATUSES = ("pending", "sending", "delivered", "retry", "failed", "unknown")


class ApiKey(SQLModel, table=True):
    """A key a training-management system uses. Only the SHA-256 of the key is stored."""

    __tablename__ = "api_key"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    key_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=16)  # the key's first characters, to recognise it
    scopes: list[str] = json_column(default_factory=list)
    created_by: str = Field(default="", max_length=254)
    created_at: datetime = utc_column(default_factory=utc_now)
    last_used_on: date | None = None
    revoked_at: datetime | None = utc_column(default=None)


class ApiRateWindow(SQLModel, table=True):
    """Calls of one key in one minute: the rate limit lives in the database, so it holds
    across web replicas."""

    __tablename__ = "api_rate_window"
    key_id: int = Field(foreign_key="api_key.id", primary_key=True)
    window_start: int = Field(primary_key=True, sa_type=sa.BigInteger)  # epoch minute
    calls: int = Field(default=0)


class WebhookEndpoint(SQLModel, table=True):
    """Where to POST events. The secret signs each delivery, so it is kept (not hashed)."""

    __tablename__ = "webhook_endpoint"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    url: str = Field(max_length=500)
    secret: str = Field(max_length=128)
    events: list[str] = json_column(default_factory=lambda: list(WEBHOOK_EVENTS))
    active: bool = Field(default=True)
    created_by: str = Field(default="", max_length=254)
    created_at: datetime = utc_column(default_factory=utc_now)


class WebhookDelivery(SQLModel, table=True):
    """The webhook outbox: one row per (endpoint, event), written with the fact itself."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_delivery"),
        sa.Index("ix_webhook_delivery_due", "status", "due_at"),
        *vocabulary_checks("webhook_delivery", status=DELIVERY_STATUSES),
    )
    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", index=True)
    event_id: str = Field(max_length=32)
    event_type: str = Field(max_length=40)
    payload: dict[str, Any] = json_column(default_factory=dict)
    status: str = Field(default="pending", max_length=20)
    due_at: datetime = utc_column()
    attempts: int = Field(default=0)
    claimed_by: str | None = Field(default=None, max_length=80)
    claimed_at: datetime | None = utc_column(default=None)
    delivered_at: datetime | None = utc_column(default=None)
    response_status: int | None = None
    last_error: str | None = Field(default=None, max_length=2000)
    created_at: datetime = utc_column(default_factory=utc_now)
