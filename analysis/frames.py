"""The analysis frames: the only module of `analysis` that reads the database.

`load_frames` returns pandas frames that the pure functions of `analysis.metrics` take:

- `answers`: the tidy frame, one row per answer (a multi-choice answer is one row per option),
  with the question's metadata as frozen in its survey version (bank, theme, type, scale,
  wording), the campaign's audience and timing, the session, programme and modality, and the
  day of the response (`submitted_on`, a Paris calendar day: the respondent side stores it so,
  and anonymous responses keep nothing finer). `person_id` is set only for named responses.
- `session_people`: the trainers and financers of each session (Enrolment roles). A session may
  have several of each, so they are kept out of `answers` (which would otherwise repeat every
  answer once per trainer) and joined by `session_id` where a metric groups by trainer or
  financer: an answer then counts for every trainer of its session.
- `campaigns`: one row per campaign with its invitation counts (invited, reminded, answered)
  for response rates.
- `solicitations`: who was solicited when, for the indicator 30 coverage matrix: sent
  invitations counted per campaign (and per organisation for financers, who are followed one
  by one), plus one row per EvidenceNote (a financer webinar or meeting attended counts as a
  solicitation whose appreciation was gathered on the spot).
- `financers`: every financer organisation known, so a financer never solicited still shows.

How it is read: the answer rows (the only part that grows with the answers) come from one SQL
statement joining answer, response and named_response, read through the driver's cursor
without per-row processing. Everything else is small (versions, campaigns, sessions: hundreds
of rows) and is joined in memory through integer positions and categorical codes. Letting the
database repeat the programme, session and wording strings a million times was measured 1.7
times slower on 1M answers when this module was written (benchmarks/analysis_bench.py keeps
timing the chosen way against a raw read of the same rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import sqlalchemy as sa

from surveys.config import DISPLAY_TIMEZONE, Settings
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
    SurveyVersion,
    TrainingSession,
)

PARIS = DISPLAY_TIMEZONE
# Invitations in these states were really addressed to somebody (a pending one was not yet).
SOLICITED_STATUSES = ("sent", "completed", "opted_out", "bounced", "failed")
CATEGORY_COLUMNS = (
    "question_id",
    "bank",
    "theme",
    "type",
    "scale",
    "audience",
    "timing",
    "programme",
    "programme_name",
    "session",
    "modality",
    "question_fr",
    "question_en",
)
ANSWER_COLUMNS = (
    "response_id",
    "question_id",
    "number",
    "text",
    "survey_version_id",
    "campaign_id",
    "submitted_on",
    "anonymous",
    "person_id",
    "bank",
    "theme",
    "type",
    "scale",
    "question_fr",
    "question_en",
    "question_order",
    "audience",
    "timing",
    "session_id",
    "session",
    "programme",
    "programme_name",
    "modality",
)
QUESTION_COLUMNS = (
    "bank",
    "theme",
    "type",
    "scale",
    "question_fr",
    "question_en",
    "question_order",
)
CAMPAIGN_COLUMNS = (
    "audience",
    "timing",
    "session_id",
    "session",
    "programme",
    "programme_name",
    "modality",
)


@dataclass(frozen=True)
class AnalysisFrames:
    answers: pd.DataFrame
    session_people: pd.DataFrame
    campaigns: pd.DataFrame
    solicitations: pd.DataFrame
    financers: pd.DataFrame


@dataclass(frozen=True)
class AnalysisFilters:
    """What the dashboard filters on; None (or empty) means everything."""

    start: date | None = None
    end: date | None = None
    programmes: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()
    trainers: tuple[int, ...] = ()  # person ids
    modalities: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    timings: tuple[str, ...] = ()


# --- reading ------------------------------------------------------------------------------


def _raw_rows(connection: sa.Connection, statement: sa.Executable) -> tuple[list[str], list]:
    """Rows straight from the driver's cursor: no per-row type processing (the frame converts
    whole columns at once, which is what keeps a million rows fast)."""
    result = connection.execute(statement)
    names = list(result.keys())
    return names, result.cursor.fetchall()


def _answer_statement(start: date | None, end: date | None) -> sa.Select:
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
    return statement


def _days(values: Sequence[Any] | np.ndarray) -> pd.Series:
    """Dates from a driver column (strings on SQLite, date objects elsewhere), parsed once per
    distinct value."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    parsed = pd.to_datetime(
        pd.Series(uniques, dtype=object).astype(str).str[:10], format="%Y-%m-%d"
    )
    result = pd.Series(parsed.to_numpy().take(codes, mode="clip"), dtype="datetime64[ns]")
    return result.where(codes >= 0)


