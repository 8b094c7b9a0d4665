"""The complaints and incidents register (Qualiopi indicator 31).

A complaint ("réclamation"), a difficulty or a technical incident ("aléa") is recorded with
its source, the stakeholder type, a theme and the day it was received; then acknowledged,
answered and closed. Each step is dated, so the delays an auditor asks about (days to
acknowledge, to answer, to close) are measured, not declared. `complaint_row` is pure; the
register's frame and statistics are computed in `analysis.register`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from surveys.audit import save_with_audit
from surveys.config import paris_day
from surveys.i18n import TranslatableError
from surveys.improvement.common import (
    at_most,
    one_of,
    refuse_first,
    row_from,
    summary_checks,
)
from surveys.integration.webhook_events import emit_complaint_created
from surveys.models import (
    COMPLAINT_KINDS,
    STAKEHOLDER_TYPES,
    Campaign,
    Complaint,
    NamedResponse,
    Response,
    utc_now,
)

COMPLAINT_SOURCES = ("survey", "email", "phone", "meeting", "ticket", "lms", "other")
OTHER_THEME = "other"
SUMMARY_MAX_LENGTH = 300
DETAILS_MAX_LENGTH = 5000
OPEN_STATUSES = ("received", "acknowledged", "answered")
DELAY_COLUMNS = ("days_to_acknowledge", "days_to_answer", "days_to_close")


class ComplaintError(TranslatableError):
    """A register operation was refused; the message (French by default) says why."""


@dataclass(frozen=True)
class ComplaintInput:
    """What a person types to record a complaint or an incident."""

    kind: str
    source: str
    stakeholder_type: str
    theme: str
    summary: str
    received_on: date
    details: str = ""
    session_id: int | None = None
    person_id: int | None = None
    response_id: str | None = None
    external_id: str | None = None  # the caller's id, when filed through the API


def known_themes() -> tuple[str, ...]:
    """The themes a complaint may carry: the question banks' themes, plus "other"."""
    from question_banks.loader import load_catalog

    return (*(theme.id for theme in load_catalog().themes), OTHER_THEME)


def _validate(item: ComplaintInput, *, today: date) -> None:
    checks = (
        one_of(item.kind, COMPLAINT_KINDS, "improve.errors.kind"),
        one_of(item.source, COMPLAINT_SOURCES, "improve.errors.source"),
        one_of(item.stakeholder_type, STAKEHOLDER_TYPES, "improve.errors.stakeholder"),
        one_of(item.theme, known_themes(), "improve.errors.theme"),
        *summary_checks(item.summary, SUMMARY_MAX_LENGTH),
        at_most(item.details, DETAILS_MAX_LENGTH, "improve.errors.details_long"),
        (item.received_on <= today, "improve.errors.received_future", {}),
    )
    refuse_first(checks, ComplaintError)


def record_complaint(
    *, session: Session, item: ComplaintInput, actor: str, now: datetime | None = None
) -> Complaint:
    """Add a complaint, difficulty or incident to the register (status "received")."""
    now = now or utc_now()
    _validate(item, today=paris_day(now))
    complaint = row_from(
        Complaint, item, strip=("summary", "details"), created_by=actor, created_at=now
    )
    save_with_audit(
        session,
        complaint,
        actor=actor,
        action="complaint.record",
        kind="complaint",
        details={"kind": item.kind, "theme": item.theme},
        at=now,
    )
    emit_complaint_created(session, complaint, now=now)
    return complaint


def get_complaint(*, session: Session, complaint_id: int) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise ComplaintError("improve.errors.complaint_missing", id=complaint_id)
    return complaint


def _step(
    session: Session, complaint: Complaint, action: str, actor: str, now: datetime, **changes: Any
) -> Complaint:
    """Apply a step of the complaint's handling (`changes`: its new status and dates)."""
    for name, value in changes.items():
        setattr(complaint, name, value)
    return save_with_audit(
        session, complaint, actor=actor, action=f"complaint.{action}", kind="complaint", at=now
    )


def acknowledge_complaint(
    *, session: Session, complaint_id: int, actor: str, now: datetime | None = None
) -> Complaint:
    """Record that the complainant was told their complaint was received."""
    now = now or utc_now()
    complaint = get_complaint(session=session, complaint_id=complaint_id)
    if complaint.status != "received":
        raise ComplaintError("improve.errors.already_acknowledged")
    return _step(
        session, complaint, "acknowledge", actor, now, acknowledged_at=now, status="acknowledged"
    )


def answer_complaint(
    *, session: Session, complaint_id: int, answer: str, actor: str, now: datetime | None = None
) -> Complaint:
    """Record the answer (or, for an incident, how it was resolved). Answering also counts as
    acknowledging when that step was skipped: the person did hear back."""
    now = now or utc_now()
    complaint = get_complaint(session=session, complaint_id=complaint_id)
    if complaint.status == "closed":
        raise ComplaintError("improve.errors.closed")
    if not answer.strip():
        raise ComplaintError("improve.errors.answer_missing")
    if len(answer) > DETAILS_MAX_LENGTH:
        raise ComplaintError("improve.errors.details_long", limit=DETAILS_MAX_LENGTH)
    return _step(
        session,
        complaint,
        "answer",
        actor,
        now,
        acknowledged_at=complaint.acknowledged_at or now,
        answered_at=now,
        answer=answer.strip(),
        status="answered",
    )


