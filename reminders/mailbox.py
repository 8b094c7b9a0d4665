"""Reading the local mailbox: the .eml files written when no SMTP server is configured."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import parsedate_to_datetime
from pathlib import Path

from reminders.transport import MAILBOX_NAME, MAILBOX_SUFFIX

LINK = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class MailboxEntry:
    name: str
    to: str
    subject: str
    date: str  # the Date header as written (kept for tools); people read `sent_at`
    sent_at: datetime | None = None  # aware; shown in Paris time


@dataclass(frozen=True)
class MailboxMessage:
    entry: MailboxEntry
    text: str
    html: str
    links: list[str]
    headers: dict[str, str]


def _parse(path: Path) -> EmailMessage:
    return message_from_bytes(path.read_bytes(), policy=default)  # type: ignore[return-value]


def _entry(name: str, message: EmailMessage) -> MailboxEntry:
    raw_date = str(message["Date"] or "")
    try:
        sent_at: datetime | None = parsedate_to_datetime(raw_date)
        date = sent_at.isoformat(sep=" ", timespec="minutes")
    except (TypeError, ValueError):
        sent_at, date = None, raw_date
    if sent_at is not None and sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=UTC)
    return MailboxEntry(
        name=name,
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
        date=date,
        sent_at=sent_at,
    )


def list_mailbox(directory: Path, limit: int = 200) -> list[MailboxEntry]:
    """The newest messages first (file names start with the time they were written)."""
    if not directory.is_dir():
        return []
    names = sorted(
        (
            path.name
            for path in directory.glob(f"*{MAILBOX_SUFFIX}")
            if MAILBOX_NAME.match(path.name)
        ),
        reverse=True,
    )[:limit]
    return [_entry(name, _parse(directory / name)) for name in names]


def read_mailbox_message(directory: Path, name: str) -> MailboxMessage | None:
    """One message, its text and HTML parts and its links; None for a name that is not a
    mailbox file (no path ever leaves the folder)."""
    if not MAILBOX_NAME.match(name) or not (directory / name).is_file():
        return None
    message = _parse(directory / name)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    text = text_part.get_content() if text_part else ""
    html = html_part.get_content() if html_part else ""
    links = list(dict.fromkeys(LINK.findall(text)))
    headers = {key: str(value) for key, value in message.items()}
    return MailboxMessage(_entry(name, message), text, html, links, headers)


def count_mailbox(directory: Path) -> int:
    if not directory.is_dir():
        return 0
    return sum(1 for path in directory.glob(f"*{MAILBOX_SUFFIX}") if MAILBOX_NAME.match(path.name))
