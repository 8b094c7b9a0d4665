"""Whom of a session's enrolments a plan reaches: by default, not who dropped out or never
came; "all" reaches everyone; "dropped_out" only those who dropped out. Response rates are
then computed over the people actually asked."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from analysis.frames.read import read_campaigns
from reminders.planner import plan_due
from surveys.db import read_session, write_session
from surveys.models import Enrolment, Invitation, Person
from surveys.runtime import AppContext
from tests import factories
from tests.factories import SESSION_END
from tests.support.smtp import HOT_SEND_TIME


def _session_with_a_dropout(context: AppContext, scope: str | None) -> dict[str, str]:
    with write_session(context.engine) as session:
        version = factories.published_version(session)
        programme = factories.programme(session)
        training = factories.training_session(session, programme.id, end_date=SESSION_END)
        extra = {} if scope is None else {"enrolment_scope": scope}
        factories.plan(session, version, programme.id, **extra)
        people = factories.enrolled(session, training.id, 4)
        statuses = ["completed", "in_progress", "dropped_out", "absent"]
        for person, status in zip(people, statuses, strict=True):
            enrolment = session.exec(
                select(Enrolment).where(Enrolment.person_id == person.id)
            ).one()
            enrolment.status = status
            session.add(enrolment)
        return {person.email: status for person, status in zip(people, statuses, strict=True)}


def _invited(context: AppContext) -> set[str]:
    with write_session(context.engine) as session:
        plan_due(session=session, now=HOT_SEND_TIME, settings=context.settings)
    with read_session(context.engine) as session:
        rows = session.exec(
            select(Person.email).join(Invitation, Invitation.person_id == Person.id)
        ).all()
    return set(rows)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (None, {"completed", "in_progress"}),
        ("all", {"completed", "in_progress", "dropped_out", "absent"}),
        ("dropped_out", {"dropped_out"}),
    ],
)
def test_the_plan_scope_decides_who_is_invited(
    context: AppContext, scope: str | None, expected: set[str]
) -> None:
    people = _session_with_a_dropout(context, scope)
    assert {people[email] for email in _invited(context)} == expected


def test_the_response_rate_is_over_the_people_asked_not_the_dropouts(
    context: AppContext,
) -> None:
    _session_with_a_dropout(context, None)
    _invited(context)
    with write_session(context.engine) as session:
        session.execute(sa.update(Invitation).values(status="sent", sent_at=HOT_SEND_TIME))
        first = session.exec(select(Invitation).order_by(Invitation.id)).first()
        first.status = "completed"
        session.add(first)
    with read_session(context.engine) as session:
        frame = read_campaigns(session.connection())
    row = frame.iloc[0]
    assert (int(row["invited"]), int(row["answered"])) == (2, 1)  # 50 %, not 25 %
