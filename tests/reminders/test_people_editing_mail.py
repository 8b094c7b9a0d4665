"""Editing people and enrolments, seen from the mail server (SQLite and PostgreSQL): a fixed
email takes the waiting messages with it, the ones already sent stay as they were; a removed
enrolment keeps its answers and gets nothing more about its session."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from reminders.dispatcher import tick
from reminders.planner import plan_due_reminders
from surveys.db import read_session, write_session
from surveys.models import (
    AuditLog,
    Campaign,
    Enrolment,
    Invitation,
    OutboundMessage,
    Person,
    Response,
)
from surveys.people.editing import RemovedEnrolment, edit_person, remove_enrolment
from surveys.runtime import AppContext
from tests.factories import hot_session
from tests.support.smtp import HOT_SEND_TIME, SmtpServer

ACTOR = "camille.qualite@example.org"
FIRST_REMINDER = HOT_SEND_TIME + timedelta(days=3, hours=1)
SECOND_REMINDER = HOT_SEND_TIME + timedelta(days=7, hours=1)


def _values(person: Person, **changes: str) -> dict[str, str]:
    names = ("first_name", "last_name", "email", "stakeholder_type", "organisation", "language")
    return {name: getattr(person, name) for name in names} | changes


def _messages(context: AppContext, person_id: int) -> list[OutboundMessage]:
    with read_session(context.engine) as session:
        query = (
            select(OutboundMessage)
            .join(Invitation, Invitation.id == OutboundMessage.invitation_id)
            .where(Invitation.person_id == person_id)
            .order_by(OutboundMessage.id)
        )
        return list(session.exec(query).all())


def test_a_fixed_email_takes_the_waiting_messages_and_leaves_the_sent_ones(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    [learner] = hot_session(mail_context, learners=1, email="camille.martn@example.org")
    assert tick(context=mail_context, now=HOT_SEND_TIME)["sent"] == 1
    [invitation_before] = _messages(mail_context, learner.id)
    with write_session(mail_context.engine) as session:
        assert plan_due_reminders(session=session, now=FIRST_REMINDER) == 1
        person = session.get(Person, learner.id)
        change = edit_person(
            session=session,
            person_id=learner.id,
            values=_values(person, email="Camille.Martin@example.org"),
            actor=ACTOR,
            now=FIRST_REMINDER,
        )
    assert change.changed == ["email"] and change.messages_following == 1
    assert tick(context=mail_context, now=FIRST_REMINDER)["sent"] == 1
    assert smtp.handler.recipients() == {
        "camille.martn@example.org": 1,  # the invitation, before the fix
        "camille.martin@example.org": 1,  # the reminder that was waiting
    }
    invitation_after, reminder = _messages(mail_context, learner.id)
    assert (invitation_after.sent_at, invitation_after.message_id) == (
        invitation_before.sent_at,
        invitation_before.message_id,
    )
    assert reminder.kind == "reminder" and reminder.status == "sent"
    with read_session(mail_context.engine) as session:
        entry = session.exec(select(AuditLog).where(AuditLog.action == "person.edit")).one()
    assert entry.actor == ACTOR and entry.target == f"person:{learner.id}"
    assert entry.details["fields"] == ["email"] and entry.details["messages_following"] == 1
    assert "camille" not in str(entry.details).lower()  # the log names fields, not addresses


def _answer(context: AppContext, person_id: int) -> None:
    with write_session(context.engine) as session:
        invitation = session.exec(select(Invitation).where(Invitation.person_id == person_id)).one()
        invitation.status = "completed"
        campaign = session.get(Campaign, invitation.campaign_id)
        session.add(invitation)
        session.add(
            Response(
                campaign_id=campaign.id,
                survey_version_id=campaign.survey_version_id,
                submitted_on=HOT_SEND_TIME.date(),
            )
        )


def _remove(context: AppContext, person_id: int) -> RemovedEnrolment:
    with write_session(context.engine) as session:
        enrolment = session.exec(select(Enrolment).where(Enrolment.person_id == person_id)).one()
        return remove_enrolment(
            session=session, enrolment_id=enrolment.id, actor=ACTOR, now=FIRST_REMINDER
        )


def test_a_removed_enrolment_keeps_its_answers_and_gets_nothing_more(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    answered, removed, still = hot_session(mail_context, learners=3)
    assert tick(context=mail_context, now=HOT_SEND_TIME)["sent"] == 3
    with write_session(mail_context.engine) as session:
        assert plan_due_reminders(session=session, now=FIRST_REMINDER) == 3
    _answer(mail_context, answered.id)
    first = _remove(mail_context, answered.id)
    second = _remove(mail_context, removed.id)
    assert (first.answered, first.kept, first.cancelled) == (1, 0, 0)
    assert (second.answered, second.kept, second.cancelled) == (0, 1, 1)
    tick(context=mail_context, now=FIRST_REMINDER)
    tick(context=mail_context, now=SECOND_REMINDER)
    received = smtp.handler.recipients()
    assert received == {answered.email: 1, removed.email: 1, still.email: 3}  # 1 = invitation
    with read_session(mail_context.engine) as session:
        assert len(session.exec(select(Response)).all()) == 1  # the answer is kept
        invitations = {row.person_id: row.status for row in session.exec(select(Invitation))}
        assert invitations == {answered.id: "completed", removed.id: "sent", still.id: "sent"}
        assert session.exec(select(Enrolment.person_id)).all() == [still.id]
        entries = session.exec(select(AuditLog).where(AuditLog.action == "enrolment.remove"))
        logged = [(entry.actor, entry.details["messages_cancelled"]) for entry in entries]
    assert logged == [(ACTOR, 0), (ACTOR, 1)]
    cancelled = [m for m in _messages(mail_context, removed.id) if m.status == "cancelled"]
    assert [m.last_error for m in cancelled] == ["enrolment_removed"]
