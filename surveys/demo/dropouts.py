"""The demo's completion statuses and dropouts: learners of finished sessions completed, a few
dropped out (none, one or two per finished session, a few days before its end), learners of
sessions still running are "in progress". The dropouts are chosen before the campaigns run, so
they get no hot or cold survey but the dropout survey, three days after they left, as the
product sends it; their answers give believable causes (`DROPOUT_CAUSE_WEIGHTS`)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from surveys.models import Enrolment, TrainingSession

ENROLMENT = Enrolment.__table__  # type: ignore[attr-defined]
SESSION = TrainingSession.__table__  # type: ignore[attr-defined]
DROPOUTS_PER_SESSION = (0, 0, 1, 1, 1, 2)  # drawn for each finished session
LEFT_DAYS_BEFORE_END = (3, 8)


@dataclass(frozen=True)
class Dropouts:
    """Who of a session's learners left (indexes into the learners), and on which day."""

    learners: tuple[int, ...] = ()
    left_on: date | None = None


def choose_dropouts(
    rng: random.Random, learners: list[int], start: date, end: date, today: date
) -> Dropouts:
    """The dropouts of one session (none for a session not finished yet)."""
    if end >= today or len(learners) < 4:
        return Dropouts()
    how_many = rng.choice(DROPOUTS_PER_SESSION)
    if not how_many:
        return Dropouts()
    left_on = max(start, end - timedelta(days=rng.randint(*LEFT_DAYS_BEFORE_END)))
    return Dropouts(tuple(rng.sample(learners, how_many)), left_on)


def record_completion(
    session: Session, *, today: date, dropped: dict[int, list[tuple[int, date]]]
) -> int:
    """Set every learner enrolment's status (`dropped`: session id -> (person id, day left));
    returns how many dropped out."""
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
    count = 0
    for session_id, people in dropped.items():
        for person_id, left_on in people:
            connection.execute(
                sa.update(ENROLMENT)
                .where(
                    learners,
                    ENROLMENT.c.session_id == session_id,
                    ENROLMENT.c.person_id == person_id,
                )
                .values(status="dropped_out", status_changed_on=left_on)
            )
            count += 1
    return count
