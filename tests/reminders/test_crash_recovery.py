"""A dispatcher killed with SIGKILL in the middle of a batch, then restarted: every message
ends sent exactly once or `unknown`; none lost, none duplicated (counted by the SMTP server)."""

from __future__ import annotations

import json
import os
import signal
import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from reminders.planner import plan_due
from surveys.db import read_session, write_session
from surveys.models import Invitation, OutboundMessage, Person
from surveys.runtime import AppContext
from tests.factories import hot_session
from tests.reminders.processes import start_dispatcher
from tests.support.smtp import HOT_SEND_TIME, Received, SmtpServer

pytestmark = pytest.mark.slow
LEARNERS = 60
KILL_AT = 20


def rows_by_email(context: AppContext) -> dict[str, OutboundMessage]:
    with read_session(context.engine) as session:
        rows = session.exec(
            select(Person.email, OutboundMessage)
            .join(Invitation, Invitation.id == OutboundMessage.invitation_id)
            .join(Person, Person.id == Invitation.person_id)
        ).all()
    return dict(rows)


def arm_killer(smtp: SmtpServer, mode: str) -> tuple[dict[str, int], threading.Event]:
    """Kill the dispatcher on the KILL_AT-th message: while the server holds it (before its
    250 reply: the 'accepted but not recorded' case) or a little later, at any point."""
    target: dict[str, int] = {}
    killed = threading.Event()

    def on_message(_item: Received) -> None:
        if len(smtp.handler.received) != KILL_AT or "pid" not in target:
            return
        if mode == "holding_the_message":
            os.kill(target["pid"], signal.SIGKILL)
            killed.set()
        else:
            threading.Timer(
                0.013, lambda: (os.kill(target["pid"], signal.SIGKILL), killed.set())
            ).start()

    smtp.handler.on_message = on_message
    return target, killed


@pytest.mark.parametrize("mode", ["holding_the_message", "at_an_arbitrary_moment"])
def test_a_killed_dispatcher_loses_and_duplicates_nothing(
    mail_context: AppContext, smtp: SmtpServer, mode: str
) -> None:
    people = hot_session(mail_context, learners=LEARNERS)
    with write_session(mail_context.engine) as session:
        assert (
            plan_due(session=session, now=HOT_SEND_TIME, settings=mail_context.settings) == LEARNERS
        )
    smtp.handler.delay_seconds = 0.005
    target, killed = arm_killer(smtp, mode)
    first = start_dispatcher(
        mail_context, "tick", "--now", HOT_SEND_TIME.isoformat(), "--batch-size", "25"
    )
    target["pid"] = first.pid
    first.wait(timeout=120)
    assert killed.is_set() and first.returncode == -signal.SIGKILL
    delivered_before_restart = sum(smtp.handler.recipients().values())
    assert KILL_AT <= delivered_before_restart < LEARNERS  # it died in the middle

    smtp.handler.on_message = None
    later = (HOT_SEND_TIME + timedelta(minutes=2)).isoformat()
    second = start_dispatcher(mail_context, "tick", "--now", later, "--lease-seconds", "60")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])

    received = smtp.handler.recipients()
    rows = rows_by_email(mail_context)
    assert set(rows) == {person.email for person in people}
    statuses = {email: row.status for email, row in rows.items()}
    assert set(statuses.values()) <= {"sent", "unknown"}  # none left pending: none lost
    assert all(received[email] == 1 for email, status in statuses.items() if status == "sent")
    assert all(received[email] <= 1 for email, status in statuses.items() if status == "unknown")
    assert max(received.values()) == 1  # none duplicated
    unknown = [email for email, status in statuses.items() if status == "unknown"]
    assert len(unknown) == summary["unknown"] <= 1
    if mode == "holding_the_message":
        assert len(unknown) == 1 and received[unknown[0]] == 1
