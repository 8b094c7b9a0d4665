"""Rows the benchmarks share: one published hot survey planned over a programme's sessions."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from question_banks.loader import get_template, load_catalog
from surveys.builder.composition import create_survey_from_template, publish_survey
from surveys.models import Programme, TrainingSession
from tests import factories


def require_empty(engine: Engine) -> None:
    """Stops with a message when the database already holds a programme: the benchmark
    counts every due row, so an earlier run's rows would skew it."""
    with engine.connect() as connection:
        programmes = connection.execute(select(func.count()).select_from(Programme)).scalar_one()
    if programmes:
        raise SystemExit(
            f"{engine.url.render_as_string(hide_password=True)} already holds {programmes} "
            "programme(s), from an earlier run or real data: give an empty database."
        )


def hot_plan_over_sessions(
    session: Session, *, sessions: int, session_end: date
) -> list[TrainingSession]:
    """The learner hot survey, published and planned (default reminders) for a programme of
    `sessions` sessions that all end on `session_end`; returns the sessions (flushed)."""
    catalog = load_catalog()
    template = get_template("learner_hot", catalog=catalog)
    survey = create_survey_from_template(session=session, template=template, actor="bench")
    version = publish_survey(session=session, survey=survey, catalog=catalog, actor="bench")
    programme = Programme(code="BENCH", name="Formation du banc d'essai")
    session.add(programme)
    session.flush()
    trainings = [
        TrainingSession(
            code=f"BENCH-{index}",
            programme_id=programme.id,
            start_date=session_end - timedelta(days=10),
            end_date=session_end,
        )
        for index in range(sessions)
    ]
    session.add_all(trainings)
    factories.plan(session, version, programme.id)  # flushes the sessions too
    return trainings
