"""Survey emails: Jinja2 text templates (subject + body, per kind and language, editable per
plan) placed in an HTML layout and a text layout, then composed into a MIME message with a real
text part, an HTML part and the List-Unsubscribe headers.

Two environments on purpose: the subject and body a staff member may edit are rendered in a
sandbox as plain text (they never produce markup), and the layouts escape everything they
receive in HTML, so a person's name can inject neither markup nor headers.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, formataddr, make_msgid
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from surveys.config import DISPLAY_TIMEZONE
from surveys.i18n import normalise_language, t
from surveys.rendering import template_environment

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
EMAIL_TEMPLATE_NAMES = ("invitation", "reminder_1", "reminder_2", "resend")
PLACEHOLDERS = (
    "greeting",
    "first_name",
    "last_name",
    "organisation_name",
    "survey_title",
    "closes_on",
    "support_contact",
)
MAX_SUBJECT_LENGTH = 200
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # Cc, Zl, Zp


class EmailTemplateError(ValueError):
    """A staff-edited subject or body does not render (message for staff, in French)."""


@dataclass(frozen=True)
class EmailSource:
    """The editable part of an email: a subject line and a body, both Jinja2 text."""

    subject: str
    body: str


@dataclass(frozen=True)
class EmailFacts:
    """What one email says, gathered by the dispatcher (or invented for a preview)."""

    language: str
    first_name: str
    last_name: str
    organisation_name: str
    support_email: str
    support_phone: str
    survey_title: str
    closes_at: datetime
    answer_url: str
    unsubscribe_url: str


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    language: str


def strip_control_characters(value: str) -> str:
    """Remove CR, LF, NUL and every other control or separator character that could break a
    header line; collapse runs of spaces."""
    return " ".join(_CONTROL_CHARACTERS.sub(" ", value or "").split())


@cache
def default_source(template_name: str, language: str) -> EmailSource:
    """The shipped template: its first line is the subject, the rest the body."""
    if template_name not in EMAIL_TEMPLATE_NAMES:
        raise KeyError(template_name)
    path = TEMPLATES_DIR / normalise_language(language) / f"{template_name}.txt"
    subject, _, body = path.read_text(encoding="utf-8").partition("\n")
    return EmailSource(subject=subject.strip(), body=body.strip())


def plan_source(overrides: dict[str, Any] | None, template_name: str, language: str) -> EmailSource:
    """The plan's edited subject and body when it has them, else the shipped template."""
    edited = ((overrides or {}).get(normalise_language(language)) or {}).get(template_name) or {}
    default = default_source(template_name, language)
    return EmailSource(
        subject=edited.get("subject") or default.subject, body=edited.get("body") or default.body
    )


@cache
def _sandbox() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


@lru_cache(maxsize=512)
def _compiled(source: str) -> Any:
    return _sandbox().from_string(source)


@cache
def _layouts() -> Environment:
    # The shipped layouts do not change while running: no stat per email.
    environment = template_environment(TEMPLATES_DIR, auto_reload=False)
    environment.globals.update(t=_translated)
    return environment


@lru_cache(maxsize=4096)
def _translated_cached(key: str, language: str, params: tuple[tuple[str, Any], ...]) -> str:
    return t(key, language, **dict(params))


def _translated(key: str, language: str, **params: Any) -> str:
    """`t` for the layouts, remembered: the same dozen sentences go into every email."""
    return _translated_cached(key, language, tuple(sorted(params.items())))


def format_day(moment: datetime, language: str) -> str:
    """ "27 novembre 2026" / "27 November 2026", on the Paris calendar."""
    local = moment.astimezone(DISPLAY_TIMEZONE)
    month = t(f"reminders.month.{local.month}", language)
    return f"{local.day} {month} {local.year}"


def _support_contact(facts: EmailFacts) -> str:
    return " – ".join(part for part in (facts.support_email, facts.support_phone) if part)


def source_variables(facts: EmailFacts) -> dict[str, str]:
    """The placeholders a subject or body may use (all plain text)."""
    first = strip_control_characters(facts.first_name)
    greeting_key = "reminders.email.greeting" if first else "reminders.email.greeting_anonymous"
    return {
        "greeting": _translated(greeting_key, facts.language, name=first),
        "first_name": first,
        "last_name": strip_control_characters(facts.last_name),
        "organisation_name": facts.organisation_name,
        "survey_title": facts.survey_title,
        "closes_on": format_day(facts.closes_at, facts.language),
        "support_contact": _support_contact(facts),
    }


def render_source(source: EmailSource, variables: dict[str, str]) -> tuple[str, str]:
    """Subject and body rendered as text; EmailTemplateError names what is wrong."""
    try:
        subject = _compiled(source.subject).render(variables)
        body = _compiled(source.body).render(variables)
    except Exception as error:  # any Jinja2 error: syntax, unknown name, sandbox refusal
        raise EmailTemplateError(str(error)) from error
    return strip_control_characters(subject)[:MAX_SUBJECT_LENGTH], body.strip()


