"""Webhook events, recorded in the same transaction as the fact they tell about.

`record_event` writes one `webhook_delivery` row per active endpoint subscribed to the event
(the outbox): if the fact's transaction rolls back, so does the event; if it commits, the
dispatcher loop (`reminders.webhooks`) delivers it. Every event has a random id that
receivers use to recognise a delivery they already have.

Anonymous responses: the payload carries no person and only the day; the delivery is held
until the next midnight (Paris) so that not even its arrival time says when someone answered.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from surveys.config import DISPLAY_TIMEZONE, paris_day
from surveys.models import (
    Campaign,
    Person,
    TrainingSession,
    WebhookDelivery,
    WebhookEndpoint,
    new_uuid,
)

_ENDPOINT = WebhookEndpoint.__table__  # type: ignore[attr-defined]
_DELIVERY = WebhookDelivery.__table__  # type: ignore[attr-defined]
_CAMPAIGN = Campaign.__table__  # type: ignore[attr-defined]
_SESSION = TrainingSession.__table__  # type: ignore[attr-defined]
_PERSON = Person.__table__  # type: ignore[attr-defined]

Database = Session | sa.Connection


def _connection(database: Database) -> sa.Connection:
    return database.connection() if isinstance(database, Session) else database


def _subscribers(connection: sa.Connection, event_type: str) -> list[int]:
    rows = connection.execute(
        sa.select(_ENDPOINT.c.id, _ENDPOINT.c.events).where(_ENDPOINT.c.active.is_(True))
    ).all()
    return [row.id for row in rows if event_type in (row.events or [])]


def record_event(
    database: Database,
    event_type: str,
    data: dict[str, Any],
    *,
    now: datetime,
    exact_time: bool = True,
) -> int:
    """Queue `event_type` for every subscribed endpoint; returns how many deliveries."""
    connection = _connection(database)
    endpoints = _subscribers(connection, event_type)
    if not endpoints:
        return 0
    event_id = new_uuid()
    day = paris_day(now)
    created = now.isoformat() if exact_time else day.isoformat()
    due = now if exact_time else _next_paris_midnight(now)
    payload = {"id": event_id, "type": event_type, "created": created, "data": data}
    connection.execute(
        sa.insert(_DELIVERY),
        [
            {
                "endpoint_id": endpoint,
                "event_id": event_id,
                "event_type": event_type,
                "payload": payload,
                "status": "pending",
                "due_at": due,
                "attempts": 0,
                "created_at": due,
            }
            for endpoint in endpoints
        ],
    )
    return len(endpoints)


def _next_paris_midnight(now: datetime) -> datetime:
    tomorrow = paris_day(now) + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=DISPLAY_TIMEZONE)


def _campaign_facts(connection: sa.Connection, campaign_id: int) -> dict[str, Any]:
    row = connection.execute(
        sa.select(
            _CAMPAIGN.c.id,
            _CAMPAIGN.c.key,
            _CAMPAIGN.c.audience,
            _CAMPAIGN.c.timing,
            _CAMPAIGN.c.survey_version_id,
            _SESSION.c.external_id,
            _SESSION.c.code,
        )
        .select_from(_CAMPAIGN.outerjoin(_SESSION, _SESSION.c.id == _CAMPAIGN.c.session_id))
        .where(_CAMPAIGN.c.id == campaign_id)
    ).one()
    return {
        "campaign_id": row.id,
        "campaign_key": row.key,
        "audience": row.audience,
        "timing": row.timing,
        "survey_version_id": row.survey_version_id,
        "session_external_id": row.external_id,
        "session_code": row.code,
    }


def emit_response_submitted(
    database: Database,
    *,
    campaign_id: int,
    response_id: str,
    person_id: int | None,
    anonymous: bool,
    now: datetime,
) -> int:
    """`response.submitted`: named responses say who, which and when; anonymous ones say only
    that the campaign got one more answer (no response id, no day: either would let the
    receiver pair the event with a response or an invitation)."""
    connection = _connection(database)
    if not _subscribers(connection, "response.submitted"):
        return 0
    data = {**_campaign_facts(connection, campaign_id), "anonymous": anonymous}
    if not anonymous:
        data.update(response_id=response_id, submitted_on=paris_day(now).isoformat())
        external = connection.execute(
            sa.select(_PERSON.c.external_id).where(_PERSON.c.id == person_id)
        ).scalar()
        data.update(person_id=person_id, person_external_id=external, submitted_at=now.isoformat())
    return record_event(connection, "response.submitted", data, now=now, exact_time=not anonymous)


def emit_campaigns_closed(database: Database, campaign_ids: list[int], *, now: datetime) -> int:
    """`campaign.closed`, once per campaign closed in this transaction."""
    connection = _connection(database)
    if not campaign_ids or not _subscribers(connection, "campaign.closed"):
        return 0
    return sum(
        record_event(connection, "campaign.closed", _campaign_facts(connection, item), now=now)
        for item in campaign_ids
    )


def emit_complaint_created(database: Database, complaint: Any, *, now: datetime) -> int:
    """`complaint.created`: what the register holds, without the person."""
    data = {
        "complaint_id": complaint.id,
        "external_id": getattr(complaint, "external_id", None),
        "kind": complaint.kind,
        "source": complaint.source,
        "stakeholder_type": complaint.stakeholder_type,
        "theme": complaint.theme,
        "summary": complaint.summary,
        "received_on": complaint.received_on.isoformat(),
        "session_id": complaint.session_id,
    }
    return record_event(database, "complaint.created", data, now=now)
