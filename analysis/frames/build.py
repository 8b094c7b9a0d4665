"""Joining in memory: the answer rows with their questions and campaigns (integer positions and
categorical codes), and `load_frames`, which reads and joins everything."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from analysis.frames.dropouts import read_learner_enrolments
from analysis.frames.model import (
    ANSWER_COLUMNS,
    CAMPAIGN_COLUMNS,
    QUESTION_COLUMNS,
    AnalysisFrames,
)
from analysis.frames.read import (
    read_answers,
    read_campaigns,
    read_financers,
    read_questions,
    read_session_people,
    read_solicitations,
)


def _take(source: pd.Series, positions: np.ndarray) -> pd.Series:
    """`source[positions]`, with -1 meaning "no match" (missing)."""
    if isinstance(source.dtype, pd.CategoricalDtype):
        codes = np.where(
            positions >= 0, source.cat.codes.to_numpy().take(positions, mode="clip"), -1
        )
        return pd.Series(pd.Categorical.from_codes(codes, dtype=source.dtype))
    taken = source.take(np.clip(positions, 0, None)).reset_index(drop=True)
    return taken.where(positions >= 0)


def _as_categories(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    for column in columns:
        if column in frame:
            frame[column] = frame[column].astype(object).astype("category")
    return frame


def _join_questions(answers: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    categories = answers["question_id"].cat.categories
    width = len(categories) + 1
    lookup_codes = pd.Index(categories).get_indexer(questions["question_id"])
    questions = questions[lookup_codes >= 0].reset_index(drop=True)  # questions never answered
    lookup_keys = (
        questions["survey_version_id"].to_numpy(np.int64) * width + lookup_codes[lookup_codes >= 0]
    )
    unique = ~pd.Index(lookup_keys).duplicated()  # a question listed twice keeps its first
    questions, lookup_keys = questions[unique].reset_index(drop=True), lookup_keys[unique]
    answer_keys = (
        answers["survey_version_id"].to_numpy(np.int64) * width
        + answers["question_id"].cat.codes.to_numpy()
    )
    positions = pd.Index(lookup_keys).get_indexer(answer_keys)
    questions = _as_categories(questions.copy(), QUESTION_COLUMNS[:-1])
    for column in QUESTION_COLUMNS:
        answers[column] = _take(questions[column], positions)
    # an answer to a question missing from its version (never expected) keeps its id as theme
    answers["type"] = (
        answers["type"]
        .cat.add_categories(
            [value for value in ("unknown",) if value not in answers["type"].cat.categories]
        )
        .fillna("unknown")
    )
    return answers


def _join_campaigns(answers: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    positions = pd.Index(campaigns["campaign_id"]).get_indexer(answers["campaign_id"])
    dims = _as_categories(
        campaigns[list(CAMPAIGN_COLUMNS)].copy(), [c for c in CAMPAIGN_COLUMNS if c != "session_id"]
    )
    for column in CAMPAIGN_COLUMNS:
        answers[column] = _take(dims[column], positions)
    answers["session_id"] = answers["session_id"].astype("Int64")
    return answers


def build_answer_frame(
    answers: pd.DataFrame, questions: pd.DataFrame, campaigns: pd.DataFrame
) -> pd.DataFrame:
    answers = _join_campaigns(_join_questions(answers, questions), campaigns)
    return answers[list(ANSWER_COLUMNS)]


# The tables each frame is read from (every one of them is in the data version: see
# `analysis.frames.cache`). A new data version reads again only the frames whose tables
# changed; the answer frame (every answer, joined) is by far the heaviest.
FRAME_TABLES: dict[str, tuple[str, ...]] = {
    "answers": (
        "response",
        "answer",
        "named_response",
        "survey_version",
        "campaign",
        "training_session",
        "programme",
    ),
    "session_people": ("enrolment", "person"),
    "campaigns": ("campaign", "training_session", "programme", "invitation"),
    "solicitations": ("invitation", "campaign", "person", "evidence_note"),
    "financers": ("person",),
    "enrolments": ("enrolment", "training_session", "programme"),
}


def load_frames(
    *,
    engine: sa.Engine,
    start: date | None = None,
    end: date | None = None,
    kept: Mapping[str, pd.DataFrame] | None = None,
) -> AnalysisFrames:
    """Everything the dashboard, the summary and the suggestions compute from, for responses
    submitted between `start` and `end` (Paris days, inclusive; None = unbounded). `kept`:
    frames already read from the same data (by name, as in `FRAME_TABLES`: the frames cache
    keeps those whose tables did not change); the others are read."""
    frames = dict(kept or {})
    with engine.connect() as connection:
        readers: dict[str, Callable[[], pd.DataFrame]] = {
            "campaigns": lambda: read_campaigns(connection),
            "answers": lambda: build_answer_frame(
                read_answers(connection, start, end),
                read_questions(connection),
                frames["campaigns"],
            ),
            "session_people": lambda: read_session_people(connection),
            "solicitations": lambda: read_solicitations(connection),
            "financers": lambda: read_financers(connection),
            "enrolments": lambda: read_learner_enrolments(connection),
        }
        for name, read in readers.items():  # the campaigns first: the answers join them
            if name not in frames:
                frames[name] = read()
    return AnalysisFrames(**frames)


def load_campaign_frames(*, engine: sa.Engine, campaign_ids: Sequence[int]) -> AnalysisFrames:
    """The answers and the campaigns of `campaign_ids` only, for a report on them (a session's
    or a programme's dossier reads its own answers, not the organisation's million). The
    session people, solicitations and financers stay empty: they are the dashboard's."""
    with engine.connect() as connection:
        answers = read_answers(connection, None, None, campaign_ids)
        questions = read_questions(connection)
        campaigns = read_campaigns(connection, campaign_ids)
    return AnalysisFrames(
        answers=build_answer_frame(answers, questions, campaigns),
        session_people=pd.DataFrame(),
        campaigns=campaigns,
        solicitations=pd.DataFrame(),
        financers=pd.DataFrame(),
    )
