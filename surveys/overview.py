"""Read-only views of the organisation for the staff pages (plain rows, no streamlit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, func, select

from surveys.models import Enrolment, Person, Programme, Response, TrainingSession


@dataclass(frozen=True)
class Headline:
    programmes: int
    sessions: int
    people: int
    responses: int
    people_by_type: dict[str, int]


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def responses_between(*, session: Session, start: date, end: date) -> int:
    """Responses submitted between two Paris days, both included (the dashboard's count)."""
    query = select(func.count()).where(Response.submitted_on >= start, Response.submitted_on <= end)
    return session.exec(query).one()


def headline(*, session: Session) -> Headline:
    by_type = dict(
        session.exec(
            select(Person.stakeholder_type, func.count()).group_by(Person.stakeholder_type)
        ).all()
    )
    return Headline(
        programmes=_count(session, Programme),
        sessions=_count(session, TrainingSession),
        people=_count(session, Person),
        responses=_count(session, Response),
        people_by_type=by_type,
    )


def list_sessions(
    *,
    session: Session,
    ending_from: date | None = None,
    ending_to: date | None = None,
    newest_first: bool = True,
    limit: int = 500,
) -> list[dict[str, Any]]:
    learners = (
        select(func.count())
        .where(Enrolment.session_id == TrainingSession.id, Enrolment.role == "learner")
        .scalar_subquery()
    )
    query = select(TrainingSession, Programme.name, learners).join(
        Programme, Programme.id == TrainingSession.programme_id
    )
    if ending_from is not None:
        query = query.where(TrainingSession.end_date >= ending_from)
    if ending_to is not None:
        query = query.where(TrainingSession.end_date <= ending_to)
    order = TrainingSession.end_date.desc() if newest_first else TrainingSession.end_date
    rows = session.exec(query.order_by(order).limit(limit)).all()
    return [
        {
            "code": item.code,
            "programme": name,
            "start": item.start_date,
            "end": item.end_date,
            "modality": item.modality,
            "lms": item.lms,
            "learners": count,
        }
        for item, name, count in rows
    ]


def upcoming_sessions(*, session: Session, today: date, days: int = 30) -> list[dict[str, Any]]:
    return list_sessions(
        session=session,
        ending_from=today,
        ending_to=today + timedelta(days=days),
        newest_first=False,
    )


def list_people(
    *, session: Session, stakeholder_type: str | None = None, search: str = "", limit: int = 1000
) -> list[dict[str, Any]]:
    query = select(Person).where(Person.erased_at.is_(None))
    if stakeholder_type:
        query = query.where(Person.stakeholder_type == stakeholder_type)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            sa.or_(
                func.lower(Person.last_name).like(pattern),
                func.lower(Person.first_name).like(pattern),
                func.lower(Person.email).like(pattern),
                func.lower(Person.organisation).like(pattern),
            )
        )
    people = session.exec(query.order_by(Person.last_name, Person.first_name).limit(limit)).all()
    return [
        {
            "id": person.id,
            "name": f"{person.first_name} {person.last_name}".strip(),
            "email": person.email,
            "type": person.stakeholder_type,
            "organisation": person.organisation,
            "language": person.language,
        }
        for person in people
    ]


def list_programmes(*, session: Session) -> list[dict[str, Any]]:
    sessions = (
        select(func.count()).where(TrainingSession.programme_id == Programme.id).scalar_subquery()
    )
    rows = session.exec(select(Programme, sessions).order_by(Programme.name)).all()
    return [
        {"code": item.code, "programme": item.name, "kind": item.kind, "sessions": count}
        for item, count in rows
    ]
