"""Getting a composed message out: yagmail over SMTP, or a local mailbox folder.

A sender opens a connection (`with sender.connect() as connection`; the dispatcher keeps one
for a whole pass) and sends each message's bytes on it. Failures come back as `DeliveryError`,
already sorted into "try again later" (4xx replies, connection problems), "permanent" (5xx
replies) and "in doubt" (the whole message went out, then no reply came: the server may have
accepted it), so the dispatcher records them without knowing SMTP.
"""

from __future__ import annotations

import os
import re
import smtplib  # only for the exception types yagmail lets through
import ssl
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import yagmail

from reminders.rendering import OutgoingEmail
from surveys.config import Settings

SMTP_TIMEOUT_SECONDS = 30
MAILBOX_SUFFIX = ".eml"


@dataclass
class DeliveryError(Exception):
    """A message was not accepted. `permanent` means never retry; `recipient_refused` marks a
    hard bounce of the address; `connection_lost` means the rest of the batch cannot go;
    `in_doubt` means the server may have accepted the message (never send it again)."""

    reply: str
    permanent: bool = False
    recipient_refused: bool = False
    connection_lost: bool = False
    in_doubt: bool = False

    def __str__(self) -> str:
        return self.reply


class Withdrawn(Exception):
    """`may_hand_over` said no (the message is no longer ours): nothing was handed over."""


def _always() -> bool:
    return True


class Connection(Protocol):
    def send(
        self,
        message: OutgoingEmail,
        *,
        envelope_from: str,
        may_hand_over: Callable[[], bool] = _always,
    ) -> None: ...


class Sender(Protocol):
    local: bool

    def connect(self) -> AbstractContextManager[Connection]: ...


