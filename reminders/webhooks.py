"""Delivering webhook events from their outbox (`webhook_delivery`), like the emails: at most
once when in doubt, retried with back-off when surely not delivered.

States: pending -> sending -> delivered; retry (the receiver refused the connection, or
answered anything but 2xx: tried again after `policy.retry_delay`, failed after
`policy.retry_gives_up`); failed (given up, or 410 Gone); unknown (the request may have
reached the receiver but no answer was recorded: we crashed while sending, or the receiver
took the body and never answered). Unknown deliveries are never resent automatically.

1. Claim due rows with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's single
   writer otherwise); 2. per row, mark it `sending` (one more attempt) and commit before the
   request; 3. record the outcome. A row left `sending` past the lease becomes `unknown`.

Signature: `X-Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with
`X-Webhook-Timestamp` (Unix seconds): receivers recompute it and refuse old timestamps.
`X-Webhook-Id` is the event's id, the same for every attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from reminders import policy
from reminders.dispatcher import new_worker_id
from surveys.db import write_connection
from surveys.models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger("reminders.webhooks")
DELIVERIES = WebhookDelivery.__table__  # type: ignore[attr-defined]
ENDPOINTS = WebhookEndpoint.__table__  # type: ignore[attr-defined]
CLAIMABLE = ("pending", "retry")
TIMEOUT_SECONDS = 10.0
GIVE_UP_DAYS = policy.DEFAULT_RETRY_GIVE_UP_DAYS


@dataclass(frozen=True)
class Attempt:
    """What one POST did: `reached` False = surely not delivered; `status` None = in doubt."""

    reached: bool
    status: int | None = None
    error: str = ""


Poster = Callable[[str, bytes, dict[str, str]], Attempt]


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def post(url: str, body: bytes, headers: dict[str, str]) -> Attempt:
    """POST over http(s); a failure to connect is `reached=False` (safe to retry), a failure
    after the request started is in doubt (`status=None`)."""
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)
    try:
        try:
            connection.connect()
        except OSError as error:
            return Attempt(False, error=f"connection failed: {type(error).__name__}")
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read(4096)
        except (OSError, http.client.HTTPException) as error:
            return Attempt(True, None, f"no answer: {type(error).__name__}")
        return Attempt(True, response.status)
    finally:
        connection.close()


def mark_stale_as_unknown(connection: sa.Connection, now: datetime, lease_seconds: float) -> int:
    stale = now - timedelta(seconds=lease_seconds)
    result = connection.execute(
        sa.update(DELIVERIES)
        .where(DELIVERIES.c.status == "sending", DELIVERIES.c.claimed_at < stale)
        .values(status="unknown", last_error="dispatcher stopped while sending")
    )
    return result.rowcount or 0


def _claim(connection: sa.Connection, now: datetime, worker: str, lease: float, limit: int):
    expired = now - timedelta(seconds=lease)
    ids = list(
        connection.execute(
            sa.select(DELIVERIES.c.id)
            .where(
                DELIVERIES.c.status.in_(CLAIMABLE),
                DELIVERIES.c.due_at <= now,
                sa.or_(DELIVERIES.c.claimed_by.is_(None), DELIVERIES.c.claimed_at < expired),
            )
            .order_by(DELIVERIES.c.due_at, DELIVERIES.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if ids:
        connection.execute(
            sa.update(DELIVERIES)
            .where(DELIVERIES.c.id.in_(ids))
            .values(claimed_by=worker, claimed_at=now)
        )
    return ids


def _begin(connection: sa.Connection, delivery_id: int, worker: str, now: datetime):
    """Mark one claimed row `sending` (if still ours); its URL, secret, body and event."""
    marked = connection.execute(
        sa.update(DELIVERIES)
        .where(
            DELIVERIES.c.id == delivery_id,
            DELIVERIES.c.claimed_by == worker,
            DELIVERIES.c.status.in_(CLAIMABLE),
        )
        .values(status="sending", attempts=DELIVERIES.c.attempts + 1, claimed_at=now)
    )
    if marked.rowcount != 1:
        return None
    return connection.execute(
        sa.select(
            ENDPOINTS.c.url,
            ENDPOINTS.c.secret,
            ENDPOINTS.c.active,
            DELIVERIES.c.payload,
            DELIVERIES.c.event_id,
            DELIVERIES.c.event_type,
            DELIVERIES.c.attempts,
        )
        .join(ENDPOINTS, ENDPOINTS.c.id == DELIVERIES.c.endpoint_id)
        .where(DELIVERIES.c.id == delivery_id)
    ).one()


def _record(
    connection: sa.Connection, delivery_id: int, attempts: int, attempt: Attempt, now: datetime
) -> str:
    values: dict[str, object] = {"claimed_by": None, "response_status": attempt.status}
    if attempt.status is not None and 200 <= attempt.status < 300:
        values.update(status="delivered", delivered_at=now, last_error=None)
    elif attempt.reached and attempt.status is None:
        values.update(status="unknown", last_error=attempt.error[:2000])
    elif attempt.status == 410 or policy.retry_gives_up(attempts, GIVE_UP_DAYS):
        values.update(
            status="failed", last_error=(attempt.error or f"HTTP {attempt.status}")[:2000]
        )
    else:
        values.update(
            status="retry",
            due_at=now + policy.retry_delay(attempts),
            last_error=(attempt.error or f"HTTP {attempt.status}")[:2000],
        )
    connection.execute(sa.update(DELIVERIES).where(DELIVERIES.c.id == delivery_id).values(**values))
    return str(values["status"])


def deliver_webhooks(
    *,
    engine: sa.Engine,
    now: datetime,
    lease_seconds: float = 600.0,
    poster: Poster = post,
    limit: int = 100,
    worker_id: str | None = None,
) -> dict[str, int]:
    """Deliver what is due at `now`; counts per outcome (delivered, retry, failed, unknown)."""
    worker = worker_id or new_worker_id()
    summary = {"delivered": 0, "retry": 0, "failed": 0, "unknown": 0}
    with write_connection(engine) as connection:
        summary["unknown"] += mark_stale_as_unknown(connection, now, lease_seconds)
        claimed = _claim(connection, now, worker, lease_seconds, limit)
    for delivery_id in claimed:
        with write_connection(engine) as connection:
            row = _begin(connection, delivery_id, worker, now)
        if row is None:
            continue
        if not row.active:  # the endpoint was switched off meanwhile: nothing was sent
            attempt = Attempt(False, 410, "endpoint deactivated")
        else:
            attempt = poster(row.url, *_request(row))
        with write_connection(engine) as connection:
            outcome = _record(connection, delivery_id, row.attempts, attempt, now)
        summary[outcome] += 1
    return summary


def _request(row: sa.Row) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())  # the receiver's clock, not the dispatch pass's `now`
    return body, {
        "Content-Type": "application/json",
        "User-Agent": "enquetes-qualite-webhooks/1",
        "X-Webhook-Id": row.event_id,
        "X-Webhook-Event": row.event_type,
        "X-Webhook-Timestamp": str(timestamp),
        "X-Webhook-Signature": sign(row.secret, timestamp, body),
    }
