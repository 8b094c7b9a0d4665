"""The whole improvement loop, end to end on a real database: a learner's free-text answer
reads as a complaint, goes to the register, is acknowledged, answered and closed, becomes an
improvement action, the action is done, and the platform shows the theme's score before and
after that day, with n (effectiveness checked, not assumed)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from analysis.effects import action_effects
from analysis.evidence import collect_evidence, render_evidence_html
from analysis.frames import load_frames
from analysis.register import actions_frame
from analysis.text import free_text_answers, register_candidates, tag_comments
from surveys.db import read_session, write_session
from surveys.improvement.actions import (
    action_from_complaint,
    list_actions,
)
from surveys.improvement.complaints import (
    acknowledge_complaint,
    answer_complaint,
    close_complaint,
    record_complaint_from_answer,
    recorded_response_ids,
)
from surveys.models import Answer, Response
from surveys.runtime import AppContext
from tests import factories

COMPLAINT = "Impossible de joindre la hotline, personne n'a répondu à mes mails."
SUPPORT_QUESTIONS = ("support-responsiveness", "support-bug-resolution-ease")
DONE_ON = date(2026, 4, 15)


def _respond(session, campaign, day: date, support: int, text: str | None = None) -> Response:
    response = Response(
        campaign_id=campaign.id, survey_version_id=campaign.survey_version_id, submitted_on=day
    )
    session.add(response)
    session.flush()
    for question_id in SUPPORT_QUESTIONS:
        session.add(Answer(response_id=response.id, question_id=question_id, number=support))
    session.add(Answer(response_id=response.id, question_id="overall-satisfaction", number=4))
    if text:
        session.add(
            Answer(response_id=response.id, question_id="free-difficulty-report", text=text)
        )
    session.flush()
    return response


def _surveyed(context: AppContext) -> None:
    """Eight learners unhappy with support before the action, eight happier after it."""
    with write_session(context.engine) as session:
        course = factories.training_session(session, end_date=date(2026, 3, 10))
        campaign = factories.campaign(
            session, session_id=course.id, scheduled_at=datetime(2026, 3, 10, 16, tzinfo=UTC)
        )
        for index, support in enumerate((2, 2, 3, 2, 1, 2, 3, 2)):
            _respond(
                session, campaign, date(2026, 3, 11), support, COMPLAINT if index == 0 else None
            )
        for support in (4, 4, 5, 4, 3, 4, 5, 4):
            _respond(session, campaign, date(2026, 6, 2), support)


def _through_the_register(context: AppContext, candidate: dict, now: datetime) -> int:
    """The offered comment recorded, acknowledged, answered and closed: its complaint's id."""
    with write_session(context.engine) as session:
        complaint = record_complaint_from_answer(
            session=session,
            response_id=candidate["response_id"],
            text=candidate["text"],
            theme=candidate["theme"],
            actor="qualite@example.org",
            now=now,
        )
        acknowledge_complaint(session=session, complaint_id=complaint.id, actor="q", now=now)
        answer_complaint(
            session=session,
            complaint_id=complaint.id,
            actor="q",
            answer="Numéro direct de l'assistance ajouté au LMS.",
            now=datetime(2026, 3, 16, 9, tzinfo=UTC),
        )
        close_complaint(
            session=session,
            complaint_id=complaint.id,
            actor="q",
            now=datetime(2026, 3, 20, 9, tzinfo=UTC),
        )
        complaint_id = complaint.id
    return complaint_id


def _done_action(context: AppContext, complaint_id: int) -> None:
    """An action from the complaint, in progress, then done on DONE_ON."""
    with write_session(context.engine) as session:
        action = action_from_complaint(
            session=session,
            complaint_id=complaint_id,
            owner="Quentin Qualité",
            due_on=date(2026, 5, 31),
            title="Créer une hotline joignable",
            actor="q",
            now=datetime(2026, 3, 25, 9, tzinfo=UTC),
        )
        factories.action_status(session, action, "in_progress", date(2026, 3, 25))
        factories.action_status(session, action, "done", date(2026, 4, 20), done_on=DONE_ON)


def test_a_complaint_flows_from_a_comment_to_a_done_action_with_its_measured_effect(
    context: AppContext,
) -> None:
    _surveyed(context)
    now = datetime(2026, 3, 12, 9, tzinfo=UTC)

    # 1. the comment reads as a complaint and is offered to the register, under its theme
    tagged = tag_comments(free_text_answers(load_frames(engine=context.engine).answers))
    with read_session(context.engine) as session:
        offered = register_candidates(tagged, recorded_response_ids(session=session))
    [candidate] = offered.to_dict("records")
    assert (candidate["text"], candidate["theme"]) == (COMPLAINT, "technical_support")

    # 2. the register: recorded, acknowledged, answered, closed — each step dated
    complaint_id = _through_the_register(context, candidate, now)
    with read_session(context.engine) as session:
        assert register_candidates(tagged, recorded_response_ids(session=session)).empty

    # 3. the improvement plan: an action from the complaint, then done
    _done_action(context, complaint_id)
    with read_session(context.engine) as session:
        plan = actions_frame(list_actions(session=session), today=date(2026, 7, 1))
    [row] = plan.to_dict("records")
    assert (row["origin"], row["theme"], row["status"], row["done_on"]) == (
        f"complaint:{complaint_id}",
        "technical_support",
        "done",
        DONE_ON,
    )

    # 4. the effect: the theme's score before and after the day it was done, with n
    answers = load_frames(engine=context.engine).answers
    [effect] = action_effects(plan, answers, small_group_min=5).to_dict("records")
    assert (effect["before_n"], effect["before_respondents"]) == (16, 8)
    assert (effect["after_n"], effect["after_respondents"]) == (16, 8)
    assert effect["before_mean"] == 2.125  # (2+2+3+2+1+2+3+2) / 8
    assert effect["after_mean"] == 4.125
    assert effect["change"] == 2.0

    # 5. the evidence pack shows the whole chain: the complaint, the action and its effect
    day = date(2026, 6, 30)
    data = collect_evidence(
        engine=context.engine, settings=context.settings, start=date(2026, 1, 1), end=day, today=day
    )
    html = render_evidence_html(data, "fr")
    assert "Créer une hotline joignable" in html
    assert "avant : 2,1/5 (n = 16) ; après : 4,1/5 (n = 16) ; évolution : +2,0" in html
    assert "Numéro direct de l&#39;assistance ajouté au LMS." in html
