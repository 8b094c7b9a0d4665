"""The analysis frames, read from a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pandas as pd
import pytest
from sqlmodel import Session

from analysis import metrics
from analysis.frames import (
    ANSWER_COLUMNS,
    AnalysisFilters,
    apply_filters,
    filter_choices,
    load_frames,
    small_group_min,
)
from surveys.db import write_session
from surveys.models import (
    Answer,
    EvidenceNote,
    Invitation,
    NamedResponse,
    OrganisationSettings,
    Response,
    SurveyVersion,
)
from surveys.runtime import AppContext
from tests import factories

HOT_DAY = date(2026, 3, 10)
COLD_DAY = HOT_DAY + timedelta(days=92)  # 10 June
_tokens = count(1)


@dataclass
class Planted:
    learner_id: int
    trainer_ids: tuple[int, int]
    session_code: str


def _invite(session: Session, campaign_id: int, person_id: int, **fields: object) -> Invitation:
    number = next(_tokens)
    invitation = Invitation(
        campaign_id=campaign_id,
        person_id=person_id,
        token_hash=f"{number:064x}",
        token_salt=f"{number:032x}",
        **fields,
    )
    session.add(invitation)
    session.flush()
    return invitation


def _respond(
    session: Session,
    campaign,
    day: date,
    answers: dict[str, object],
    *,
    invitation: Invitation | None = None,
) -> Response:
    response = Response(
        campaign_id=campaign.id,
        survey_version_id=campaign.survey_version_id,
        anonymous=invitation is None,
        submitted_on=day,
    )
    session.add(response)
    session.flush()
    if invitation is not None:
        session.add(
            NamedResponse(
                response_id=response.id,
                invitation_id=invitation.id,
                person_id=invitation.person_id,
                submitted_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
            )
        )
    for question_id, value in answers.items():
        number, text = (value, None) if isinstance(value, int | float) else (None, value)
        session.add(
            Answer(response_id=response.id, question_id=question_id, number=number, text=text)
        )
    session.flush()
    return response


def _plant(session: Session) -> Planted:
    """One session with two trainers and a financer; a learner answers hot (named) and cold;
    an anonymous learner answers hot; a custom version renames a question's theme."""
    programme = factories.programme(session, code="WEB")
    training = factories.training_session(
        session, programme_id=programme.id, code="WEB-1", modality="remote", end_date=HOT_DAY
    )
    trainers = (
        factories.person(session, "trainer", first_name="Claire", last_name="Moreau"),
        factories.person(session, "trainer", first_name="Bruno", last_name="Lefèvre"),
    )
    financer = factories.person(session, "financer", organisation="OPCO Test")
    factories.person(session, "financer", organisation="Région Test")  # never solicited
    learner = factories.person(session, "learner")
    quiet = factories.person(session, "learner")
    for person, role in (
        (trainers[0], "trainer"),
        (trainers[1], "trainer"),
        (financer, "financer"),
        (learner, "learner"),
        (quiet, "learner"),
    ):
        factories.enrol(session, person.id, training.id, role)
    hot, cold = (
        factories.campaign(
            session,
            factories.published_version(session, f"learner_{timing}"),
            session_id=training.id,
            timing=timing,
            scheduled_at=scheduled,
        )
        for timing, scheduled in (
            ("hot", datetime(2026, 3, 10, 16, tzinfo=UTC)),
            ("cold", datetime(2026, 6, 10, 8, tzinfo=UTC)),
        )
    )
    sent = datetime(2026, 3, 10, 16, tzinfo=UTC)
    named = _invite(
        session,
        hot.id,
        learner.id,
        status="completed",
        sent_at=sent,
        reminder_count=1,
        completed_at=sent + timedelta(days=1),
    )
    _invite(session, hot.id, quiet.id, status="sent", sent_at=sent, reminder_count=2)
    _invite(session, hot.id, factories.person(session, "learner").id, status="pending")
    _respond(
        session,
        hot,
        HOT_DAY,
        {"overall-satisfaction": 5, "free-improvements": "Bien"},
        invitation=named,
    )
    _respond(session, hot, HOT_DAY, {"overall-satisfaction": 3, "free-improvements": "Moyen"})
    cold_invitation = _invite(
        session,
        cold.id,
        learner.id,
        status="completed",
        sent_at=sent + timedelta(days=92),
        completed_at=sent + timedelta(days=93),
    )
    _respond(session, cold, COLD_DAY, {"overall-satisfaction": 2}, invitation=cold_invitation)
    session.add(
        EvidenceNote(
            stakeholder_type="financer",
            person_id=financer.id,
            occurred_on=date(2026, 4, 2),
            summary="Webinaire OPCO",
        )
    )
    session.flush()
    return Planted(learner.id, (trainers[0].id, trainers[1].id), training.code)


