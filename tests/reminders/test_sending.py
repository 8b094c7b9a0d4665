"""Plan -> dispatch -> a real SMTP server on loopback: who receives what, in which language,
with which links and headers; reminders only to those who still should get one."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from reminders.dispatcher import tick
from surveys.db import read_session, write_session
from surveys.models import Campaign, Invitation, OutboundMessage, Person, utc_now
from surveys.runtime import AppContext
from surveys.tokens import hash_token
from tests import factories
from tests.factories import hot_session
from tests.support.smtp import HOT_SEND_TIME, SmtpServer

LINK = re.compile(r"http://testserver/(r|u)/([A-Za-z0-9_-]{43})")


def text_and_html(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_invitations_reach_each_person_once_with_language_link_and_headers(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    people = hot_session(mail_context, learners=2)
    with write_session(mail_context.engine) as session:
        english = session.get(Person, people[1].id)
        english.language = "en"
    result = tick(context=mail_context, now=HOT_SEND_TIME)
    assert result == {"planned": 2, "sent": 2, "retry": 0, "failed": 0, "unknown": 0}
    assert smtp.handler.recipients() == {people[0].email: 1, people[1].email: 1}
    ids = set()
    with read_session(mail_context.engine) as session:
        for person, language in ((people[0], "fr"), (people[1], "en")):
            [message] = smtp.handler.messages_to(person.email)
            text, html = text_and_html(message)
            assert message["Content-Language"] == language
            assert ("Répondre au questionnaire" in html) is (language == "fr")
            assert ("Answer the questionnaire" in html) is (language == "en")
            assert "Formasud" in message["Subject"] and "Formasud" in str(message["From"])
            links = {kind: token for kind, token in LINK.findall(text)}
            assert links["r"] == links["u"]
            invitation = session.exec(
                select(Invitation).where(Invitation.person_id == person.id)
            ).one()
            assert invitation.token_hash == hash_token(links["r"])
            assert f"http://testserver/r/{links['r']}" in html
            assert message["List-Unsubscribe"] == f"<http://testserver/u/{links['r']}>"
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            assert "aide@formasud.example.org" in text
            assert invitation.status == "sent" and invitation.sent_at == HOT_SEND_TIME
            ids.add(message["Message-ID"])
            row = session.exec(
                select(OutboundMessage).where(OutboundMessage.invitation_id == invitation.id)
            ).one()
            assert row.status == "sent" and row.message_id == message["Message-ID"]
    assert len(ids) == 2


def test_running_tick_twice_at_the_same_time_sends_nothing_more(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    hot_session(mail_context, learners=3)
    first = tick(context=mail_context, now=HOT_SEND_TIME)
    second = tick(context=mail_context, now=HOT_SEND_TIME)
    assert first["sent"] == 3
    assert second == {"planned": 0, "sent": 0, "retry": 0, "failed": 0, "unknown": 0}
    assert sum(smtp.handler.recipients().values()) == 3


def test_nothing_goes_out_before_the_last_day_at_five_pm_paris_time(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    hot_session(mail_context, learners=1)
    assert tick(context=mail_context, now=HOT_SEND_TIME - timedelta(minutes=1))["planned"] == 0
    assert tick(context=mail_context, now=HOT_SEND_TIME)["sent"] == 1


def test_reminders_go_only_to_those_who_have_not_answered_or_opted_out(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    answered, opted_out, bounced, silent, also_silent = hot_session(mail_context, learners=5)
    tick(context=mail_context, now=HOT_SEND_TIME)
    with write_session(mail_context.engine) as session:
        invitation = session.exec(
            select(Invitation).where(Invitation.person_id == answered.id)
        ).one()
        invitation.status = "completed"
        session.get(Person, opted_out.id).opted_out_at = utc_now()
        session.get(Person, bounced.id).bounced_at = utc_now()
    assert tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=3))["sent"] == 2
    assert tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=7))["sent"] == 2
    assert tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=20))["sent"] == 0
    received = smtp.handler.recipients()
    assert received == {
        answered.email: 1,
        opted_out.email: 1,
        bounced.email: 1,
        silent.email: 3,
        also_silent.email: 3,
    }
    subjects = [message["Subject"] for message in smtp.handler.messages_to(silent.email)]
    assert subjects[1].startswith("Rappel") and subjects[2].startswith("Dernier rappel")
    with read_session(mail_context.engine) as session:
        invitation = session.exec(select(Invitation).where(Invitation.person_id == silent.id)).one()
        assert invitation.reminder_count == 2
        assert invitation.last_reminded_at == HOT_SEND_TIME + timedelta(days=7)


def test_a_reminder_queued_before_an_answer_is_cancelled_not_sent(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    from reminders.planner import plan_due

    [person] = hot_session(mail_context, learners=1)
    tick(context=mail_context, now=HOT_SEND_TIME)
    later = HOT_SEND_TIME + timedelta(days=3)
    with write_session(mail_context.engine) as session:
        assert plan_due(session=session, now=later, settings=mail_context.settings) == 1
        invitation = session.exec(select(Invitation)).one()
        invitation.status = "completed"  # answered between planning and sending
    assert tick(context=mail_context, now=later)["sent"] == 0
    assert smtp.handler.recipients() == {person.email: 1}
    with read_session(mail_context.engine) as session:
        reminder = session.exec(
            select(OutboundMessage).where(OutboundMessage.kind == "reminder")
        ).one()
        assert (reminder.status, reminder.last_error) == ("cancelled", "answered")


def test_the_campaign_closes_after_thirty_days_and_sends_nothing_more(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    hot_session(mail_context, learners=1)
    tick(context=mail_context, now=HOT_SEND_TIME)
    closed_at = HOT_SEND_TIME + timedelta(days=30)
    assert tick(context=mail_context, now=closed_at)["planned"] == 0
    with read_session(mail_context.engine) as session:
        assert session.exec(select(Campaign)).one().status == "closed"
    assert sum(smtp.handler.recipients().values()) == 1


def test_a_name_can_inject_neither_headers_nor_markup(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    [person] = hot_session(
        mail_context, learners=1, first_name="<b>Eve</b>", last_name="Evil\r\nBcc: spy@example.net"
    )
    assert tick(context=mail_context, now=HOT_SEND_TIME)["sent"] == 1
    [received] = smtp.handler.received
    assert received.recipients == [person.email]
    message = received.message
    assert message["Bcc"] is None and "spy@example.net" not in str(message["To"]).split("<")[1]
    _text, html = text_and_html(message)
    assert "<b>Eve</b>" not in html and "&lt;b&gt;Eve&lt;/b&gt;" in html


def test_a_session_imported_long_after_it_ended_gets_no_late_hot_survey(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    hot_session(mail_context, learners=1)
    assert tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=45))["planned"] == 0
    assert smtp.handler.recipients() == {}


@pytest.mark.parametrize("year", [2026, 2027])
def test_the_yearly_campaign_goes_to_every_financer_once_a_year(
    mail_context: AppContext, smtp: SmtpServer, year: int
) -> None:
    with write_session(mail_context.engine) as session:
        factories.organisation(session)
        version = factories.published_version(session, "financer_annual")
        factories.plan(
            session,
            version,
            None,
            audience="financer",
            timing="annual",
            offset_days=100,
            send_time="10:00",
        )
        financers = [factories.person(session, "financer").email for _ in range(3)]
        factories.person(session, "learner")
    day = date(year, 1, 1) + timedelta(days=100)
    before = HOT_SEND_TIME.replace(year=year, month=day.month, day=day.day, hour=7)
    assert tick(context=mail_context, now=before)["planned"] == 0
    at = before.replace(hour=8)  # 10:00 in Paris (summer time)
    assert tick(context=mail_context, now=at)["sent"] == 3
    assert tick(context=mail_context, now=at + timedelta(days=40))["sent"] == 0
    assert smtp.handler.recipients() == dict.fromkeys(financers, 1)
