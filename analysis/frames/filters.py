"""Restricting the frames to the dashboard's filters (pure), and the values each filter can take."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pandas as pd

from analysis.frames.model import (
    AnalysisFilters,
    AnalysisFrames,
)
from surveys.config import paris_day


def trainer_sessions(session_people: pd.DataFrame, trainers: Iterable[int]) -> set[int]:
    chosen = session_people[
        (session_people["role"] == "trainer") & session_people["person_id"].isin(list(trainers))
    ]
    return set(chosen["session_id"].astype(int))


def _mask(frame: pd.DataFrame, column: str, values: Sequence[Any]) -> pd.Series:
    if not values:
        return pd.Series(True, index=frame.index)
    return frame[column].isin(list(values)).fillna(False).astype(bool)


def _filter_dimensions(
    frame: pd.DataFrame, filters: AnalysisFilters, sessions_of_trainers: set[int] | None
) -> pd.Series:
    keep = pd.Series(True, index=frame.index)
    for column, values in (
        ("programme", filters.programmes),
        ("session", filters.sessions),
        ("modality", filters.modalities),
        ("audience", filters.audiences),
        ("timing", filters.timings),
    ):
        keep &= _mask(frame, column, values)
    if sessions_of_trainers is not None:
        keep &= frame["session_id"].isin(sessions_of_trainers).fillna(False).astype(bool)
    return keep


def within_period(days: pd.Series, start: date | None, end: date | None) -> pd.Series:
    keep = pd.Series(True, index=days.index)
    if start is not None:
        keep &= days >= pd.Timestamp(start)
    if end is not None:
        keep &= days <= pd.Timestamp(end)
    return keep.fillna(False).astype(bool)


def apply_filters(frames: AnalysisFrames, filters: AnalysisFilters) -> AnalysisFrames:
    """The frames restricted to the filters. Answers are dated by their response, campaigns by
    their sending; solicitations are kept whole (coverage looks back before the period)."""
    by_trainer = (
        trainer_sessions(frames.session_people, filters.trainers) if filters.trainers else None
    )
    answers = frames.answers
    keep = _filter_dimensions(answers, filters, by_trainer)
    keep &= within_period(answers["submitted_on"], filters.start, filters.end)
    campaigns = frames.campaigns
    keep_campaigns = _filter_dimensions(campaigns, filters, by_trainer)
    keep_campaigns &= within_period(campaigns["scheduled_on"], filters.start, filters.end)
    return replace(
        frames,
        answers=answers[keep.to_numpy()].reset_index(drop=True),
        campaigns=campaigns[keep_campaigns.to_numpy()].reset_index(drop=True),
    )


def filter_choices(frames: AnalysisFrames) -> dict[str, list[Any]]:
    """The values each filter can take, from the data."""
    campaigns = frames.campaigns
    trainers = frames.session_people[frames.session_people["role"] == "trainer"]
    trainers = trainers.drop_duplicates("person_id").sort_values("name")

    def values(column: str) -> list[Any]:
        return sorted(str(value) for value in campaigns[column].dropna().unique())

    sessions = (
        campaigns.dropna(subset=["session"]).drop_duplicates("session").sort_values("session")
    )
    return {
        "programmes": values("programme"),
        "sessions": list(zip(sessions["session"], sessions["programme"], strict=True)),
        "modalities": values("modality"),
        "audiences": values("audience"),
        "timings": values("timing"),
        "trainers": list(zip(trainers["person_id"].astype(int), trainers["name"], strict=True)),
    }


def now_paris(now: datetime) -> date:
    return paris_day(now)
