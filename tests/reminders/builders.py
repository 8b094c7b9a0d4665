"""Rows for the reminders tests: a published survey, a plan, a session with its people."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from sqlmodel import Session

from question_banks.loader import get_template, load_catalog
from surveys.builder.composition import create_survey_from_template, publish_survey
from surveys.models import (
    Enrolment,
    OrganisationSettings,
    Person,
    Programme,
    SurveyPlan,
    SurveyVersion,
    TrainingSession,
)

_numbers = count(1)


def published(session: Session, template_id: str = "learner_hot") -> SurveyVersion:
    catalog = load_catalog()
    template = get_template(template_id, catalog=catalog)
    survey = create_survey_from_template(session=session, template=template, actor="test")
    return publish_survey(session=session, survey=survey, catalog=catalog, actor="test")


def programme(session: Session, kind: str = "training") -> Programme:
    number = next(_numbers)
    item = Programme(code=f"PRG-{number}", name=f"Formation {number}", kind=kind)
    session.add(item)
    session.flush()
    return item


def training(session: Session, programme_id: int, end: date, code: str | None = None):
    item = TrainingSession(
        code=code or f"SES-{next(_numbers)}",
        programme_id=programme_id,
        start_date=end - timedelta(days=10),
        end_date=end,
    )
    session.add(item)
    session.flush()
    return item


def plan(session: Session, version: SurveyVersion, programme_id: int | None, **fields: Any):
    item = SurveyPlan(
        programme_id=programme_id,
        survey_id=version.survey_id,
        audience=fields.pop("audience", "learner"),
        timing=fields.pop("timing", "hot"),
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


def enrolled(
    session: Session, training_id: int, how_many: int, role: str = "learner", **fields: Any
) -> list[Person]:
    people = [person(session, role, **fields) for _ in range(how_many)]
    session.add_all(Enrolment(person_id=p.id, session_id=training_id, role=role) for p in people)
    session.flush()
    return people


def organisation(session: Session, **fields: Any) -> None:
    item = session.get(OrganisationSettings, 1)
    for key, value in {
        "name": "Formasud",
        "support_email": "aide@formasud.example.org",
        **fields,
    }.items():
        setattr(item, key, value)
    session.add(item)
    session.flush()
