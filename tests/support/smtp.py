"""A real SMTP server on loopback (aiosmtpd) that records what it accepts and can misbehave:
refuse some recipients (4xx / 5xx), refuse data, go slow, or call back on each message."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller

from reminders.dispatcher import tick
from surveys.models import Person
from surveys.runtime import AppContext
from tests import factories
from tests.support.ports import free_port

HOT_SEND_TIME = datetime(2026, 6, 30, 15, 0, tzinfo=UTC)  # 17:00 in Paris (summer)
FAST_RATES = {"MAIL_RATE_PER_MINUTE": "1000000", "MAIL_RATE_PER_DAY": "10000000"}


def smtp_settings(port: int) -> dict[str, str]:
    """The settings that send to a loopback server on `port`, without rate limits."""
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_SECURITY": "none",
        "MAIL_FROM": "qualite@formasud.example.org",
        **FAST_RATES,
    }


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=default)  # type: ignore[return-value]


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    recipient_replies: dict[str, str] = field(default_factory=dict)
    data_reply: str | None = None
    delay_seconds: float = 0.0
    on_message: Callable[[Received], None] | None = None
    messages_per_connection: int = 0  # > 0: "421" at the next MAIL, then hang up
    connections: Counter[str] = field(default_factory=Counter)  # messages per connection
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            carried = self.connections[str(session.peer)]
        if self.messages_per_connection and carried >= self.messages_per_connection:
            asyncio.get_running_loop().call_later(0.05, server.transport.close)
            return "421 4.7.0 Too many messages on this connection, closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.recipient_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        item = Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
        with self.lock:
            self.received.append(item)
            self.connections[str(session.peer)] += 1
        if self.on_message is not None:
            self.on_message(item)
        return "250 Message accepted for delivery"

    def recipients(self) -> Counter[str]:
        with self.lock:
            return Counter(address for item in self.received for address in item.recipients)

    def messages_to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [item.message for item in self.received if address in item.recipients]

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return
            time.sleep(0.02)
        raise AssertionError(f"expected {count} messages, got {len(self.received)}")


class SmtpServer:
    """Start and stop a recording server on a fixed loopback port."""

    def __init__(self, port: int | None = None, handler: RecordingHandler | None = None) -> None:
        self.port = port or free_port()
        self.handler = handler or RecordingHandler()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def first_send_refused(
    context: AppContext,
    server: SmtpServer,
    reply: str,
    *,
    now: datetime = HOT_SEND_TIME,
    learners: int = 1,
) -> tuple[list[Person], dict[str, int]]:
    """`learners` people on the hot plan (`factories.hot_session`), `server` answering `reply`
    to the first one's address, and the dispatcher's pass at `now`: the people and its counts."""
    people = factories.hot_session(context, learners=learners)
    server.handler.recipient_replies[people[0].email] = reply
    return people, tick(context=context, now=now)
