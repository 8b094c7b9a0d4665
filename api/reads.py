"""What the API reads: campaigns and who answered (named surveys only), per-question results
with the small-group rule, responses of named surveys, and the coverage of indicator 30.

Results and coverage come from the analysis package's own frames and metrics, so the API
shows exactly the dashboard's figures (and hides exactly what the dashboard hides).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from analysis import metrics
from analysis.frames import load_frames, small_group_min
from api.schemas import (
    AnswerOut,
    CampaignList,
    CampaignOut,
    CoverageAlert,
    CoverageOut,
    CoverageRow,
    InvitationList,
    InvitationOut,
    QuestionResult,
    ResponseList,
    ResponseOut,
    ResultsOut,
)
from surveys.models import (
    INVITATION_STATUSES,
    Answer,
    Campaign,
    Invitation,
    NamedResponse,
    Person,
    Response,
    Survey,
    SurveyVersion,
    TrainingSession,
)
from surveys.runtime import AppContext

_CAMPAIGN = Campaign.__table__  # type: ignore[attr-defined]
_VERSION = SurveyVersion.__table__  # type: ignore[attr-defined]
_SESSION = TrainingSession.__table__  # type: ignore[attr-defined]
_INVITATION = Invitation.__table__  # type: ignore[attr-defined]
_PERSON = Person.__table__  # type: ignore[attr-defined]


class NotFound(LookupError):
    """The thing asked for does not exist (404)."""


class AnonymousSurvey(PermissionError):
    """Asked who answered what, of an anonymous survey (409)."""


def _campaign_rows(connection: sa.Connection, campaign_id: int | None = None) -> list[Any]:
    counts = (
        sa.select(
            _INVITATION.c.campaign_id,
            sa.func.count().label("invited"),
            sa.func.sum(sa.case((_INVITATION.c.status == "completed", 1), else_=0)).label(
                "answered"
            ),
        )
        .group_by(_INVITATION.c.campaign_id)
        .subquery()
    )
    statement = (
        sa.select(
            _CAMPAIGN,
            _VERSION.c.anonymous,
            _VERSION.c.survey_id,
            _SESSION.c.external_id.label("session_external_id"),
            _SESSION.c.code.label("session_code"),
            sa.func.coalesce(counts.c.invited, 0).label("invited"),
            sa.func.coalesce(counts.c.answered, 0).label("answered"),
        )
        .select_from(
            _CAMPAIGN.join(_VERSION, _VERSION.c.id == _CAMPAIGN.c.survey_version_id)
            .outerjoin(_SESSION, _SESSION.c.id == _CAMPAIGN.c.session_id)
            .outerjoin(counts, counts.c.campaign_id == _CAMPAIGN.c.id)
        )
        .order_by(_CAMPAIGN.c.id)
    )
    if campaign_id is not None:
        statement = statement.where(_CAMPAIGN.c.id == campaign_id)
    return list(connection.execute(statement))


def _campaign_out(row: Any) -> CampaignOut:
    return CampaignOut.model_validate(row, from_attributes=True)


def list_campaigns(context: AppContext) -> CampaignList:
    with context.engine.connect() as connection:
        return CampaignList(campaigns=[_campaign_out(row) for row in _campaign_rows(connection)])


def _one_campaign(connection: sa.Connection, campaign_id: int) -> Any:
    rows = _campaign_rows(connection, campaign_id)
    if not rows:
        raise NotFound(campaign_id)
    return rows[0]


def campaign_invitations(context: AppContext, campaign_id: int) -> InvitationList:
    """Per-person statuses of a named campaign; only counts for an anonymous one."""
    with context.engine.connect() as connection:
        campaign = _one_campaign(connection, campaign_id)
        rows = connection.execute(
            sa.select(
                _INVITATION.c.person_id,
                _PERSON.c.external_id,
                _INVITATION.c.status,
                _INVITATION.c.sent_at,
                _INVITATION.c.completed_at,
            )
            .select_from(_INVITATION.outerjoin(_PERSON, _PERSON.c.id == _INVITATION.c.person_id))
            .where(_INVITATION.c.campaign_id == campaign_id)
            .order_by(_INVITATION.c.id)
        ).all()
    counts = dict.fromkeys(INVITATION_STATUSES, 0)
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    anonymous = bool(campaign.anonymous)
    invitations = (
        []
        if anonymous
        else [
            InvitationOut(
                person_id=row.person_id,
                person_external_id=row.external_id,
                status=row.status,
                sent_at=row.sent_at,
                completed_at=row.completed_at,
            )
            for row in rows
        ]
    )
    return InvitationList(
        campaign_id=campaign_id, anonymous=anonymous, counts=counts, invitations=invitations
    )


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    number = float(value)
    return None if math.isnan(number) else round(number, 4)


def results(context: AppContext, scope: str, key: str, language: str) -> ResultsOut:
    """Per-question scores of a survey (its id), a campaign (its id) or a session (its
    external id), with small groups protected."""
    frames = load_frames(engine=context.engine)
    answers = frames.answers
    threshold = small_group_min(engine=context.engine, settings=context.settings)
    with context.engine.connect() as connection:
        mask = _scope_mask(connection, answers, scope, key)
    chosen = answers[mask].reset_index(drop=True)
    table = metrics.question_scores(chosen, small_group_min=threshold, by=())
    wording = "question_en" if language == "en" else "question_fr"
    questions = [
        QuestionResult(
            question_id=str(row["question_id"]),
            theme=str(row["theme"]),
            question=str(row.get(wording) or row.get("question_fr") or ""),
            n=int(row["n"]),
            respondents=int(row["respondents"]),
            mean=_number(row["mean"]),
            top2=_number(row["top2"]),
            ci_low=_number(row["ci_low"]),
            ci_high=_number(row["ci_high"]),
            protected=bool(row["protected"]),
        )
        for row in table.to_dict(orient="records")
    ]
    return ResultsOut(
        scope=scope,  # type: ignore[arg-type]
        id=key,
        small_group_min=threshold,
        respondents=int(chosen["response_id"].nunique()) if len(chosen) else 0,
        questions=questions,
    )


def _scope_mask(
    connection: sa.Connection, answers: pd.DataFrame, scope: str, key: str
) -> pd.Series:
    if scope == "session":
        found = connection.execute(
            sa.select(_SESSION.c.id).where(_SESSION.c.external_id == key)
        ).scalar()
        if found is None:
            raise NotFound(key)
        return answers["session_id"].astype("Int64") == found
    number = int(key)
    if scope == "campaign":
        _one_campaign(connection, number)
        return answers["campaign_id"] == number
    versions = list(
        connection.execute(sa.select(_VERSION.c.id).where(_VERSION.c.survey_id == number)).scalars()
    )
    survey = Survey.__table__  # type: ignore[attr-defined]
    if connection.execute(sa.select(survey.c.id).where(survey.c.id == number)).first() is None:
        raise NotFound(key)
    return answers["survey_version_id"].isin(versions)


def campaign_responses(context: AppContext, campaign_id: int) -> ResponseList:
    """The responses of a named campaign, with who answered and what."""
    response, named, answer = Response.__table__, NamedResponse.__table__, Answer.__table__
    with context.engine.connect() as connection:
        campaign = _one_campaign(connection, campaign_id)
        if campaign.anonymous:
            raise AnonymousSurvey(campaign_id)
        heads = connection.execute(
            sa.select(
                response.c.id,
                response.c.submitted_on,
                response.c.language,
                named.c.person_id,
                _PERSON.c.external_id,
            )
            .select_from(
                response.join(named, named.c.response_id == response.c.id).outerjoin(
                    _PERSON, _PERSON.c.id == named.c.person_id
                )
            )
            .where(response.c.campaign_id == campaign_id, response.c.anonymous.is_(False))
            .order_by(response.c.submitted_on, response.c.id)
        ).all()
        by_response: dict[str, list[AnswerOut]] = {row.id: [] for row in heads}
        for row in connection.execute(
            sa.select(answer.c.response_id, answer.c.question_id, answer.c.number, answer.c.text)
            .join(response, response.c.id == answer.c.response_id)
            .where(response.c.campaign_id == campaign_id)
            .order_by(answer.c.id)
        ):
            if row.response_id in by_response:
                by_response[row.response_id].append(
                    AnswerOut(question_id=row.question_id, number=row.number, text=row.text)
                )
    return ResponseList(
        campaign_id=campaign_id,
        responses=[
            ResponseOut(
                response_id=row.id,
                person_id=row.person_id,
                person_external_id=row.external_id,
                submitted_on=row.submitted_on,
                language=row.language,
                answers=by_response[row.id],
            )
            for row in heads
        ],
    )


def _day(value: Any) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    return value if isinstance(value, date) else None


def _text_or_none(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def coverage(context: AppContext, now: datetime) -> CoverageOut:
    """Indicator 30: each stakeholder type and each financer, last solicited and answered."""
    frames = load_frames(engine=context.engine)
    matrix = metrics.coverage(frames.solicitations, frames.financers, now=now)
    alerts = metrics.coverage_alerts(matrix, now=now)
    return CoverageOut(
        rows=[
            CoverageRow(
                stakeholder_type=str(row["stakeholder_type"]),
                financer=_text_or_none(row["financer"]),
                last_solicited=_day(row["last_solicited"]),
                last_answered=_day(row["last_answered"]),
                solicited=int(row["solicited"]),
                answered=int(row["answered"]),
            )
            for row in matrix.to_dict(orient="records")
        ],
        alerts=[
            CoverageAlert(
                kind=str(row["kind"]),
                stakeholder_type=str(row["stakeholder_type"]),
                financer=_text_or_none(row["financer"]),
                last_solicited=_day(row["last_solicited"]),
            )
            for row in alerts.to_dict(orient="records")
        ],
    )