def _reply_text(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {' '.join(text.split())}"[:1000]


def classify_smtp_error(error: BaseException) -> DeliveryError:
    """4xx and connection failures are temporary; 5xx replies are permanent."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(error.recipients.values()), (451, b"refused"))
        permanent = 500 <= code < 600
        return DeliveryError(
            _reply_text(code, message), permanent=permanent, recipient_refused=permanent
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return DeliveryError(f"connection lost: {error}"[:1000], connection_lost=True)
    if isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        return DeliveryError(
            _reply_text(code, error.smtp_error),
            permanent=500 <= code < 600,
            connection_lost=code == 421,
        )
    if isinstance(error, OSError):
        return DeliveryError(f"connection failed: {error}"[:1000], connection_lost=True)
    return DeliveryError(f"{type(error).__name__}: {error}"[:1000])


_LEADING_DOT = re.compile(rb"(?m)^\.")


def _data_payload(data: bytes) -> bytes:
    """The message as sent after DATA: dots doubled at line starts, CRLF, then `.`."""
    payload = _LEADING_DOT.sub(b"..", data)
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    return payload + b".\r\n"


class _SmtpConnection:
    """One message = MAIL, RCPT, DATA, the content, the reply. The steps are smtplib's own
    (`sendmail` does the same), taken apart to know where a failure happened: before the
    content's final dot the server cannot have the message (retry is safe); once it is out,
    a lost connection or a timeout leaves the message in doubt."""

    def __init__(self, client: yagmail.SMTP) -> None:
        self.client = client

    def send(
        self,
        message: OutgoingEmail,
        *,
        envelope_from: str,
        may_hand_over: Callable[[], bool] = _always,
    ) -> None:
        """`may_hand_over` is asked after RCPT, before DATA (the dispatcher's commit of
        `sending` runs meanwhile): False resets the exchange and raises `Withdrawn`."""
        smtp = self.client.smtp
        try:
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(envelope_from)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, envelope_from)
            code, reply = smtp.rcpt(message.recipient)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({message.recipient: (code, reply)})
            if not may_hand_over():
                self._reset()
                raise Withdrawn()
            code, reply = smtp.docmd("data")
            if code != 354:
                raise smtplib.SMTPDataError(code, reply)
            smtp.send(_data_payload(message.data))
        except (smtplib.SMTPException, OSError) as error:
            self._reset()
            raise classify_smtp_error(error) from error
        try:
            code, reply = smtp.getreply()
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(
                f"no reply after the message was sent: {error}"[:1000],
                connection_lost=True,
                in_doubt=True,
            ) from error
        if code != 250:
            raise classify_smtp_error(smtplib.SMTPDataError(code, reply))

    def _reset(self) -> None:
        with suppress(smtplib.SMTPException, OSError):
            self.client.smtp.rset()


@dataclass
class SmtpSender:
    """yagmail on one connection per pass (STARTTLS, SSL or plain, login when a user is set)."""

    host: str
    port: int
    user: str
    password: str
    security: str
    mail_from: str
    timeout: float = SMTP_TIMEOUT_SECONDS
    local: bool = False
    _tls_context: ssl.SSLContext | None = field(default=None, repr=False)

    def _tls(self) -> ssl.SSLContext:
        # smtplib's own TLS default does not check the server's certificate: use a verifying
        # context (built once: loading the CA store costs milliseconds).
        if self._tls_context is None:
            self._tls_context = ssl.create_default_context()
        return self._tls_context

    def _client(self) -> yagmail.SMTP:
        login = bool(self.user)
        starttls = {"context": self._tls()} if self.security == "starttls" else False
        extra = {"context": self._tls()} if self.security == "ssl" else {}
        return yagmail.SMTP(
            user=self.user or self.mail_from,
            password=self.password if login else "",
            host=self.host,
            port=self.port,
            smtp_ssl=self.security == "ssl",
            smtp_starttls=starttls,
            smtp_skip_login=not login,
            soft_email_validation=False,
            timeout=self.timeout,
            **extra,
        )

    @contextmanager
    def connect(self) -> Iterator[_SmtpConnection]:
        client = self._client()
        try:
            client.login()
        except (smtplib.SMTPException, OSError) as error:
            # Any failure to open the session (refused, timeout, bad login) waits for a retry:
            # a misconfigured server must not fail every message for good.
            failure = classify_smtp_error(error)
            raise DeliveryError(failure.reply, connection_lost=True) from error
        try:
            yield _SmtpConnection(client)
        finally:
            # The messages are sent or recorded already: a rude goodbye changes nothing.
            with suppress(smtplib.SMTPException, OSError):
                client.close()


class _MailboxConnection:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(
        self,
        message: OutgoingEmail,
        *,
        envelope_from: str,
        may_hand_over: Callable[[], bool] = _always,
    ) -> None:
        if not may_hand_over():
            raise Withdrawn()
        name = f"{_stamp()}-{uuid.uuid4().hex[:12]}{MAILBOX_SUFFIX}"
        temporary = self.directory / f".{name}.tmp"
        # Personal answer links inside: readable by the server's account only.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(message.data)
        os.replace(temporary, self.directory / name)  # readers never see half a message


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")


@dataclass
class LocalMailboxSender:
    """Writes each message as an .eml file under the data folder: nothing leaves the machine."""

    directory: Path
    local: bool = True

    @contextmanager
    def connect(self) -> Iterator[_MailboxConnection]:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise DeliveryError(
                f"mailbox folder unavailable: {error}", connection_lost=True
            ) from error
        yield _MailboxConnection(self.directory)


MAILBOX_NAME = re.compile(r"^[0-9T]{15,30}-[0-9a-f]{12}\.eml$")


def build_sender(settings: Settings) -> SmtpSender | LocalMailboxSender:
    """The SMTP sender when SMTP_HOST is set, else the local mailbox under DATA_DIR."""
    if not settings.smtp_configured:
        return LocalMailboxSender(settings.mailbox_dir)
    return SmtpSender(
        host=settings.smtp_host,
        port=settings.smtp_port,
        user=settings.smtp_user,
        password=settings.smtp_password,
        security=settings.smtp_security,
        mail_from=settings.mail_from,
    )