def close_complaint(
    *, session: Session, complaint_id: int, actor: str, now: datetime | None = None
) -> Complaint:
    """Close a complaint that was answered (an unanswered one cannot be closed: indicator 31
    asks for the answer given to each complainant)."""
    now = now or utc_now()
    complaint = get_complaint(session=session, complaint_id=complaint_id)
    if complaint.status == "closed":
        raise ComplaintError("improve.errors.closed")
    if complaint.status != "answered":
        raise ComplaintError("improve.errors.close_unanswered")
    return _step(session, complaint, "close", actor, now, closed_at=now, status="closed")


def list_complaints(
    *,
    session: Session,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
) -> list[Complaint]:
    """Complaints received between `start` and `end` (inclusive), oldest first."""
    query = select(Complaint)
    if start is not None:
        query = query.where(Complaint.received_on >= start)
    if end is not None:
        query = query.where(Complaint.received_on <= end)
    if status is not None:
        query = query.where(Complaint.status == status)
    return list(session.exec(query.order_by(Complaint.received_on, Complaint.id)))


def complaint_for_response(*, session: Session, response_id: str) -> Complaint | None:
    """The complaint already recorded from this survey response, if any."""
    query = select(Complaint).where(Complaint.response_id == response_id)
    return session.exec(query.order_by(Complaint.id).limit(1)).first()


def recorded_response_ids(*, session: Session) -> set[str]:
    """The survey responses whose comment is already in the register."""
    query = select(Complaint.response_id).where(Complaint.response_id.is_not(None))
    return set(session.exec(query))


def record_complaint_from_answer(
    *,
    session: Session,
    response_id: str,
    text: str,
    theme: str,
    actor: str,
    kind: str = "complaint",
    now: datetime | None = None,
) -> Complaint:
    """Put a free-text answer that reads as a complaint into the register.

    The stakeholder type, session and day come from the response's campaign; the person only
    when the response is named (an anonymous response stays anonymous in the register too).
    Recording the same response twice is refused, so a comment is never counted twice."""
    response = session.get(Response, response_id)
    if response is None:
        raise ComplaintError("improve.errors.response_missing")
    if complaint_for_response(session=session, response_id=response_id) is not None:
        raise ComplaintError("improve.errors.response_recorded")
    campaign = session.get(Campaign, response.campaign_id)
    link = session.get(NamedResponse, response_id)
    summary = " ".join(text.split())
    if len(summary) > SUMMARY_MAX_LENGTH:
        summary = summary[: SUMMARY_MAX_LENGTH - 1].rstrip() + "…"
    item = ComplaintInput(
        kind=kind,
        source="survey",
        theme=theme,
        summary=summary,
        details=text.strip(),
        stakeholder_type=campaign.audience if campaign else "learner",
        received_on=response.submitted_on,
        session_id=campaign.session_id if campaign else None,
        person_id=link.person_id if link else None,
        response_id=response_id,
    )
    return record_complaint(session=session, item=item, actor=actor, now=now)


# -- Delays (pure) ---------------------------------------------------------------------


def _paris_day(moment: datetime | None) -> date | None:
    return paris_day(moment) if moment is not None else None


def _days_between(start: date, moment: datetime | None) -> int | None:
    day = _paris_day(moment)
    return None if day is None else (day - start).days


def complaint_row(complaint: Complaint) -> dict[str, Any]:
    """One register line, with its delays in days counted from the day of receipt (Paris)."""
    received = complaint.received_on
    return {
        "id": complaint.id,
        "kind": complaint.kind,
        "source": complaint.source,
        "stakeholder_type": complaint.stakeholder_type,
        "theme": complaint.theme,
        "summary": complaint.summary,
        "received_on": received,
        "status": complaint.status,
        "session_id": complaint.session_id,
        "response_id": complaint.response_id,
        "acknowledged_on": _paris_day(complaint.acknowledged_at),
        "answered_on": _paris_day(complaint.answered_at),
        "closed_on": _paris_day(complaint.closed_at),
        "answer": complaint.answer,
        "days_to_acknowledge": _days_between(received, complaint.acknowledged_at),
        "days_to_answer": _days_between(received, complaint.answered_at),
        "days_to_close": _days_between(received, complaint.closed_at),
    }


COMPLAINT_COLUMNS = (
    "id",
    "kind",
    "source",
    "stakeholder_type",
    "theme",
    "summary",
    "received_on",
    "status",
    "session_id",
    "response_id",
    "acknowledged_on",
    "answered_on",
    "closed_on",
    "answer",
    *DELAY_COLUMNS,
)
