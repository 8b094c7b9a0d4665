"""SMTP faults against a real loopback server: down for a while, 4xx (retried with back-off),
5xx (failed with the server's reply, never retried)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from reminders.dispatcher import DispatchOptions, tick
from reminders.policy import retry_delay
from surveys.db import read_session, write_session
from surveys.models import Invitation, OutboundMessage, Person
from surveys.runtime import AppContext
from tests.conftest import make_context
from tests.factories import hot_session
from tests.support.ports import free_port
from tests.support.smtp import HOT_SEND_TIME, SmtpServer, first_send_refused, smtp_settings


def outbox(context: AppContext) -> list[OutboundMessage]:
    with read_session(context.engine) as session:
        return list(session.exec(select(OutboundMessage).order_by(OutboundMessage.id)).all())


@pytest.fixture
def down_context(tmp_path: Path, database_url: str):
    """Settings pointing at a loopback port where no server listens (yet)."""
    port = free_port()
    context = make_context(tmp_path, database_url, **smtp_settings(port))
    yield context, port
    context.engine.dispose()


def test_messages_wait_while_the_server_is_down_and_all_go_out_once_it_is_back(
    down_context,
) -> None:
    context, port = down_context
    people = hot_session(context, learners=3)
    down = tick(context=context, now=HOT_SEND_TIME)
    assert down == {"planned": 3, "sent": 0, "retry": 3, "failed": 0, "unknown": 0}
    assert {row.status for row in outbox(context)} == {"retry"}
    assert all("connection" in row.last_error for row in outbox(context))
    still_down = tick(context=context, now=HOT_SEND_TIME + retry_delay(1))
    assert still_down["retry"] == 3
    server = SmtpServer(port).start()
    try:
        too_early = HOT_SEND_TIME + retry_delay(1) + timedelta(minutes=1)
        assert tick(context=context, now=too_early)["sent"] == 0  # still backing off
        back = HOT_SEND_TIME + retry_delay(1) + retry_delay(2)
        assert tick(context=context, now=back)["sent"] == 3
        assert server.handler.recipients() == {person.email: 1 for person in people}
        assert all(row.status == "sent" and row.attempts == 3 for row in outbox(context))
    finally:
        server.stop()


BUSY = "450 4.2.1 Mailbox busy, try later"
UNKNOWN = "550 5.1.1 User unknown"


def test_a_4xx_reply_is_retried_later_and_then_delivered(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    (busy, fine), counts = first_send_refused(mail_context, smtp, BUSY, learners=2)
    assert counts["retry"] == 1
    [row] = [row for row in outbox(mail_context) if row.status == "retry"]
    assert row.last_error.startswith("450 4.2.1 Mailbox busy")
    assert row.due_at == HOT_SEND_TIME + retry_delay(1)
    smtp.handler.recipient_replies.clear()
    assert tick(context=mail_context, now=row.due_at)["sent"] == 1
    assert smtp.handler.recipients() == {busy.email: 1, fine.email: 1}


def test_a_5xx_reply_fails_with_the_reply_and_is_never_retried(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    (unknown_user, _fine), counts = first_send_refused(mail_context, smtp, UNKNOWN, learners=2)
    assert counts["failed"] == 1
    smtp.handler.recipient_replies.clear()
    for days in (1, 3, 7, 10):
        tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=days))
    assert unknown_user.email not in smtp.handler.recipients()
    with read_session(mail_context.engine) as session:
        person = session.get(Person, unknown_user.id)
        invitation = session.exec(select(Invitation).where(Invitation.person_id == person.id)).one()
        [row] = session.exec(
            select(OutboundMessage).where(OutboundMessage.invitation_id == invitation.id)
        ).all()
    assert (row.status, row.last_error, row.attempts) == ("failed", "550 5.1.1 User unknown", 1)
    assert person.bounced_at is not None and invitation.status == "bounced"


def test_a_5xx_refusal_of_the_content_fails_without_marking_the_person_bounced(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    [person] = hot_session(mail_context, learners=1)
    smtp.handler.data_reply = "554 5.7.1 Message rejected"
    assert tick(context=mail_context, now=HOT_SEND_TIME)["failed"] == 1
    [row] = outbox(mail_context)
    assert (row.status, row.last_error) == ("failed", "554 5.7.1 Message rejected")
    with read_session(mail_context.engine) as session:
        assert session.get(Person, person.id).bounced_at is None


def test_retrying_gives_up_after_the_configured_number_of_days(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    [person] = hot_session(mail_context, learners=1)
    smtp.handler.recipient_replies[person.email] = "421 4.3.2 Service shutting down"
    options = DispatchOptions(retry_give_up_days=0.25)  # six hours
    now, statuses = HOT_SEND_TIME, []
    for _ in range(12):
        tick(context=mail_context, now=now, options=options)
        [row] = outbox(mail_context)
        statuses.append(row.status)
        if row.status != "retry":
            break
        now = row.due_at
    assert statuses[-1] == "failed" and set(statuses[:-1]) == {"retry"}
    assert row.last_error.startswith("gave up: 421 4.3.2")
    assert now - HOT_SEND_TIME >= timedelta(hours=6)
    assert smtp.handler.recipients() == {}


def test_a_paused_campaign_keeps_its_messages_until_resumed(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    from reminders.operations import pause_campaign, resume_campaign
    from reminders.planner import plan_due

    hot_session(mail_context, learners=2)
    with write_session(mail_context.engine) as session:
        plan_due(session=session, now=HOT_SEND_TIME, settings=mail_context.settings)
        campaign_id = session.exec(select(Invitation.campaign_id)).first()
        pause_campaign(session=session, campaign_id=campaign_id, actor="test", now=HOT_SEND_TIME)
    assert tick(context=mail_context, now=HOT_SEND_TIME)["sent"] == 0
    assert smtp.handler.recipients() == {}
    with write_session(mail_context.engine) as session:
        resume_campaign(session=session, campaign_id=campaign_id, actor="test", now=HOT_SEND_TIME)
    assert tick(context=mail_context, now=HOT_SEND_TIME + timedelta(hours=1))["sent"] == 2


def test_rate_limits_hold_messages_back_until_the_next_minute(
    tmp_path: Path, database_url: str, smtp: SmtpServer
) -> None:
    context = make_context(
        tmp_path, database_url, **{**smtp_settings(smtp.port), "MAIL_RATE_PER_MINUTE": "2"}
    )
    try:
        hot_session(context, learners=5)
        assert tick(context=context, now=HOT_SEND_TIME)["sent"] == 2
        assert tick(context=context, now=HOT_SEND_TIME + timedelta(seconds=30))["sent"] == 0
        assert tick(context=context, now=HOT_SEND_TIME + timedelta(seconds=61))["sent"] == 2
        assert tick(context=context, now=HOT_SEND_TIME + timedelta(seconds=122))["sent"] == 1
        assert sum(smtp.handler.recipients().values()) == 5
    finally:
        context.engine.dispose()


def test_starttls_refuses_a_server_whose_certificate_cannot_be_verified(
    tmp_path: Path, sqlite_url: str
) -> None:
    """The password must never go to an impostor: an unverifiable certificate is a
    connection failure (retried later), not a silent downgrade."""
    import shutil
    import ssl
    import subprocess

    from aiosmtpd.controller import Controller

    from tests.support.smtp import RecordingHandler
    from tests.support.tools import missing_tool

    if shutil.which("openssl") is None:
        missing_tool("openssl", "apt-get install openssl")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    handler, port = RecordingHandler(), free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, tls_context=tls, require_starttls=True
    )
    controller.start()
    context = make_context(
        tmp_path, sqlite_url, **{**smtp_settings(port), "SMTP_SECURITY": "starttls"}
    )
    try:
        hot_session(context, learners=1)
        assert tick(context=context, now=HOT_SEND_TIME)["retry"] == 1
        [row] = outbox(context)
        assert "certificate verify failed" in row.last_error.lower()
        assert handler.received == []
    finally:
        controller.stop()
        context.engine.dispose()
