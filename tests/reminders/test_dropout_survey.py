"""Issue 15's must-show 2, from the recorded status on: a learner who dropped out gets no hot
survey; the dropout survey reaches them 3 days after the dropout was recorded, in their
language, with one reminder; the hot survey's response rate is over the others only."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from question_banks.loader import load_catalog
from reminders.dispatcher import tick
from surveys.db import read_session, write_session
from surveys.models import Campaign, Enrolment, Invitation, Person
from surveys.runtime import AppContext
from tests import factories
from tests.factories import SESSION_END
from tests.support.smtp import HOT_SEND_TIME, SmtpServer


def test_a_dropout_gets_the_dropout_survey_three_days_later_and_no_hot_one(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    with write_session(mail_context.engine) as session:
        assert "dropout-causes" in {question.id for question in load_catalog().questions}
        programme = factories.programme(session)
        training = factories.training_session(session, programme.id, end_date=SESSION_END)
        hot, _dropout = factories.hot_and_dropout_plans(session, programme.id)
        stayed, left = factories.enrolled(session, training.id, 2)
        left.language = "en"
        enrolment = session.exec(select(Enrolment).where(Enrolment.person_id == left.id)).one()
        enrolment.status, enrolment.status_changed_on = "dropped_out", SESSION_END
        session.add_all([left, enrolment])
        stayed_email, left_email, hot_id = stayed.email, left.email, hot.id

    tick(context=mail_context, now=HOT_SEND_TIME)
    assert dict(smtp.handler.recipients()) == {stayed_email: 1}  # the hot survey only

    tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=3))
    assert smtp.handler.recipients()[left_email] == 1
    subject = smtp.handler.messages_to(left_email)[0]["subject"]
    assert "You stopped your training" in subject  # in the person's language

    tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=6, hours=1))
    tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=12))
    assert smtp.handler.recipients()[left_email] == 2  # the invitation and one reminder

    with read_session(mail_context.engine) as session:
        hot_campaign = session.exec(
            select(Campaign).where(Campaign.survey_version_id == hot_id)
        ).one()
        hot_people = session.exec(
            select(Person.email)
            .join(Invitation, Invitation.person_id == Person.id)
            .where(Invitation.campaign_id == hot_campaign.id)
        ).all()
    assert hot_people == [stayed_email]  # the rate's denominator leaves the dropout out
