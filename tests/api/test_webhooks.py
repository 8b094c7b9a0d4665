"""Webhooks: `response.submitted` reaches a receiver on loopback once per response, with a
valid signature; a receiver that is down gets it later; a sender killed while the receiver
holds the event never sends it again (it becomes `unknown`, as emails do)."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

import pytest

from reminders.webhooks import deliver_webhooks
from surveys.models import utc_now
from surveys.runtime import AppContext
from tests.api.receiver import Receiver
from tests.api.support import deliveries, endpoint, invited, submit
from tests.reminders.processes import start_dispatcher
from tests.support.ports import free_port


def test_each_response_reaches_the_receiver_once_signed(sqlite_context: AppContext) -> None:
    receiver = Receiver(free_port()).start()
    try:
        secret = endpoint(sqlite_context, receiver.url)
        people = invited(sqlite_context, 3)
        for person in people:
            assert submit(sqlite_context, person) == "created"
        assert submit(sqlite_context, people[0]) == "already_completed"  # a double click
        summary = deliver_webhooks(engine=sqlite_context.engine, now=utc_now())
        again = deliver_webhooks(engine=sqlite_context.engine, now=utc_now() + timedelta(days=1))
    finally:
        receiver.stop()
    assert summary["delivered"] == 3 and again["delivered"] == 0
    assert len(receiver.received) == 3
    assert all(item.signature_is_valid(secret) for item in receiver.received)
    assert not any(item.signature_is_valid("another secret") for item in receiver.received)
    events = [item.event for item in receiver.received]
    assert {event["type"] for event in events} == {"response.submitted"}
    assert sorted(event["data"]["person_id"] for event in events) == sorted(
        person.person_id for person in people
    )
    assert len({event["data"]["response_id"] for event in events}) == 3
    assert {item.headers["X-Webhook-Id"] for item in receiver.received} == {
        event["id"] for event in events
    }


def test_an_anonymous_response_says_neither_who_nor_when(sqlite_context: AppContext) -> None:
    endpoint(sqlite_context, "http://127.0.0.1:9/never")
    (person,) = invited(sqlite_context, 1, anonymous=True)
    assert submit(sqlite_context, person) == "created"
    (row,) = deliveries(sqlite_context)
    data = row.payload["data"]
    assert data["anonymous"] is True
    assert not {"person_id", "person_external_id", "submitted_at"} & set(data)
    assert len(row.payload["created"]) == len("2026-12-01")  # the day only
    assert row.due_at > utc_now()  # held until the next midnight in Paris
    assert deliver_webhooks(engine=sqlite_context.engine, now=utc_now())["delivered"] == 0


def test_a_receiver_down_for_a_while_gets_the_event_later(sqlite_context: AppContext) -> None:
    port = free_port()
    secret = endpoint(sqlite_context, f"http://127.0.0.1:{port}/hooks")
    (person,) = invited(sqlite_context, 1)
    submit(sqlite_context, person)
    now = utc_now()
    down = deliver_webhooks(engine=sqlite_context.engine, now=now)
    assert down["retry"] == 1
    (row,) = deliveries(sqlite_context)
    assert row.status == "retry" and row.attempts == 1 and row.due_at > now
    too_soon = deliver_webhooks(engine=sqlite_context.engine, now=now + timedelta(minutes=1))
    assert sum(too_soon.values()) == 0  # waits its back-off
    receiver = Receiver(port).start()
    try:
        later = deliver_webhooks(engine=sqlite_context.engine, now=now + timedelta(minutes=6))
    finally:
        receiver.stop()
    assert later["delivered"] == 1
    assert len(receiver.received) == 1 and receiver.received[0].signature_is_valid(secret)
    (row,) = deliveries(sqlite_context)
    assert row.status == "delivered" and row.attempts == 2 and row.response_status == 200


@pytest.mark.slow
def test_a_sender_killed_while_sending_never_sends_twice(sqlite_context: AppContext) -> None:
    receiver = Receiver(free_port(), hold=True).start()
    try:
        endpoint(sqlite_context, receiver.url)
        (person,) = invited(sqlite_context, 1)
        submit(sqlite_context, person)
        process = start_dispatcher(sqlite_context, "run", "--interval", "0.2")
        try:
            assert receiver.got_one.wait(60), "the dispatcher never posted the event"
            os.kill(process.pid, signal.SIGKILL)  # the receiver holds the event, unanswered
        finally:
            process.wait(timeout=30)
        (row,) = deliveries(sqlite_context)
        assert row.status == "sending"
        receiver.hold = False
        lease = sqlite_context.settings.dispatch_lease_seconds
        later = utc_now() + timedelta(seconds=lease + 1)
        summary = deliver_webhooks(engine=sqlite_context.engine, now=later, lease_seconds=lease)
        much_later = later + timedelta(days=2)
        deliver_webhooks(engine=sqlite_context.engine, now=much_later, lease_seconds=lease)
    finally:
        receiver.stop()
    assert summary["unknown"] == 1
    (row,) = deliveries(sqlite_context)
    assert row.status == "unknown" and row.attempts == 1
    assert len(receiver.received) == 1  # never a second copy
