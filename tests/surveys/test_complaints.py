"""The complaints and incidents register (indicator 31): steps, delays, refusals.

Its statistics are tested in tests/analysis/test_register.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlmodel import func, select

from surveys.db import read_session, write_session
from surveys.improvement.complaints import (
    ComplaintError,
    acknowledge_complaint,
    answer_complaint,
    close_complaint,
    complaint_row,
    list_complaints,
    record_complaint,
    record_complaint_from_answer,
)
from surveys.models import (
    Answer,
    AuditLog,
    Campaign,
    Complaint,
    Invitation,
    NamedResponse,
    Response,
)
from surveys.runtime import AppContext
from surveys.tokens import hash_token
from tests import factories

RECEIVED = date(2026, 3, 2)
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
SUPPORT_INCIDENT = factories.complaint_input(
    source="email", summary="Connexion impossible à la plateforme", received_on=RECEIVED
)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def from_answer(session, response: Response, text: str, theme: str) -> Complaint:
    """The complaint quality staff record from `response`'s comment `text`, at NOW."""
    return record_complaint_from_answer(
        session=session, response_id=response.id, text=text, theme=theme, actor="q", now=NOW
    )


def respond(session, campaign: Campaign, text_answers: dict[str, str], day: date) -> Response:
    response = Response(
        campaign_id=campaign.id, survey_version_id=campaign.survey_version_id, submitted_on=day
    )
    session.add(response)
    session.flush()
    for question_id, text in text_answers.items():
        session.add(Answer(response_id=response.id, question_id=question_id, text=text))
    session.flush()
    return response


def test_a_complaint_goes_through_every_step_and_its_delays_are_measured(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        complaint = record_complaint(
            session=session, item=SUPPORT_INCIDENT, actor="q@x.org", now=at(2)
        )
        acknowledge_complaint(session=session, complaint_id=complaint.id, actor="q", now=at(3))
        answer_complaint(
            session=session,
            complaint_id=complaint.id,
            actor="q",
            now=at(6),
            answer="Identifiants renvoyés et procédure de connexion expliquée.",
        )
        close_complaint(session=session, complaint_id=complaint.id, actor="q", now=at(9))
        complaint_id = complaint.id
    with read_session(context.engine) as session:
        [row] = [complaint_row(item) for item in list_complaints(session=session)]
        actions = session.exec(
            select(AuditLog.action)
            .where(AuditLog.target == f"complaint:{complaint_id}")
            .order_by(AuditLog.id)
        ).all()
    assert row["status"] == "closed"
    assert (row["days_to_acknowledge"], row["days_to_answer"], row["days_to_close"]) == (1, 4, 7)
    assert actions == [
        "complaint.record",
        "complaint.acknowledge",
        "complaint.answer",
        "complaint.close",
    ]


def test_delays_are_counted_in_paris_calendar_days(context: AppContext) -> None:
    late_evening_utc = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 3 March in Paris
    with write_session(context.engine) as session:
        complaint = record_complaint(session=session, item=SUPPORT_INCIDENT, actor="q", now=at(2))
        acknowledge_complaint(
            session=session, complaint_id=complaint.id, actor="q", now=late_evening_utc
        )
        row = complaint_row(complaint)
    assert row["days_to_acknowledge"] == 1


def test_answering_directly_also_counts_as_the_acknowledgement(context: AppContext) -> None:
    with write_session(context.engine) as session:
        complaint = record_complaint(session=session, item=SUPPORT_INCIDENT, actor="q", now=at(2))
        answer_complaint(
            session=session, complaint_id=complaint.id, answer="Réglé.", actor="q", now=at(4)
        )
        assert complaint.acknowledged_at == complaint.answered_at == at(4)
        assert complaint.status == "answered"


@pytest.mark.parametrize(
    ("steps", "refused", "message"),
    [
        ((), "close", "qu'après sa réponse"),
        (("acknowledge",), "acknowledge", "déjà fait l'objet"),
        (("answer", "close"), "answer", "est close"),
        (("answer", "close"), "close", "est close"),
    ],
)
def test_steps_out_of_order_are_refused_with_a_clear_message(
    context: AppContext, steps: tuple[str, ...], refused: str, message: str
) -> None:
    operations = {
        "acknowledge": lambda s, i: acknowledge_complaint(
            session=s, complaint_id=i, actor="q", now=at(5)
        ),
        "answer": lambda s, i: answer_complaint(
            session=s, complaint_id=i, answer="Réglé.", actor="q", now=at(5)
        ),
        "close": lambda s, i: close_complaint(session=s, complaint_id=i, actor="q", now=at(6)),
    }
    with write_session(context.engine) as session:
        complaint = record_complaint(session=session, item=SUPPORT_INCIDENT, actor="q", now=at(2))
        for step in steps:
            operations[step](session, complaint.id)
        status = complaint.status
        with pytest.raises(ComplaintError) as refusal:
            operations[refused](session, complaint.id)
        assert complaint.status == status
    assert message in refusal.value.message("fr")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "rumour"}, "Nature inconnue"),
        ({"source": "pigeon"}, "Origine inconnue"),
        ({"stakeholder_type": "neighbour"}, "partie prenante inconnu"),
        ({"theme": "weather"}, "Thème inconnu"),
        ({"summary": "   "}, "l'objet en une phrase"),
        ({"summary": "x" * 301}, "300 caractères"),
        ({"received_on": date(2026, 3, 11)}, "dans le futur"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(
    context: AppContext, change: dict, message: str
) -> None:
    with write_session(context.engine) as session, pytest.raises(ComplaintError) as refusal:
        record_complaint(
            session=session, item=replace(SUPPORT_INCIDENT, **change), actor="q", now=NOW
        )
    assert message in str(refusal.value)
    with read_session(context.engine) as session:
        assert session.exec(select(func.count()).select_from(Complaint)).one() == 0


def test_a_named_free_text_answer_enters_the_register_once_with_its_context(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        course = factories.training_session(session)
        campaign = factories.campaign(session, session_id=course.id, audience="learner")
        learner = factories.person(session)
        invitation = Invitation(
            campaign_id=campaign.id,
            person_id=learner.id,
            token_hash=hash_token("t1"),
            token_salt="s",
            status="completed",
        )
        session.add(invitation)
        session.flush()
        response = respond(
            session,
            campaign,
            {"free-difficulty-report": "Hotline injoignable, bug bloquant."},
            date(2026, 3, 4),
        )
        session.add(
            NamedResponse(
                response_id=response.id, invitation_id=invitation.id, person_id=learner.id
            )
        )
        session.flush()
        complaint = from_answer(
            session, response, "Hotline injoignable, bug bloquant.", "technical_support"
        )
        assert (
            complaint.source,
            complaint.stakeholder_type,
            complaint.session_id,
            complaint.person_id,
            complaint.received_on,
        ) == ("survey", "learner", course.id, learner.id, date(2026, 3, 4))
        with pytest.raises(ComplaintError, match="figure déjà au registre"):
            from_answer(session, response, "x", "technical_support")


def test_an_anonymous_answer_stays_anonymous_in_the_register(context: AppContext) -> None:
    with write_session(context.engine) as session:
        campaign = factories.campaign(session, audience="company", timing="cold")
        text = "Aucune réponse à nos mails, inadmissible."
        response = respond(session, campaign, {"free-improvements": text}, date(2026, 3, 4))
        complaint = from_answer(session, response, text, "organisation_information")
        assert complaint.person_id is None
        assert complaint.stakeholder_type == "company"
