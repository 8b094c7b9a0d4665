"""The statements the API adds, on SQLite and PostgreSQL: the key check and its rate count
(one upsert per call), and the webhook outbox's claim, send and record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.keys import identify
from reminders.webhooks import Attempt, deliver_webhooks
from surveys.db import write_connection
from surveys.integration.webhook_events import record_event
from surveys.runtime import AppContext
from tests.api.support import deliveries, endpoint, new_key

MINUTE = datetime(2026, 12, 1, 10, 0, 5, tzinfo=UTC)


def call(context: AppContext, key: str, now: datetime, scope: str = "results:read"):
    with write_connection(context.engine) as connection:
        return identify(connection, header=f"Bearer {key}", scope=scope, now=now, per_minute=3)


def test_the_rate_count_is_one_upsert_per_call(context: AppContext) -> None:
    key = new_key(context, "counted", ["results:read"])
    statuses = [call(context, key, MINUTE + timedelta(seconds=n)).status for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = call(context, key, MINUTE + timedelta(seconds=10))
    assert refused.retry_after == 45  # 10:00:15: the minute ends in 45 s
    assert call(context, key, MINUTE + timedelta(minutes=1)).status == 200  # a new minute
    assert call(context, key, MINUTE + timedelta(minutes=2), scope="people:write").status == 403
    assert call(context, "qsk_" + "x" * 43, MINUTE).status == 401


def test_a_webhook_is_claimed_sent_and_recorded(context: AppContext) -> None:
    endpoint(context, "http://127.0.0.1:9/hooks")
    now = datetime.now(UTC)
    with write_connection(context.engine) as connection:
        assert record_event(connection, "response.submitted", {"n": 1}, now=now) == 1
    sent: list[bytes] = []

    def poster(_url: str, body: bytes, _headers: dict[str, str]) -> Attempt:
        sent.append(body)
        return Attempt(True, 503) if len(sent) == 1 else Attempt(True, 204)

    first = deliver_webhooks(engine=context.engine, now=now, poster=poster)
    second = deliver_webhooks(engine=context.engine, now=now + timedelta(hours=1), poster=poster)
    third = deliver_webhooks(engine=context.engine, now=now + timedelta(days=1), poster=poster)
    assert (first["retry"], second["delivered"], sum(third.values())) == (1, 1, 0)
    (row,) = deliveries(context)
    assert (row.status, row.attempts, row.response_status) == ("delivered", 2, 204)
    assert len(sent) == 2 and sent[0] == sent[1]
