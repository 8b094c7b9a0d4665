"""Small hand-made analysis frames, shaped like `analysis.frames` builds them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from analysis.frames import ANSWER_COLUMNS, CATEGORY_COLUMNS

# A value for every column of the answer frame but response_id (each row gives its own).
ANSWER_DEFAULTS: dict[str, Any] = {
    "question_id": "overall-satisfaction",
    "number": None,
    "text": None,
    "survey_version_id": 1,
    "campaign_id": 1,
    "submitted_on": date(2026, 3, 10),
    "anonymous": False,
    "person_id": None,
    "bank": "overall_satisfaction",
    "theme": "overall_satisfaction",
    "type": "likert5",
    "scale": "satisfaction",
    "question_fr": "Satisfaction globale",
    "question_en": "Overall satisfaction",
    "question_order": 0,
    "audience": "learner",
    "timing": "hot",
    "session_id": 1,
    "session": "S1",
    "programme": "P1",
    "programme_name": "Programme 1",
    "modality": "remote",
}


def answers(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """An answers frame with the frame's own columns; each row needs `response_id`."""
    assert set(ANSWER_DEFAULTS) | {"response_id"} == set(ANSWER_COLUMNS), "defaults out of date"
    frame = pd.DataFrame([{**ANSWER_DEFAULTS, **row} for row in rows], columns=list(ANSWER_COLUMNS))
    frame["number"] = frame["number"].astype(float)
    frame["text"] = frame["text"].astype(object)
    frame["submitted_on"] = pd.to_datetime(frame["submitted_on"])
    frame["person_id"] = frame["person_id"].astype("Int64")
    frame["session_id"] = frame["session_id"].astype("Int64")
    frame["anonymous"] = frame["anonymous"].astype(bool)
    for column in CATEGORY_COLUMNS:
        frame[column] = frame[column].astype(object).astype("category")
    return frame


def likert(values: list[float | None], **common: Any) -> pd.DataFrame:
    """One likert answer per respondent."""
    return answers(
        [
            {"response_id": f"r{index}", "number": value, **common}
            for index, value in enumerate(values)
        ]
    )


def campaigns(rows: list[dict[str, Any]]) -> pd.DataFrame:
    defaults = {
        "campaign_id": 1,
        "label": "",
        "audience": "learner",
        "timing": "hot",
        "scheduled_at": pd.Timestamp("2026-03-01 16:00", tz="UTC"),
        "session_id": 1,
        "session": "S1",
        "modality": "remote",
        "end_date": date(2026, 3, 1),
        "programme": "P1",
        "programme_name": "Programme 1",
        "invited": 0,
        "reminded": 0,
        "answered": 0,
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows], columns=list(defaults))
    frame["scheduled_on"] = (
        pd.to_datetime(frame["scheduled_at"], utc=True)
        .dt.tz_convert("Europe/Paris")
        .dt.tz_localize(None)
        .dt.normalize()
    )
    return frame


def session_people(rows: list[tuple[int, str, int, str]]) -> pd.DataFrame:
    """(session_id, role, person_id, name) rows; a financer's name is its organisation."""
    return pd.DataFrame(
        [
            {
                "session_id": session,
                "role": role,
                "person_id": person,
                "email": f"{person}@x.org",
                "organisation": name if role == "financer" else "Équipe",
                "name": name,
            }
            for session, role, person, name in rows
        ],
        columns=["session_id", "role", "person_id", "email", "organisation", "name"],
    )


def solicitations(rows: list[dict[str, Any]]) -> pd.DataFrame:
    defaults = {
        "stakeholder_type": "learner",
        "organisation": "",
        "solicited_on": None,
        "answered_on": None,
        "solicited": 1,
        "answered": 0,
        "source": "survey",
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows], columns=list(defaults))
    frame["solicited_on"] = pd.to_datetime(frame["solicited_on"])
    frame["answered_on"] = pd.to_datetime(frame["answered_on"])
    return frame