@pytest.fixture
def planted(context: AppContext) -> Planted:
    with write_session(context.engine) as session:
        return _plant(session)


def test_the_answer_frame_joins_every_dimension_the_dashboard_uses(
    context: AppContext, planted: Planted
) -> None:
    answers = load_frames(engine=context.engine).answers
    assert list(answers.columns) == list(ANSWER_COLUMNS)
    assert len(answers) == 5
    scores = answers[answers["question_id"] == "overall-satisfaction"]
    assert set(scores["theme"]) == {"overall_satisfaction"}
    assert set(scores["type"]) == {"likert5"} and set(scores["bank"]) == {"overall_satisfaction"}
    assert set(scores["programme"]) == {"WEB"} and set(scores["session"]) == {"WEB-1"}
    assert set(scores["modality"]) == {"remote"} and set(scores["audience"]) == {"learner"}
    assert sorted(scores["timing"]) == ["cold", "hot", "hot"]
    assert set(answers["submitted_on"]) == {pd.Timestamp(HOT_DAY), pd.Timestamp(COLD_DAY)}
    texts = answers[answers["type"] == "text"]
    assert set(texts["text"]) == {"Bien", "Moyen"}


def test_only_named_answers_carry_their_respondent(context: AppContext, planted: Planted) -> None:
    answers = load_frames(engine=context.engine).answers
    named = answers[~answers["anonymous"]]
    anonymous = answers[answers["anonymous"]]
    assert set(named["person_id"]) == {planted.learner_id}
    assert anonymous["person_id"].isna().all() and len(anonymous) == 2


def test_question_metadata_comes_from_the_frozen_version_not_today_bank(
    context: AppContext, planted: Planted
) -> None:
    with write_session(context.engine) as session:
        hot = session.get(SurveyVersion, 1)
        definition = {
            **hot.definition,
            "sections": [
                {
                    **section,
                    "questions": [
                        {**question, "theme": "renamed_theme", "bank": None}
                        for question in section["questions"]
                    ],
                }
                for section in hot.definition["sections"]
            ],
        }
        version = SurveyVersion(survey_id=hot.survey_id, number=99, definition=definition)
        session.add(version)
        session.flush()
        campaign = factories.campaign(session, version, session_id=None, timing="hot")
        _respond(session, campaign, HOT_DAY, {"overall-satisfaction": 4})
        version_id = version.id
    answers = load_frames(engine=context.engine).answers
    mine = answers[answers["survey_version_id"] == version_id]
    assert list(mine["theme"]) == ["renamed_theme"] and list(mine["bank"]) == ["custom"]
    assert mine["session"].isna().all() and mine["programme"].isna().all()


def test_trainers_and_financers_of_a_session_sit_beside_the_answers(
    context: AppContext, planted: Planted
) -> None:
    people = load_frames(engine=context.engine).session_people
    trainers = people[people["role"] == "trainer"]
    assert sorted(trainers["name"]) == ["Bruno Lefèvre", "Claire Moreau"]
    assert list(people.loc[people["role"] == "financer", "name"]) == ["OPCO Test"]


def test_campaigns_count_invited_reminded_and_answered(
    context: AppContext, planted: Planted
) -> None:
    campaigns = load_frames(engine=context.engine).campaigns
    hot = campaigns[campaigns["timing"] == "hot"].iloc[0]
    # the pending invitation was never sent: not counted as invited
    assert (hot["invited"], hot["reminded"], hot["answered"]) == (2, 2, 1)
    assert hot["programme"] == "WEB" and hot["scheduled_on"] == pd.Timestamp("2026-03-10")


