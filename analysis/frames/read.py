"""Reading the database into small frames: the answer rows straight from the driver's cursor, and
the versions, campaigns, sessions, solicitations and financers beside them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from analysis.frames.columns import (
    answer_columns,
    driver_days,
    response_categories,
    sorted_categories,
)
from analysis.frames.model import (
    DROPOUT_TIMING,
    PARIS,
    QUESTION_COLUMNS,
    SOLICITED_STATUSES,
)
from surveys.config import Settings
from surveys.frozen import FrozenSurvey
from surveys.models import (
    Answer,
    Campaign,
    Enrolment,
    EvidenceNote,
    Invitation,
    NamedResponse,
    OrganisationSettings,
    Person,
    Programme,
    Response,
    RoomSeat,
    SurveyPlan,
    SurveyVersion,
    TrainingSession,
)


def _raw_rows(connection: sa.Connection, statement: sa.Executable) -> tuple[list[str], list]:
    """Rows straight from the driver's cursor: no per-row type processing (the frame converts
    whole columns at once, which is what keeps a million rows fast)."""
    result = connection.execute(statement)
    names = list(result.keys())
    return names, result.cursor.fetchall()


def _answer_statement(
    start: date | None, end: date | None, campaign_ids: Sequence[int] | None = None
) -> sa.Select:
    answer, response, named = Answer.__table__, Response.__table__, NamedResponse.__table__
    statement = sa.select(
        answer.c.response_id,
        answer.c.question_id,
        answer.c.number,
        answer.c.text,
        response.c.survey_version_id,
        response.c.campaign_id,
        response.c.submitted_on,
        response.c.anonymous,
        named.c.person_id,
    ).select_from(
        response.join(answer, answer.c.response_id == response.c.id).outerjoin(
            named, named.c.response_id == response.c.id
        )
    )
    if start is not None:
        statement = statement.where(response.c.submitted_on >= start)
    if end is not None:
        statement = statement.where(response.c.submitted_on <= end)
    if campaign_ids is not None:
        statement = statement.where(response.c.campaign_id.in_(sorted(campaign_ids)))
    return statement


def read_answers(
    connection: sa.Connection,
    start: date | None,
    end: date | None,
    campaign_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """The answer rows of the period (of those campaigns only, when given)."""
    names, rows = _raw_rows(connection, _answer_statement(start, end, campaign_ids))
    columns = answer_columns(names, rows)
    person = pd.to_numeric(pd.Series(columns["person_id"], dtype=object)).astype("Int64")
    return pd.DataFrame(
        {
            "response_id": response_categories(columns["response_id"]),
            "question_id": sorted_categories(columns["question_id"]),
            "number": pd.to_numeric(
                pd.Series(columns["number"], dtype=object), errors="coerce"
            ).astype(float),
            "text": pd.Series(columns["text"], dtype=object),
            "survey_version_id": columns["survey_version_id"].astype(np.int64),
            "campaign_id": columns["campaign_id"].astype(np.int64),
            "submitted_on": driver_days(columns["submitted_on"]),
            "anonymous": columns["anonymous"].astype(bool),
            "person_id": person,
        }
    )


def question_rows(version_id: int, definition: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """The metadata of each question of a frozen version (its definition, not today's bank)."""
    for order, question in enumerate(FrozenSurvey(definition).questions()):
        text = question.get("text") or {}
        yield {
            "survey_version_id": version_id,
            "question_id": question["id"],
            "bank": question.get("bank") or "custom",
            "theme": question.get("theme", ""),
            "type": question.get("type", ""),
            "scale": question.get("scale") or "",
            "question_fr": text.get("fr", question["id"]),
            "question_en": text.get("en") or text.get("fr", question["id"]),
            "question_order": order,
        }


def read_questions(connection: sa.Connection) -> pd.DataFrame:
    version = SurveyVersion.__table__
    rows = [
        row
        for version_id, definition in connection.execute(
            sa.select(version.c.id, version.c.definition)
        )
        for row in question_rows(version_id, definition or {})
    ]
    return pd.DataFrame(rows, columns=["survey_version_id", "question_id", *QUESTION_COLUMNS])


def _is_seat(invitation: sa.Table) -> sa.ColumnElement[bool]:
    seat = RoomSeat.__table__  # type: ignore[attr-defined]
    return sa.exists().where(seat.c.invitation_id == invitation.c.id)


def _analysis_timing(campaign: sa.Table, plan: sa.Table) -> sa.ColumnElement[str]:
    """The campaign's timing, "dropout" for the dropout survey (a plan sent only to those who
    dropped out): its rate and answers are shown apart, never mixed with the hot survey's."""
    return sa.case(
        (plan.c.enrolment_scope == "dropped_out", sa.literal(DROPOUT_TIMING)),
        else_=campaign.c.timing,
    ).label("timing")


def read_campaigns(
    connection: sa.Connection, campaign_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Every campaign (those of `campaign_ids` only, when given) with its counts."""
    campaign, session = Campaign.__table__, TrainingSession.__table__
    programme, invitation = Programme.__table__, Invitation.__table__
    plan = SurveyPlan.__table__
    # Seats of a session link (anonymous answers in the room) count as answers, not as people
    # asked: the people asked are the learners' own invitations. A room answer cannot be tied
    # to its person, so a learner who answered in the room and again through their emailed link
    # is two responses (`responses`); `answered` counts at most one per person asked, so a
    # rate never exceeds 100 % (`room_answers`: how many of the responses came from the room).
    solicited = invitation.c.status.in_(SOLICITED_STATUSES) & ~_is_seat(invitation)
    ids = None if campaign_ids is None else sorted(campaign_ids)
    counts = (
        sa.select(
            invitation.c.campaign_id,
            sa.func.sum(sa.case((solicited, 1), else_=0)).label("invited"),
            sa.func.sum(sa.case((solicited & (invitation.c.reminder_count > 0), 1), else_=0)).label(
                "reminded"
            ),
            sa.func.sum(sa.case((invitation.c.status == "completed", 1), else_=0)).label(
                "answered"
            ),
            sa.func.sum(
                sa.case(((invitation.c.status == "completed") & _is_seat(invitation), 1), else_=0)
            ).label("room_answers"),
        )
        .where(sa.true() if ids is None else invitation.c.campaign_id.in_(ids))
        .group_by(invitation.c.campaign_id)
        .subquery()
    )
    statement = (
        sa.select(
            campaign.c.id.label("campaign_id"),
            campaign.c.label,
            campaign.c.audience,
            _analysis_timing(campaign, plan),
            campaign.c.scheduled_at,
            campaign.c.session_id,
            session.c.code.label("session"),
            session.c.modality,
            session.c.end_date,
            programme.c.code.label("programme"),
            programme.c.name.label("programme_name"),
            sa.func.coalesce(counts.c.invited, 0).label("invited"),
            sa.func.coalesce(counts.c.reminded, 0).label("reminded"),
            sa.func.coalesce(counts.c.answered, 0).label("answered"),
            sa.func.coalesce(counts.c.room_answers, 0).label("room_answers"),
        )
        .select_from(
            campaign.outerjoin(session, session.c.id == campaign.c.session_id)
            .outerjoin(plan, plan.c.id == campaign.c.plan_id)
            .outerjoin(programme, programme.c.id == session.c.programme_id)
            .outerjoin(counts, counts.c.campaign_id == campaign.c.id)
        )
        .where(sa.true() if ids is None else campaign.c.id.in_(ids))
        .order_by(campaign.c.id)
    )
    frame = read_frame(connection, statement)
    for column in ("invited", "reminded", "answered", "room_answers"):
        frame[column] = frame[column].astype(np.int64)
    frame["responses"] = frame["answered"]
    frame["answered"] = np.minimum(frame["answered"], frame["invited"])
    frame["session_id"] = frame["session_id"].astype("Int64")
    frame["scheduled_at"] = pd.to_datetime(frame["scheduled_at"], utc=True)
    frame["scheduled_on"] = (
        frame["scheduled_at"].dt.tz_convert(PARIS).dt.tz_localize(None).dt.normalize()
    )
    return frame


def read_frame(connection: sa.Connection, statement: sa.Select) -> pd.DataFrame:
    """The rows of `statement` (typed by SQLAlchemy), its columns named as the statement
    names them. Given as plain tuples: a frame built from SQLAlchemy's rows asks each row for
    attributes it lacks (two failed lookups per row: 0.18 s for the demo's 25,000 enrolments,
    paid again at each new data version, so while mail goes out)."""
    result = connection.execute(statement)
    return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))


def read_session_people(connection: sa.Connection) -> pd.DataFrame:
    enrolment, person = Enrolment.__table__, Person.__table__
    statement = (
        sa.select(
            enrolment.c.session_id,
            enrolment.c.role,
            person.c.id.label("person_id"),
            person.c.first_name,
            person.c.last_name,
            person.c.email,
            person.c.organisation,
        )
        .join(person, person.c.id == enrolment.c.person_id)
        .where(enrolment.c.role.in_(("trainer", "financer")))
        .order_by(enrolment.c.session_id, enrolment.c.role, person.c.id)
    )
    frame = read_frame(connection, statement)
    frame["name"] = _person_names(frame)
    return frame.drop(columns=["first_name", "last_name"])


def _person_names(frame: pd.DataFrame) -> pd.Series:
    names = (frame["first_name"].fillna("") + " " + frame["last_name"].fillna("")).str.strip()
    financer = frame.get("role", pd.Series("", index=frame.index)) == "financer"
    return names.where(~financer | (frame["organisation"].fillna("") == ""), frame["organisation"])


def read_solicitations(connection: sa.Connection) -> pd.DataFrame:
    """Invitations counted per campaign (and per organisation for financers, who are followed
    one by one), plus the notes of evidence."""
    invitation, campaign, person = Invitation.__table__, Campaign.__table__, Person.__table__
    note = EvidenceNote.__table__
    # A financer's organisation (financers are followed one by one); looked up for their
    # invitations only, not joined for every learner's.
    organisation = sa.case(
        (
            campaign.c.audience == "financer",
            sa.select(person.c.organisation)
            .where(person.c.id == invitation.c.person_id)
            .scalar_subquery(),
        ),
        else_="",
    ).label("organisation")
    invited = (
        sa.select(
            campaign.c.audience.label("stakeholder_type"),
            organisation,
            sa.func.count().label("solicited"),
            sa.func.count(invitation.c.completed_at).label("answered"),
            sa.func.max(sa.func.coalesce(invitation.c.sent_at, campaign.c.scheduled_at)).label(
                "solicited_at"
            ),
            sa.func.max(invitation.c.completed_at).label("answered_at"),
        )
        .join(campaign, campaign.c.id == invitation.c.campaign_id)
        .where(invitation.c.status.in_(SOLICITED_STATUSES), ~_is_seat(invitation))
        .group_by(invitation.c.campaign_id, campaign.c.audience, organisation)
    )
    invitations = read_frame(connection, invited)
    noted = sa.select(
        note.c.stakeholder_type,
        sa.func.coalesce(sa.func.nullif(note.c.organisation, ""), person.c.organisation, "").label(
            "organisation"
        ),
        note.c.occurred_on,
    ).outerjoin(person, person.c.id == note.c.person_id)
    evidence = read_frame(connection, noted)
    return _solicitation_frame(invitations, evidence)


def _paris_days(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values, utc=True)
    return stamps.dt.tz_convert(PARIS).dt.tz_localize(None).dt.normalize()


def _solicitation_frame(invitations: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """Rows of (stakeholder type, organisation, day, solicited, answered). A note of evidence
    (a meeting, a webinar) is a solicitation whose appreciation was gathered on the spot, so it
    counts as answered the same day."""
    from_invitations = pd.DataFrame(
        {
            "stakeholder_type": invitations["stakeholder_type"].astype(object),
            "organisation": invitations["organisation"].fillna("").astype(object),
            "solicited_on": _paris_days(invitations["solicited_at"]),
            "answered_on": _paris_days(invitations["answered_at"]),
            "solicited": invitations["solicited"].astype(np.int64),
            "answered": invitations["answered"].astype(np.int64),
            "source": "survey",
        }
    )
    noted = pd.to_datetime(evidence["occurred_on"])
    from_evidence = pd.DataFrame(
        {
            "stakeholder_type": evidence["stakeholder_type"].astype(object),
            "organisation": evidence["organisation"].fillna("").astype(object),
            "solicited_on": noted,
            "answered_on": noted,
            "solicited": np.ones(len(evidence), dtype=np.int64),
            "answered": np.ones(len(evidence), dtype=np.int64),
            "source": "evidence",
        }
    )
    parts = [part for part in (from_invitations, from_evidence) if len(part)]
    if not parts:
        return from_invitations
    return pd.concat(parts, ignore_index=True)


def read_financers(connection: sa.Connection) -> pd.DataFrame:
    person = Person.__table__
    rows = connection.execute(
        sa.select(person.c.id, person.c.organisation, person.c.first_name, person.c.last_name)
        .where(person.c.stakeholder_type == "financer", person.c.erased_at.is_(None))
        .order_by(person.c.organisation, person.c.id)
    ).all()
    frame = pd.DataFrame(rows, columns=["person_id", "organisation", "first_name", "last_name"])
    fallback = (frame["first_name"] + " " + frame["last_name"]).str.strip()
    frame["organisation"] = frame["organisation"].where(frame["organisation"] != "", fallback)
    return frame[["person_id", "organisation"]]


def load_respondent_names(*, engine: sa.Engine, person_ids: Iterable[int]) -> dict[int, str]:
    """Names of named respondents (for the verbatim browser; anonymous answers have none)."""
    wanted = sorted({int(value) for value in person_ids})
    if not wanted:
        return {}
    person = Person.__table__
    names: dict[int, str] = {}
    with engine.connect() as connection:
        for offset in range(0, len(wanted), 500):
            chunk = wanted[offset : offset + 500]
            for person_id, first, last in connection.execute(
                sa.select(person.c.id, person.c.first_name, person.c.last_name).where(
                    person.c.id.in_(chunk)
                )
            ):
                names[person_id] = f"{first} {last}".strip()
    return names


def small_group_min(*, engine: sa.Engine, settings: Settings) -> int:
    """The organisation's own threshold when set (admins change it in the browser), else the
    SMALL_GROUP_MIN setting."""
    with engine.connect() as connection:
        value = connection.execute(
            sa.select(OrganisationSettings.__table__.c.small_group_min).where(
                OrganisationSettings.__table__.c.id == 1
            )
        ).scalar()
    return int(value) if value else settings.small_group_min
