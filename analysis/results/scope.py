"""Which answers and which questions a results report covers: a survey, a campaign, a session,
a programme (all its sessions).

The only database reads of the results wing: the survey versions' definitions (for the question
wording and options) and the names shown in the title; the answers come from `load_frames`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import select

from analysis.frames import AnalysisFilters, AnalysisFrames, apply_filters
from surveys.db import read_session
from surveys.i18n import t
from surveys.models import Campaign, Programme, Survey, SurveyVersion, TrainingSession

SCOPE_KINDS = ("survey", "campaign", "session", "programme")


class ScopeError(ValueError):
    """The asked survey, campaign or session does not exist (the message is for a person)."""


@dataclass(frozen=True)
class Scope:
    kind: str  # survey, campaign, session or programme
    value: str  # the survey or campaign number, or the session or programme code
    title: str
    version_ids: tuple[int, ...]
    definitions: tuple[dict[str, Any], ...]


def _versions(session: Any, version_ids: set[int]) -> list[SurveyVersion]:
    if not version_ids:
        return []
    statement = select(SurveyVersion).where(SurveyVersion.id.in_(sorted(version_ids)))
    return list(session.exec(statement.order_by(SurveyVersion.survey_id, SurveyVersion.number)))


def _title(definition: dict[str, Any], language: str) -> str:
    title = definition.get("title") or {}
    return str(title.get(language) or title.get("fr") or "")


def resolve_scope(*, engine: sa.Engine, kind: str, value: str, language: str = "fr") -> Scope:
    """The scope asked for, or ScopeError with a sentence saying what was not found."""
    with read_session(engine) as session:
        if kind == "survey":
            survey = session.get(Survey, int(value)) if str(value).isdigit() else None
            if survey is None:
                raise ScopeError(t("analysis.results.no_survey", language, value=value))
            ids = set(
                session.exec(select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id))
            )
            versions = _versions(session, ids)
            title = _title(versions[-1].definition, language) if versions else survey.title
        elif kind == "campaign":
            campaign = session.get(Campaign, int(value)) if str(value).isdigit() else None
            if campaign is None:
                raise ScopeError(t("analysis.results.no_campaign", language, value=value))
            versions = _versions(session, {campaign.survey_version_id})
            title = _title(versions[0].definition, language) if versions else ""
        elif kind == "programme":
            versions, title = _programme(session, value, language)
        else:
            training = session.exec(
                select(TrainingSession).where(TrainingSession.code == value)
            ).first()
            if training is None:
                raise ScopeError(t("analysis.results.no_session", language, value=value))
            ids = set(
                session.exec(
                    select(Campaign.survey_version_id).where(Campaign.session_id == training.id)
                )
            )
            versions = _versions(session, ids)
            title = training.code
    return Scope(
        kind=kind,
        value=str(value),
        title=title,
        version_ids=tuple(version.id for version in versions),
        definitions=tuple(version.definition or {} for version in versions),
    )


def _programme(session: Any, code: str, language: str) -> tuple[list[SurveyVersion], str]:
    programme = session.exec(select(Programme).where(Programme.code == code)).first()
    if programme is None:
        raise ScopeError(t("analysis.results.no_programme", language, value=code))
    ids = set(
        session.exec(
            select(Campaign.survey_version_id)
            .join(TrainingSession, TrainingSession.id == Campaign.session_id)
            .where(TrainingSession.programme_id == programme.id)
        )
    )
    return _versions(session, ids), programme.name or programme.code


def scope_answers(
    frames: AnalysisFrames, scope: Scope, filters: AnalysisFilters | None = None
) -> pd.DataFrame:
    """The answers of the scope, restricted by the dashboard's filters."""
    chosen = apply_filters(frames, filters or AnalysisFilters())
    answers = chosen.answers
    if scope.kind == "survey":
        keep = answers["survey_version_id"].isin(scope.version_ids)
    elif scope.kind == "campaign":
        keep = answers["campaign_id"] == int(scope.value)
    else:
        column = "programme" if scope.kind == "programme" else "session"
        keep = (answers[column].astype(object) == scope.value).fillna(False)
    return answers[keep.to_numpy(dtype=bool)].reset_index(drop=True)
