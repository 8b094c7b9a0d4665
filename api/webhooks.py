"""Webhook endpoints (admins add and switch them off) and their delivery log.

The secret signs every delivery, so it must be kept as such (a hash could not sign); it is
shown once, at creation, and never again on any page.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from surveys.audit import record, save_with_audit
from surveys.i18n import TranslatableError
from surveys.models import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint
from surveys.people.rows import has_control_characters


class WebhookError(TranslatableError):
    """An endpoint could not be added; the message says why."""


def create_endpoint(
    *, session: Session, name: str, url: str, events: list[str], actor: str, now: datetime
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint: (its row, its signing secret, to show once)."""
    name, url = " ".join(name.split())[:120], url.strip()
    if not name:
        raise WebhookError("api.errors.webhook_name")
    if (
        not url.startswith(("http://", "https://"))
        or len(url) > 500
        or has_control_characters(url)
        or " " in url
    ):
        raise WebhookError("api.errors.webhook_url")
    chosen = [event for event in WEBHOOK_EVENTS if event in events]
    if not chosen:
        raise WebhookError("api.errors.webhook_events")
    secret = "whsec_" + secrets.token_urlsafe(32)
    row = WebhookEndpoint(
        name=name, url=url, secret=secret, events=chosen, created_by=actor, created_at=now
    )
    save_with_audit(session, row, actor=actor, action="webhook.create", kind="webhook", at=now)
    return row, secret


def deactivate_endpoint(*, session: Session, endpoint_id: int, actor: str, now: datetime) -> None:
    row = session.get(WebhookEndpoint, endpoint_id)
    if row is not None and row.active:
        row.active = False
        session.add(row)
        record(
            session, actor=actor, action="webhook.deactivate", target=f"webhook:{row.id}", at=now
        )


def list_endpoints(*, session: Session) -> list[WebhookEndpoint]:
    return list(session.exec(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def delivery_log(*, session: Session, limit: int = 500) -> list[dict[str, Any]]:
    """The latest deliveries, newest first, with their endpoint's name."""
    rows = session.exec(
        select(WebhookDelivery, WebhookEndpoint.name)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "created_at": delivery.created_at,
            "endpoint": name,
            "event_type": delivery.event_type,
            "status": delivery.status,
            "attempts": delivery.attempts,
            "delivered_at": delivery.delivered_at,
            "response_status": delivery.response_status,
            "last_error": delivery.last_error or "",
        }
        for delivery, name in rows
    ]
