"""What the results page lets staff pick: surveys, campaigns, sessions and programmes, named for
a person."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from analysis.frames import AnalysisFrames
from surveys.db import read_session
from surveys.i18n import label
from surveys.models import Survey


def _day(value: object, language: str) -> str:
    return f"{value:%d/%m/%Y}" if language == "fr" else f"{value:%Y-%m-%d}"


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
                    _day(row.scheduled_on, language),
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
