"""What the results page lets staff pick: surveys, campaigns, sessions and programmes, named for
a person, and which one a first visit opens on (the one with the most responses)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlmodel import select

from analysis.frames import AnalysisFilters, AnalysisFrames, apply_filters
from surveys.db import read_session
from surveys.formatting import day
from surveys.i18n import label
from surveys.models import Survey, SurveyVersion


def scope_choices(
    engine: sa.Engine, frames: AnalysisFrames, kind: str, language: str
) -> dict[str, str]:
    """{value: words} for the scope kind, newest campaigns and sessions first."""
    if kind == "survey":
        with read_session(engine) as session:
            surveys = session.exec(select(Survey.id, Survey.title).order_by(Survey.title)).all()
        return {str(number): title for number, title in surveys}
    campaigns = frames.campaigns.sort_values(["scheduled_on", "campaign_id"], ascending=False)
    if kind == "campaign":
        return {
            str(int(row.campaign_id)): " · ".join(
                part
                for part in (
                    label("stakeholder", str(row.audience), language),
                    label("timing", str(row.timing), language),
                    str(row.session) if isinstance(row.session, str) else "",
                    day(row.scheduled_on, language) if not pd.isna(row.scheduled_on) else "",
                )
                if part
            )
            for row in campaigns.itertuples(index=False)
        }
    if kind == "programme":
        runs = campaigns.dropna(subset=["programme"]).drop_duplicates("programme")
        runs = runs.sort_values(["programme_name", "programme"], kind="stable")
        return {
            str(row.programme): f"{row.programme_name} ({row.programme})"
            if isinstance(row.programme_name, str) and row.programme_name
            else str(row.programme)
            for row in runs.itertuples(index=False)
        }
    sessions = campaigns.dropna(subset=["session"]).drop_duplicates("session")
    return {str(code): str(code) for code in sessions["session"]}


def _scope_values(engine: sa.Engine, answers: pd.DataFrame, kind: str) -> pd.Series:
    """The scope value (as in `scope_choices`) each answer row belongs to."""
    if kind == "survey":
        with read_session(engine) as session:
            surveys = dict(session.exec(select(SurveyVersion.id, SurveyVersion.survey_id)).all())
        return answers["survey_version_id"].astype(object).map(surveys)
    column = {"campaign": "campaign_id", "session": "session", "programme": "programme"}[kind]
    return answers[column].astype(object)


def busiest_choice(
    engine: sa.Engine,
    frames: AnalysisFrames,
    kind: str,
    options: dict[str, str],
    filters: AnalysisFilters | None = None,
) -> int:
    """The position in `options` of the choice with the most responses under the filters (the
    first choice when none has any), so that a first visit shows results."""
    answers = apply_filters(frames, filters or AnalysisFilters()).answers
    values = _scope_values(engine, answers, kind)
    counted = pd.DataFrame({"value": values, "response": answers["response_id"].astype(object)})
    counted = counted.dropna(subset=["value"])
    counts = counted.drop_duplicates().groupby("value")["response"].size()
    keys = {str(int(v)) if isinstance(v, float) else str(v): n for v, n in counts.items()}
    ranked = sorted(options, key=lambda key: -keys.get(key, 0))  # stable: ties keep order
    return list(options).index(ranked[0]) if ranked and keys.get(ranked[0], 0) else 0
