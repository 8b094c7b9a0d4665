"""Factories for test rows, built through the domain functions where they exist."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from sqlmodel import Session

from surveys.models import Enrolment, Person, Programme, StaffUser, TrainingSession
from surveys.staff.accounts import create_user

_numbers = count(1)
PASSWORD = "correct horse battery"


def staff(session: Session, role: str = "quality", **fields: Any) -> StaffUser:
    number = next(_numbers)
    return create_user(
        session=session,
        email=fields.pop("email", f"staff{number}@example.org"),
        role=role,
        password=fields.pop("password", PASSWORD),
        **fields,
    )


def programme(session: Session, **fields: Any) -> Programme:
    number = next(_numbers)
    item = Programme(
        code=fields.pop("code", f"PRG-{number}"),
        name=fields.pop("name", f"Formation {number}"),
        **fields,
    )
    session.add(item)
    session.flush()
    return item


def training_session(
    session: Session, programme_id: int | None = None, **fields: Any
) -> TrainingSession:
    number = next(_numbers)
    if programme_id is None:
        programme_id = programme(session).id
    end = fields.pop("end_date", date(2026, 6, 30))
    item = TrainingSession(
        code=fields.pop("code", f"SES-{number}"),
        programme_id=programme_id,
        start_date=fields.pop("start_date", end - timedelta(days=10)),
        end_date=end,
        **fields,
    )
    session.add(item)
    session.flush()
    return item


def person(session: Session, stakeholder_type: str = "learner", **fields: Any) -> Person:
    number = next(_numbers)
    item = Person(
        email=fields.pop("email", f"person{number}@example.org"),
        first_name=fields.pop("first_name", "Camille"),
        last_name=fields.pop("last_name", f"Martin{number}"),
        stakeholder_type=stakeholder_type,
        **fields,
    )
    session.add(item)
    session.flush()
    return item


def enrol(session: Session, person_id: int, session_id: int, role: str = "learner") -> Enrolment:
    item = Enrolment(person_id=person_id, session_id=session_id, role=role)
    session.add(item)
    session.flush()
    return item


def published_version(session: Session, template_id: str = "learner_hot"):
    """A survey created from a ready-made template and published (version 1)."""
    from question_banks.loader import get_template
    from surveys.builder.composition import create_survey_from_template, publish_survey
    from surveys.builder.custom_questions import full_catalog

    catalog = full_catalog(session=session)
    template = get_template(template_id, catalog=catalog)
    survey = create_survey_from_template(session=session, template=template, actor="test")
    return publish_survey(session=session, survey=survey, catalog=catalog, actor="test")


def campaign(session: Session, version=None, **fields: Any):
    from surveys.models import Campaign, utc_now

    version = version or published_version(session)
    number = next(_numbers)
    scheduled = fields.pop("scheduled_at", utc_now())
    item = Campaign(
        key=fields.pop("key", f"test:{number}"),
        survey_version_id=version.id,
        audience=fields.pop("audience", "learner"),
        timing=fields.pop("timing", "hot"),
        scheduled_at=scheduled,
        closes_at=fields.pop("closes_at", scheduled + timedelta(days=30)),
        **fields,
    )
    session.add(item)
    session.flush()
    return item


def answered(session: Session, question_id: str, number: float | None = 4, text: str | None = None):
    """A submitted response holding one answer to `question_id`."""
    from surveys.models import Answer, Response, utc_now

    item = campaign(session)
    response = Response(
        campaign_id=item.id, survey_version_id=item.survey_version_id, submitted_on=utc_now().date()
    )
    session.add(response)
    session.flush()
    session.add(Answer(response_id=response.id, question_id=question_id, number=number, text=text))
    session.flush()
    return response
