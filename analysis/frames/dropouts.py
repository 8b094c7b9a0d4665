"""The learners' enrolments with their completion status, for dropout rates: the DB read and
its restriction to the dashboard's filters (pure).

A session belongs to a period when it was held during it (its dates overlap the period), so
a dropout is counted in the period of its session, whatever day it was recorded. The audience
filter keeps them only when it includes learners (dropouts are learners'); the timing filter
narrows surveys, not enrolments, and leaves them whole.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from analysis.frames.filters import trainer_sessions
from analysis.frames.model import ENROLMENT_COLUMNS, AnalysisFilters
from analysis.frames.read import read_frame
from surveys.models import Enrolment, Programme, TrainingSession


def read_learner_enrolments(connection: sa.Connection) -> pd.DataFrame:
    enrolment, training = Enrolment.__table__, TrainingSession.__table__
    programme = Programme.__table__
    statement = (
        sa.select(
            training.c.id,
            programme.c.code,
            programme.c.name,
            training.c.code,
            training.c.modality,
            training.c.start_date,
            training.c.end_date,
            enrolment.c.status,
        )
        .select_from(enrolment)
        .join(training, training.c.id == enrolment.c.session_id)
        .join(programme, programme.c.id == training.c.programme_id)
        .where(enrolment.c.role == "learner")
    )
    frame = read_frame(connection, statement)
    frame.columns = list(ENROLMENT_COLUMNS)
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _held_within(enrolments: pd.DataFrame, filters: AnalysisFilters) -> pd.Series:
    keep = pd.Series(True, index=enrolments.index)
    if filters.start is not None:
        keep &= enrolments["end_date"] >= pd.Timestamp(filters.start)
    if filters.end is not None:
        keep &= enrolments["start_date"] <= pd.Timestamp(filters.end)
    return keep.fillna(False).astype(bool)


def filter_enrolments(
    enrolments: pd.DataFrame, filters: AnalysisFilters, session_people: pd.DataFrame
) -> pd.DataFrame:
    """The enrolments of the sessions the filters select (period, programme, session,
    modality, trainer; audience when it leaves learners out)."""
    if filters.audiences and "learner" not in filters.audiences:
        return enrolments.iloc[0:0]
    keep = _held_within(enrolments, filters)
    for column, values in (
        ("programme", filters.programmes),
        ("session", filters.sessions),
        ("modality", filters.modalities),
    ):
        if values:
            keep &= enrolments[column].isin(list(values)).fillna(False).astype(bool)
    if filters.trainers:
        sessions = trainer_sessions(session_people, filters.trainers)
        keep &= enrolments["session_id"].isin(sessions)
    return enrolments[keep.to_numpy(bool)].reset_index(drop=True)
