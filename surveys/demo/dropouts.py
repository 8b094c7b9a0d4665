"""The demo's completion statuses: learners of finished sessions completed, a few dropped out
(about one in five sessions, a few days before the end), so the dropout rates show something
true. Learners of sessions still running are "in progress"."""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from surveys.models import Enrolment, TrainingSession

ENROLMENT = Enrolment.__table__  # type: ignore[attr-defined]
SESSION = TrainingSession.__table__  # type: ignore[attr-defined]
DROPOUT_EVERY = 5  # sessions


def record_completion(session: Session, *, today: date, rng: random.Random) -> int:
    """Set every learner enrolment's status; returns how many dropped out."""
    connection = session.connection()
    learners = ENROLMENT.c.role == "learner"
    ended = sa.select(SESSION.c.id).where(SESSION.c.end_date < today)
    running = sa.select(SESSION.c.id).where(
        SESSION.c.start_date <= today, SESSION.c.end_date >= today
    )
    connection.execute(
        sa.update(ENROLMENT)
        .where(learners, ENROLMENT.c.session_id.in_(ended))
        .values(status="completed", status_changed_on=today)
    )
    connection.execute(
        sa.update(ENROLMENT)
        .where(learners, ENROLMENT.c.session_id.in_(running))
        .values(status="in_progress", status_changed_on=today)
    )
    finished = connection.execute(
        sa.select(SESSION.c.id, SESSION.c.end_date)
        .where(SESSION.c.end_date < today)
        .order_by(SESSION.c.id)
    ).all()
    dropouts = 0
    for session_id, end in finished[::DROPOUT_EVERY]:
        enrolment_ids = (
            connection.execute(
                sa.select(ENROLMENT.c.id).where(learners, ENROLMENT.c.session_id == session_id)
            )
            .scalars()
            .all()
        )
        if not enrolment_ids:
            continue
        connection.execute(
            sa.update(ENROLMENT)
            .where(ENROLMENT.c.id == rng.choice(enrolment_ids))
            .values(status="dropped_out", status_changed_on=end - timedelta(days=rng.randint(3, 8)))
        )
        dropouts += 1
    return dropouts
