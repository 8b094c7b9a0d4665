"""One SMTP connection per dispatch pass, against a real loopback server: the batches share
it, and a server that hangs up after so many messages (421 at MAIL) loses and repeats nothing."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from sqlmodel import select

from reminders.dispatcher import tick
from reminders.policy import retry_delay
from surveys.db import read_session
from surveys.models import OutboundMessage
from surveys.runtime import AppContext
from tests.conftest import make_context
from tests.factories import hot_session
from tests.support.smtp import HOT_SEND_TIME, RecordingHandler, SmtpServer, smtp_settings

LEARNERS = 250


def outbox(context: AppContext) -> list[OutboundMessage]:
    with read_session(context.engine) as session:
        return list(session.exec(select(OutboundMessage)).all())


def test_the_batches_of_a_pass_share_one_connection(mail_context: AppContext, smtp: SmtpServer):
    people = hot_session(mail_context, learners=LEARNERS)

    counts = tick(context=mail_context, now=HOT_SEND_TIME, batch_size=100)

    assert counts["sent"] == LEARNERS
    assert sorted(smtp.handler.connections.values()) == [LEARNERS]  # 3 batches, 1 connection
    assert smtp.handler.recipients() == Counter({person.email: 1 for person in people})


def test_a_server_that_hangs_up_after_so_many_messages_loses_and_repeats_nothing(
    mail_context: AppContext, smtp: SmtpServer
):
    smtp.handler.messages_per_connection = 40
    people = hot_session(mail_context, learners=LEARNERS)

    counts = tick(context=mail_context, now=HOT_SEND_TIME, batch_size=100)

    # Every message, including each one refused with 421, went out in this same pass, once.
    assert counts == {"planned": LEARNERS, "sent": LEARNERS, "retry": 0, "failed": 0, "unknown": 0}
    assert smtp.handler.recipients() == Counter({person.email: 1 for person in people})
    assert sorted(smtp.handler.connections.values()) == [10] + [40] * 6
    rows = outbox(mail_context)
    assert {row.status for row in rows} == {"sent"}
    assert Counter(row.attempts for row in rows) == {1: LEARNERS - 6, 2: 6}  # the six 421s


class HangsUpAtOnce(RecordingHandler):
    """Refuses every connection's first MAIL with 421 and hangs up."""

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        asyncio.get_running_loop().call_later(0.05, server.transport.close)
        return "421 4.7.0 Too busy, closing"


def test_a_server_that_hangs_up_before_any_message_is_tried_again_after_the_back_off(
    tmp_path: Path, database_url: str
):
    server = SmtpServer(handler=HangsUpAtOnce()).start()
    context = make_context(tmp_path, database_url, **smtp_settings(server.port))
    try:
        hot_session(context, learners=2)
        counts = tick(context=context, now=HOT_SEND_TIME, batch_size=100)
        rows = outbox(context)
    finally:
        server.stop()
        context.engine.dispose()

    assert counts == {"planned": 2, "sent": 0, "retry": 2, "failed": 0, "unknown": 0}
    sent_at = HOT_SEND_TIME.replace(tzinfo=None)
    assert {row.status for row in rows} == {"retry"}
    assert all(row.due_at.replace(tzinfo=None) >= sent_at + retry_delay(1) for row in rows)
