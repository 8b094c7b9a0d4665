"""The learners' enrolments with their completion status, for dropout rates (a DB read)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from surveys.models import Enrolment, Programme, TrainingSession

DROPOUT_COLUMNS = ["programme", "session", "status"]


def read_learner_enrolments(connection: sa.Connection) -> pd.DataFrame:
    enrolment, training = Enrolment.__table__, TrainingSession.__table__
    programme = Programme.__table__
    statement = (
        sa.select(programme.c.name, training.c.code, enrolment.c.status)
        .select_from(enrolment)
        .join(training, training.c.id == enrolment.c.session_id)
        .join(programme, programme.c.id == training.c.programme_id)
        .where(enrolment.c.role == "learner")
    )
    return pd.DataFrame(connection.execute(statement).all(), columns=DROPOUT_COLUMNS)