def _answer_columns(names: list[str], rows: list) -> dict[str, Any]:
    if not rows:
        return {name: np.array([], dtype=object) for name in names}
    matrix = np.array(rows, dtype=object)
    return {name: matrix[:, index] for index, name in enumerate(names)}


def _sorted_categories(values: np.ndarray) -> pd.Categorical:
    """Strings as a categorical with sorted categories (pyarrow's dictionary encoding hashes a
    million strings faster than pandas)."""
    if len(values) == 0:
        return pd.Categorical(np.array([], dtype=object))
    encoded = pa.array(values, type=pa.string()).dictionary_encode()
    names = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    order = np.argsort(names)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return pd.Categorical.from_codes(rank[indices], categories=pd.Index(names[order]))


def _response_categories(values: np.ndarray) -> pd.Categorical:
    """Response ids as a categorical. The query reads a response's answers together, so runs
    of equal ids number the responses without hashing; if an id turns up in two runs (another
    query plan), the general encoding is used."""
    if len(values) == 0:
        return pd.Categorical(np.array([], dtype=object))
    starts = np.empty(len(values), dtype=bool)
    starts[0] = True
    starts[1:] = values[1:] != values[:-1]
    runs = values[starts]
    if len(set(runs)) != len(runs):
        return _sorted_categories(values)
    return pd.Categorical.from_codes(np.cumsum(starts) - 1, categories=pd.Index(runs))


def _read_answers(connection: sa.Connection, start: date | None, end: date | None) -> pd.DataFrame:
    names, rows = _raw_rows(connection, _answer_statement(start, end))
    columns = _answer_columns(names, rows)
    person = pd.to_numeric(pd.Series(columns["person_id"], dtype=object)).astype("Int64")
    return pd.DataFrame(
        {
            "response_id": _response_categories(columns["response_id"]),
            "question_id": _sorted_categories(columns["question_id"]),
            "number": pd.to_numeric(
                pd.Series(columns["number"], dtype=object), errors="coerce"
            ).astype(float),
            "text": pd.Series(columns["text"], dtype=object),
            "survey_version_id": columns["survey_version_id"].astype(np.int64),
            "campaign_id": columns["campaign_id"].astype(np.int64),
            "submitted_on": _days(columns["submitted_on"]),
            "anonymous": columns["anonymous"].astype(bool),
            "person_id": person,
        }
    )


def question_rows(version_id: int, definition: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """The metadata of each question of a frozen version (its definition, not today's bank)."""
    order = 0
    for section in definition.get("sections", []):
        for question in section.get("questions", []):
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
            order += 1


def _read_questions(connection: sa.Connection) -> pd.DataFrame:
    version = SurveyVersion.__table__
    rows = [
        row
        for version_id, definition in connection.execute(
            sa.select(version.c.id, version.c.definition)
        )
        for row in question_rows(version_id, definition or {})
    ]
    return pd.DataFrame(rows, columns=["survey_version_id", "question_id", *QUESTION_COLUMNS])


def _read_campaigns(connection: sa.Connection) -> pd.DataFrame:
    campaign, session = Campaign.__table__, TrainingSession.__table__
    programme, invitation = Programme.__table__, Invitation.__table__
    solicited = invitation.c.status.in_(SOLICITED_STATUSES)
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
        )
        .group_by(invitation.c.campaign_id)
        .subquery()
    )
    statement = (
        sa.select(
            campaign.c.id.label("campaign_id"),
            campaign.c.label,
            campaign.c.audience,
            campaign.c.timing,
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
        )
        .select_from(
            campaign.outerjoin(session, session.c.id == campaign.c.session_id)
            .outerjoin(programme, programme.c.id == session.c.programme_id)
            .outerjoin(counts, counts.c.campaign_id == campaign.c.id)
        )
        .order_by(campaign.c.id)
    )
    frame = pd.DataFrame(
        connection.execute(statement).mappings().all(),
        columns=list(statement.selected_columns.keys()),
    )
    for column in ("invited", "reminded", "answered"):
        frame[column] = frame[column].astype(np.int64)
    frame["session_id"] = frame["session_id"].astype("Int64")
    frame["scheduled_at"] = pd.to_datetime(frame["scheduled_at"], utc=True)
    frame["scheduled_on"] = (
        frame["scheduled_at"].dt.tz_convert(PARIS).dt.tz_localize(None).dt.normalize()
    )
    return frame