def render_email(source: EmailSource, facts: EmailFacts) -> RenderedEmail:
    """The finished email: subject, text part and HTML part."""
    language = normalise_language(facts.language)
    variables = source_variables(facts)
    subject, body = render_source(source, variables)
    paragraphs = [part.strip() for part in _PARAGRAPH_BREAK.split(body) if part.strip()]
    context = {
        **variables,
        "lang": language,
        "subject": subject,
        "paragraphs": paragraphs,
        "answer_url": facts.answer_url,
        "unsubscribe_url": facts.unsubscribe_url,
        "support_email": facts.support_email,
        "support_phone": facts.support_phone,
    }
    text = _layouts().get_template("layout.txt").render(context)
    html = _layouts().get_template("layout.html").render(context)
    return RenderedEmail(subject=subject, text=text, html=html, language=language)


def check_source(source: EmailSource, language: str) -> None:
    """Refuse an edited subject or body that would fail to render (unknown placeholder,
    syntax error) or that holds a line break in the subject."""
    if "\n" in source.subject.strip() or "\r" in source.subject:
        raise EmailTemplateError(t("reminders.emails.subject_one_line", language))
    render_source(source, source_variables(sample_facts(language)))


def sample_facts(language: str, **changes: Any) -> EmailFacts:
    """Invented facts for a preview."""
    values: dict[str, Any] = {
        "language": language,
        "first_name": "Camille",
        "last_name": "Martin",
        "organisation_name": "Mon organisme de formation",
        "support_email": "",
        "support_phone": "",
        "survey_title": t("reminders.emails.sample_survey", language),
        "closes_at": datetime(2026, 12, 31, 17, tzinfo=DISPLAY_TIMEZONE),
        "answer_url": "https://example.org/r/exemple",
        "unsubscribe_url": "https://example.org/u/exemple",
    }
    values.update(changes)
    return EmailFacts(**values)


def new_message_id(from_address: str) -> str:
    """A unique Message-ID (yagmail's default would repeat for every reminder)."""
    domain = from_address.rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain)


@dataclass(frozen=True)
class OutgoingEmail:
    """A composed message: its wire bytes (CRLF line ends) and what the envelope needs."""

    data: bytes
    recipient: str
    message_id: str


def _quoted_printable(text: str) -> bytes:
    """UTF-8 text as quoted-printable, 76-column lines, CRLF line ends."""
    crlf = "\r\n".join(text.splitlines()) + "\r\n"
    return binascii.b2a_qp(crlf.encode("utf-8"), istext=True)


ENCODED_WORD_BYTES = 45  # 45 bytes -> 60 base64 characters: words stay under 75 characters


def encode_header_text(text: str) -> str:
    """RFC 2047: ASCII text as is, other text as UTF-8 base64 encoded words, folded with CRLF
    + space, never splitting a character (email.header does the same, ten times slower)."""
    if text.isascii():
        return text
    words, chunk = [], b""
    for char in text:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > ENCODED_WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode()}?=" for word in words)


def _checked_address(address: str) -> str:
    if not address or any(char.isspace() or ord(char) < 32 for char in address):
        raise ValueError(f"unusable address {address!r}")
    return address


def compose_message(
    rendered: RenderedEmail,
    *,
    to_address: str,
    to_name: str,
    from_address: str,
    from_name: str,
    unsubscribe_url: str,
    message_id: str,
    now: datetime,
) -> OutgoingEmail:
    """A multipart/alternative message (text first, then HTML) with RFC 8058 headers.

    Written directly as bytes: this message always has the same shape, and the `email`
    package's objects and generator cost three times as much per message (measured by
    benchmarks/dispatch_bench.py). The tests read every message back with the standard
    library's parser. Header values are safe by construction: names and the subject lose
    every control character, addresses may not hold any, and formataddr quotes or
    RFC 2047-encodes display names.
    """
    boundary = f"=_{uuid.uuid4().hex}"  # "=_" never occurs in quoted-printable text
    headers = (
        (
            "From",
            formataddr(
                (strip_control_characters(from_name), _checked_address(from_address)), "utf-8"
            ),
        ),
        (
            "To",
            formataddr((strip_control_characters(to_name), _checked_address(to_address)), "utf-8"),
        ),
        ("Subject", encode_header_text(rendered.subject)),
        ("Date", format_datetime(now)),
        ("Message-ID", message_id),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
        ("Content-Language", rendered.language),
        ("List-Unsubscribe", f"<{unsubscribe_url}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    parts = []
    for subtype, body in (("plain", rendered.text), ("html", rendered.html)):
        parts.append(
            f'--{boundary}\r\nContent-Type: text/{subtype}; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n".encode("ascii")
            + _quoted_printable(body)
        )
    data = (head + "\r\n").encode("ascii") + b"".join(parts) + f"--{boundary}--\r\n".encode()
    return OutgoingEmail(data=data, recipient=to_address, message_id=message_id)
