"""A server that stores the message and then drops the connection before its 250 reply: the
message is in doubt. It is recorded `unknown`, shown to staff on the campaigns page, and never
sent again automatically (counted by a real aiosmtpd server on loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from reminders.dispatcher import tick
from surveys.db import read_session
from surveys.models import OutboundMessage
from surveys.runtime import AppContext
from tests.conftest import make_context
from tests.factories import hot_session
from tests.support.smtp import (
    HOT_SEND_TIME,
    Received,
    RecordingHandler,
    SmtpServer,
    first_send_refused,
    smtp_settings,
)
from tests.support.staff_app import logged_in_app


@dataclass
class StoreThenDropHandler(RecordingHandler):
    """Keeps the message (as a real server that queued it would), then hangs up."""

    async def handle_DATA(self, server, session, envelope):
        item = Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        with self.lock:
            self.received.append(item)
        server.transport.abort()  # the connection drops before the 250 reply
        return "250 never seen by the client"


@pytest.fixture
def dropping_smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(handler=StoreThenDropHandler()).start()
    yield server
    server.stop()


@pytest.fixture
def drop_context(tmp_path: Path, database_url: str, dropping_smtp: SmtpServer):
    context = make_context(tmp_path, database_url, **smtp_settings(dropping_smtp.port))
    yield context
    context.engine.dispose()


def statuses(context: AppContext) -> list[str]:
    with read_session(context.engine) as session:
        return list(session.exec(select(OutboundMessage.status)).all())


def test_a_connection_dropped_after_data_never_sends_a_message_twice(
    drop_context: AppContext, dropping_smtp: SmtpServer
) -> None:
    people = hot_session(drop_context, learners=4)
    first = tick(context=drop_context, now=HOT_SEND_TIME)
    assert first == {"planned": 4, "sent": 0, "retry": 0, "failed": 0, "unknown": 4}
    assert statuses(drop_context) == ["unknown"] * 4
    for later in (timedelta(hours=1), timedelta(days=1), timedelta(days=2)):
        again = tick(context=drop_context, now=HOT_SEND_TIME + later)
        assert again["sent"] == again["retry"] == again["unknown"] == 0
    assert dropping_smtp.handler.recipients() == {person.email: 1 for person in people}
    with read_session(drop_context.engine) as session:
        errors = session.exec(select(OutboundMessage.last_error)).all()
    assert all("no reply after the message was sent" in error for error in errors)


def test_a_refusal_before_the_content_is_still_retried(
    drop_context: AppContext, dropping_smtp: SmtpServer
) -> None:
    """Only the end of DATA is in doubt: a 4xx on RCPT is safely tried again later."""
    reply = "451 4.3.0 Try again later"
    _, counts = first_send_refused(drop_context, dropping_smtp, reply)
    assert counts["retry"] == 1
    assert statuses(drop_context) == ["retry"]
    assert dropping_smtp.handler.recipients() == {}


@pytest.mark.slow
def test_the_message_in_doubt_is_shown_on_the_campaigns_page(
    app_env: AppContext,
    tmp_path: Path,
    dropping_smtp: SmtpServer,
) -> None:
    sender = make_context(
        tmp_path, app_env.settings.database_url, **smtp_settings(dropping_smtp.port)
    )
    [person] = hot_session(sender, learners=1)
    assert tick(context=sender, now=HOT_SEND_TIME)["unknown"] == 1
    sender.engine.dispose()
    app = logged_in_app(app_env, "quality").run().switch_page("reminders/pages/campaigns.py").run()
    assert not app.exception
    assert "Messages à vérifier" in [item.value for item in app.subheader]
    assert any("connexion coupée" in item.value for item in app.warning)
    in_doubt = [  # the who-has-answered list (its "Situation" column) names the person too
        frame.value
        for frame in app.dataframe
        if person.email in frame.value.to_string() and "Situation" not in frame.value.columns
    ]
    [table] = in_doubt
    assert len(table) == 1
    assert app.button(key="campaigns_unknown_resend")  # staff decide, nothing automatic