def _read_session_people(connection: sa.Connection) -> pd.DataFrame:
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
    frame = pd.DataFrame(
        connection.execute(statement).all(),
        columns=[
            "session_id",
            "role",
            "person_id",
            "first_name",
            "last_name",
            "email",
            "organisation",
        ],
    )
    frame["name"] = _person_names(frame)
    return frame.drop(columns=["first_name", "last_name"])


def _person_names(frame: pd.DataFrame) -> pd.Series:
    names = (frame["first_name"].fillna("") + " " + frame["last_name"].fillna("")).str.strip()
    financer = frame.get("role", pd.Series("", index=frame.index)) == "financer"
    return names.where(~financer | (frame["organisation"].fillna("") == ""), frame["organisation"])


def _read_solicitations(connection: sa.Connection) -> pd.DataFrame:
    """Invitations counted per campaign (and per organisation for financers, who are followed
    one by one), plus the notes of evidence."""
    invitation, campaign, person = Invitation.__table__, Campaign.__table__, Person.__table__
    note = EvidenceNote.__table__
    organisation = sa.case((campaign.c.audience == "financer", person.c.organisation), else_="")
    invited = (
        sa.select(
            campaign.c.audience,
            organisation.label("organisation"),
            sa.func.count().label("solicited"),
            sa.func.count(invitation.c.completed_at),
            sa.func.max(sa.func.coalesce(invitation.c.sent_at, campaign.c.scheduled_at)),
            sa.func.max(invitation.c.completed_at),
        )
        .join(campaign, campaign.c.id == invitation.c.campaign_id)
        .outerjoin(person, person.c.id == invitation.c.person_id)
        .where(invitation.c.status.in_(SOLICITED_STATUSES))
        .group_by(invitation.c.campaign_id, campaign.c.audience, organisation)
    )
    invitations = pd.DataFrame(
        connection.execute(invited).all(),
        columns=[
            "stakeholder_type",
            "organisation",
            "solicited",
            "answered",
            "solicited_at",
            "answered_at",
        ],
    )
    evidence = pd.DataFrame(
        connection.execute(
            sa.select(
                note.c.stakeholder_type,
                sa.func.coalesce(
                    sa.func.nullif(note.c.organisation, ""), person.c.organisation, ""
                ),
                note.c.occurred_on,
            ).outerjoin(person, person.c.id == note.c.person_id)
        ).all(),
        columns=["stakeholder_type", "organisation", "occurred_on"],
    )
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


def _read_financers(connection: sa.Connection) -> pd.DataFrame:
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


# --- joining in memory ----------------------------------------------------------------------


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


def load_frames(
    *, engine: sa.Engine, start: date | None = None, end: date | None = None
) -> AnalysisFrames:
    """Everything the dashboard, the summary and the suggestions compute from, for responses
    submitted between `start` and `end` (Paris days, inclusive; None = unbounded)."""
    with engine.connect() as connection:
        answers = _read_answers(connection, start, end)
        questions = _read_questions(connection)
        campaigns = _read_campaigns(connection)
        session_people = _read_session_people(connection)
        solicitations = _read_solicitations(connection)
        financers = _read_financers(connection)
    return AnalysisFrames(
        answers=build_answer_frame(answers, questions, campaigns),
        session_people=session_people,
        campaigns=campaigns,
        solicitations=solicitations,
        financers=financers,
    )


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


# --- filtering (pure) -------------------------------------------------------------------------


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


def _within(days: pd.Series, start: date | None, end: date | None) -> pd.Series:
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
    keep &= _within(answers["submitted_on"], filters.start, filters.end)
    campaigns = frames.campaigns
    keep_campaigns = _filter_dimensions(campaigns, filters, by_trainer)
    keep_campaigns &= _within(campaigns["scheduled_on"], filters.start, filters.end)
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
    return now.astimezone(PARIS).date()
