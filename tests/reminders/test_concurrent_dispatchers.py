"""Two dispatcher processes over the same 1,000 due messages: each message is sent once
(PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the single-writer claim)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from reminders.planner import plan_due
from surveys.db import read_session, write_session
from surveys.models import Enrolment, OutboundMessage, Person
from surveys.runtime import AppContext
from tests import factories
from tests.reminders.processes import start_dispatcher
from tests.support.smtp import HOT_SEND_TIME, SmtpServer

pytestmark = pytest.mark.slow
MESSAGES = 1000


def thousand_due_messages(context: AppContext) -> set[str]:
    with write_session(context.engine) as session:
        training = factories.hot_plan(session)
        people = [
            Person(
                email=f"learner{index:04d}@example.org",
                first_name="Léa",
                last_name=f"Martin {index}",
                stakeholder_type="learner",
            )
            for index in range(MESSAGES)
        ]
        session.add_all(people)
        session.flush()
        session.add_all(
            Enrolment(person_id=person.id, session_id=training.id, role="learner")
            for person in people
        )
        session.flush()
        assert plan_due(session=session, now=HOT_SEND_TIME, settings=context.settings) == MESSAGES
        return {person.email for person in people}


@pytest.mark.postgres
def test_two_dispatchers_send_each_of_a_thousand_messages_once(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    addresses = thousand_due_messages(mail_context)
    smtp.handler.delay_seconds = 0.004  # long enough for the two to overlap
    now = HOT_SEND_TIME.isoformat()
    workers = [
        start_dispatcher(mail_context, "tick", "--now", now, "--batch-size", "20") for _ in range(2)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    received = smtp.handler.recipients()
    assert set(received) == addresses
    assert set(received.values()) == {1}
    assert sum(result["sent"] for result in results) == MESSAGES
    assert all(result["sent"] > 0 for result in results), results  # both really worked
    with read_session(mail_context.engine) as session:
        statuses = set(session.exec(select(OutboundMessage.status)).all())
    assert statuses == {"sent"}
