"""What staff do by hand: send a campaign now, resend to one person, decide about an
`unknown` message, edit a plan's emails. Each is refused with a reason when it makes no sense."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import partial

import pytest
from sqlmodel import select

from reminders.dispatcher import tick
from reminders.operations import (
    CampaignActionError,
    pause_campaign,
    resend_to_person,
    resolve_unknown,
    save_plan_email,
    send_campaign_now,
    start_campaign_now,
)
from surveys.db import read_session, write_session
from surveys.models import (
    AuditLog,
    Campaign,
    Invitation,
    OutboundMessage,
    SurveyPlan,
    TrainingSession,
)
from surveys.runtime import AppContext
from tests.factories import hot_session
from tests.support.smtp import HOT_SEND_TIME, SmtpServer, first_send_refused

EARLY = HOT_SEND_TIME - timedelta(days=5)


def only(session, model):
    return session.exec(select(model)).one()


def test_staff_can_start_an_upcoming_campaign_now(mail_context: AppContext, smtp) -> None:
    hot_session(mail_context, learners=3)
    with write_session(mail_context.engine) as session:
        plan, training_id = only(session, SurveyPlan), only(session, TrainingSession).id
        start = partial(
            start_campaign_now,
            session=session,
            plan_id=plan.id,
            session_id=training_id,
            now=EARLY,
            settings=mail_context.settings,
            actor="q",
        )
        campaign = start()
        assert campaign.scheduled_at == EARLY and campaign.closes_at == EARLY + timedelta(30)
        with pytest.raises(CampaignActionError) as refused:
            start()
        assert refused.value.key == "reminders.errors.already_started"
    assert tick(context=mail_context, now=EARLY)["sent"] == 3
    tick(context=mail_context, now=HOT_SEND_TIME)  # the planned day: no second campaign
    with read_session(mail_context.engine) as session:
        assert len(session.exec(select(Campaign)).all()) == 1
        kinds = session.exec(select(OutboundMessage.kind)).all()
    assert sorted(kinds) == ["invitation"] * 3 + ["reminder"] * 3  # reminder 1 came due


def test_send_now_makes_messages_waiting_after_an_error_due_at_once(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    _, counts = first_send_refused(mail_context, smtp, "451 4.3.0 Try again")
    assert counts["retry"] == 1
    smtp.handler.recipient_replies.clear()
    later = HOT_SEND_TIME + timedelta(minutes=1)
    with write_session(mail_context.engine) as session:
        campaign = only(session, Campaign)
        assert (
            send_campaign_now(
                session=session,
                campaign_id=campaign.id,
                now=later,
                settings=mail_context.settings,
                actor="q",
            )
            == 1
        )
    assert tick(context=mail_context, now=later)["sent"] == 1


def test_resending_to_one_person_uses_the_same_link(mail_context: AppContext, smtp) -> None:
    [person] = hot_session(mail_context, learners=1)
    tick(context=mail_context, now=HOT_SEND_TIME)
    with write_session(mail_context.engine) as session:
        invitation = only(session, Invitation)
        resend_to_person(session=session, invitation_id=invitation.id, now=HOT_SEND_TIME, actor="q")
        with pytest.raises(CampaignActionError) as refused:
            resend_to_person(
                session=session, invitation_id=invitation.id, now=HOT_SEND_TIME, actor="q"
            )
        assert refused.value.key == "reminders.errors.on_its_way"
    assert tick(context=mail_context, now=HOT_SEND_TIME)["sent"] == 1
    first, second = smtp.handler.messages_to(person.email)
    link = re.compile(r"http://testserver/r/\S+")
    body = [m.get_body(("plain",)).get_content() for m in (first, second)]
    assert link.findall(body[0]) == link.findall(body[1])
    assert second["Subject"].startswith("Votre lien personnel")
    with read_session(mail_context.engine) as session:
        actions = session.exec(select(AuditLog.action)).all()
    assert "message.resend" in actions


@pytest.mark.parametrize(
    ("status", "key"),
    [("completed", "reminders.refusal.answered"), ("opted_out", "reminders.refusal.opted_out")],
)
def test_resending_is_refused_to_who_answered_or_opted_out(
    mail_context: AppContext, status: str, key: str
) -> None:
    hot_session(mail_context, learners=1)
    tick(context=mail_context, now=HOT_SEND_TIME)
    with write_session(mail_context.engine) as session:
        invitation = only(session, Invitation)
        invitation.status = status
        session.add(invitation)
        session.flush()
        with pytest.raises(CampaignActionError) as refused:
            resend_to_person(
                session=session, invitation_id=invitation.id, now=HOT_SEND_TIME, actor="q"
            )
    assert refused.value.key == key


@pytest.mark.parametrize("decision", ["sent", "resend"])
def test_staff_decide_about_an_unknown_message(
    mail_context: AppContext, smtp: SmtpServer, decision: str
) -> None:
    [person] = hot_session(mail_context, learners=1)
    from reminders.planner import plan_due

    with write_session(mail_context.engine) as session:
        plan_due(session=session, now=HOT_SEND_TIME, settings=mail_context.settings)
        row = only(session, OutboundMessage)
        row.status, row.claimed_at = "unknown", HOT_SEND_TIME
        session.add(row)
        row_id = row.id
    assert tick(context=mail_context, now=HOT_SEND_TIME)["sent"] == 0  # never automatic
    with write_session(mail_context.engine) as session:
        resolve_unknown(
            session=session, message_id=row_id, decision=decision, actor="q", now=HOT_SEND_TIME
        )
    tick(context=mail_context, now=HOT_SEND_TIME)
    with read_session(mail_context.engine) as session:
        assert only(session, OutboundMessage).status == "sent"
        assert only(session, Invitation).sent_at is not None
    assert smtp.handler.recipients().get(person.email, 0) == (1 if decision == "resend" else 0)


def test_a_plan_email_edited_by_staff_is_the_one_sent(mail_context: AppContext, smtp) -> None:
    [person] = hot_session(mail_context, learners=1)
    with write_session(mail_context.engine) as session:
        plan = only(session, SurveyPlan)
        edit = partial(
            save_plan_email,
            session=session,
            plan_id=plan.id,
            language="fr",
            template_name="invitation",
            actor="q",
        )
        edit(
            subject="{{ first_name }}, deux minutes ?", body="{{ greeting }}\n\nMerci de répondre."
        )
        with pytest.raises(CampaignActionError) as refused:
            edit(subject="Objet", body="Bonjour {{ prénom }}")
        assert refused.value.key == "reminders.errors.template"
    tick(context=mail_context, now=HOT_SEND_TIME)
    [message] = smtp.handler.messages_to(person.email)
    assert message["Subject"] == "Camille, deux minutes ?"
    assert "Merci de répondre." in message.get_body(("plain",)).get_content()


def test_a_closed_campaign_cannot_be_paused_or_sent(mail_context: AppContext) -> None:
    hot_session(mail_context, learners=1)
    tick(context=mail_context, now=HOT_SEND_TIME)
    tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=31))
    with write_session(mail_context.engine) as session:
        campaign = only(session, Campaign)
        for action in (
            lambda: pause_campaign(
                session=session, campaign_id=campaign.id, actor="q", now=HOT_SEND_TIME
            ),
            lambda: send_campaign_now(
                session=session,
                campaign_id=campaign.id,
                now=HOT_SEND_TIME + timedelta(days=31),
                settings=mail_context.settings,
                actor="q",
            ),
        ):
            with pytest.raises(CampaignActionError):
                action()