def test_solicitations_count_invitations_and_evidence_notes(
    context: AppContext, planted: Planted
) -> None:
    frames = load_frames(engine=context.engine)
    evidence = frames.solicitations[frames.solicitations["source"] == "evidence"].iloc[0]
    assert (evidence["stakeholder_type"], evidence["organisation"]) == ("financer", "OPCO Test")
    assert set(frames.financers["organisation"]) == {"OPCO Test", "Région Test"}
    matrix = metrics.coverage(frames.solicitations, frames.financers, now=date(2026, 7, 1))
    alerts = metrics.coverage_alerts(matrix, now=date(2026, 7, 1))
    assert set(
        zip(alerts["kind"], alerts["financer"].fillna(alerts["stakeholder_type"]), strict=True)
    ) == {
        ("financer_never_solicited", "Région Test"),
        ("type_not_solicited", "trainer"),
        ("type_not_solicited", "company"),
    }


def test_a_period_restricts_answers_in_the_query_and_campaigns_in_memory(
    context: AppContext, planted: Planted
) -> None:
    later = load_frames(engine=context.engine, start=date(2026, 4, 1))
    assert set(later.answers["timing"]) == {"cold"}
    frames = load_frames(engine=context.engine)
    spring = apply_filters(frames, AnalysisFilters(start=date(2026, 3, 1), end=date(2026, 3, 31)))
    assert set(spring.answers["timing"]) == {"hot"} and list(spring.campaigns["timing"]) == ["hot"]


@pytest.mark.parametrize(
    ("filters", "expected_answers"),
    [
        (AnalysisFilters(), 5),
        (AnalysisFilters(programmes=("WEB",)), 5),
        (AnalysisFilters(programmes=("OTHER",)), 0),
        (AnalysisFilters(modalities=("onsite",)), 0),
        (AnalysisFilters(timings=("cold",)), 1),
        (AnalysisFilters(audiences=("learner",)), 5),
        (AnalysisFilters(sessions=("WEB-1",), timings=("hot",)), 4),
    ],
)
def test_filters_keep_the_matching_answers(
    context: AppContext, planted: Planted, filters: AnalysisFilters, expected_answers: int
) -> None:
    frames = apply_filters(load_frames(engine=context.engine), filters)
    assert len(frames.answers) == expected_answers


def test_a_trainer_filter_keeps_the_sessions_of_that_trainer(
    context: AppContext, planted: Planted
) -> None:
    frames = load_frames(engine=context.engine)
    mine = apply_filters(frames, AnalysisFilters(trainers=(planted.trainer_ids[1],)))
    nobody = apply_filters(frames, AnalysisFilters(trainers=(999_999,)))
    assert len(mine.answers) == 5 and nobody.answers.empty and nobody.campaigns.empty
    choices = filter_choices(frames)
    assert sorted(name for _id, name in choices["trainers"]) == ["Bruno Lefèvre", "Claire Moreau"]
    assert choices["sessions"] == [("WEB-1", "WEB")]


def test_hot_and_cold_of_the_same_learner_pair_up_from_the_database(
    context: AppContext, planted: Planted
) -> None:
    answers = load_frames(engine=context.engine).answers
    row = metrics.hot_cold(answers, small_group_min=1).iloc[0]
    # the named learner: 5 hot, 2 cold; the anonymous hot answer belongs to the same session,
    # so that session is compared as a whole: hot (5 + 3) / 2 = 4 against cold 2
    assert (row["theme"], row["hot_mean"], row["cold_mean"]) == ("overall_satisfaction", 4.0, 2.0)


def test_an_empty_database_gives_empty_frames_with_their_columns(context: AppContext) -> None:
    frames = load_frames(engine=context.engine)
    assert frames.answers.empty and list(frames.answers.columns) == list(ANSWER_COLUMNS)
    assert frames.campaigns.empty and frames.solicitations.empty


def test_the_small_group_threshold_comes_from_the_organisation_first(
    context: AppContext,
) -> None:
    assert small_group_min(engine=context.engine, settings=context.settings) == 5
    with write_session(context.engine) as session:
        session.get(OrganisationSettings, 1).small_group_min = 8
    assert small_group_min(engine=context.engine, settings=context.settings) == 8
