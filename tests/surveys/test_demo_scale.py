"""The large-organisation generator, run at a small size: consistent rows, whatever the scale."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from sqlmodel import func, select

from surveys.builder.composition import version_questions
from surveys.db import read_session, write_session
from surveys.demo import LARGE, DemoSummary, load_demo
from surveys.models import (
    Answer,
    Enrolment,
    Invitation,
    NamedResponse,
    Person,
    Programme,
    Response,
    SurveyVersion,
    TrainingSession,
    utc_now,
)
from surveys.runtime import AppContext

SMALL_LARGE = replace(
    LARGE,
    learners=240,
    sessions_past=20,
    sessions_coming=2,
    towns=2,
    trainers=10,
    companies=36,
    financers=14,
)


@pytest.fixture
def loaded(context: AppContext) -> tuple[AppContext, DemoSummary]:
    with write_session(context.engine) as session:
        summary = load_demo(
            session=session,
            now=utc_now(),
            session_secret=context.settings.session_secret,
            scale=SMALL_LARGE,
        )
    return context, summary


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_the_sizes_asked_for_are_the_sizes_loaded(loaded) -> None:
    context, summary = loaded
    with read_session(context.engine) as session:
        people = dict(
            session.exec(
                select(Person.stakeholder_type, func.count()).group_by(Person.stakeholder_type)
            ).all()
        )
        assert people == {"learner": 240, "trainer": 10, "company": 36, "financer": 14}
        assert _count(session, Programme) == 6 * SMALL_LARGE.towns
        assert _count(session, TrainingSession) == SMALL_LARGE.sessions
        for model in (Person, TrainingSession, Invitation, Response, Answer, Enrolment):
            assert summary.counts[model.__tablename__] == _count(session, model)


def test_every_answer_refers_to_a_question_of_its_version(loaded) -> None:
    context, _ = loaded
    with read_session(context.engine) as session:
        questions = {
            version.id: {question["id"] for question in version_questions(version.definition)}
            for version in session.exec(select(SurveyVersion))
        }
        pairs = session.exec(
            select(Answer.question_id, Response.survey_version_id).join(
                Response, Response.id == Answer.response_id
            )
        ).all()
        orphans = session.exec(
            select(func.count())
            .select_from(Answer)
            .outerjoin(Response, Response.id == Answer.response_id)
            .where(Response.id.is_(None))
        ).one()
    assert pairs and orphans == 0
    assert all(question in questions[version] for question, version in pairs)


def test_anonymous_responses_keep_no_link_and_named_ones_one(loaded) -> None:
    context, _ = loaded
    with read_session(context.engine) as session:
        links = Counter(
            session.exec(
                select(Response.anonymous).join(
                    NamedResponse, NamedResponse.response_id == Response.id
                )
            ).all()
        )
        responses = Counter(session.exec(select(Response.anonymous)).all())
        completed = _count_completed(session)
    assert responses[True] > 0 and responses[False] > 0
    assert links[True] == 0
    assert links[False] == responses[False]
    assert completed == responses[True] + responses[False]  # one response per answered invitation


def _count_completed(session) -> int:
    return session.exec(
        select(func.count()).select_from(Invitation).where(Invitation.status == "completed")
    ).one()


def test_enrolments_follow_roles_and_sessions_are_of_uneven_size(loaded) -> None:
    context, _ = loaded
    with read_session(context.engine) as session:
        mismatched = session.exec(
            select(func.count())
            .select_from(Enrolment)
            .join(Person, Person.id == Enrolment.person_id)
            .where(Person.stakeholder_type != Enrolment.role)
        ).one()
        sizes = session.exec(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.role == "learner")
            .group_by(Enrolment.session_id)
        ).all()
    assert mismatched == 0
    assert len(sizes) == SMALL_LARGE.sessions and min(sizes) < max(sizes)
