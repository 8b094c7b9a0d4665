"""Evidence notes: proof that a stakeholder's appreciation was gathered other than by a survey.

Indicator 30 lets a training organisation replace the yearly financer survey by its
participation in the financer's webinars or meetings on good practice, and accepts interviews,
steering committees and debriefs as ways of collecting appreciations. Such an event is recorded
here (who, what, when, what came out of it) and shown in the evidence pack; a financer with a
note in the year counts as solicited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

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
from surveys.models import STAKEHOLDER_TYPES, EvidenceNote, utc_now

NOTE_KINDS = (
    "webinar",
    "meeting",
    "interview",
    "steering_committee",
    "debrief",
    "financer_platform",
    "other",
)
SUMMARY_MAX_LENGTH = 2000
ORGANISATION_MAX_LENGTH = 200


class EvidenceNoteError(TranslatableError):
    """An evidence note was refused; the message says why."""


@dataclass(frozen=True)
class EvidenceNoteInput:
    stakeholder_type: str
    kind: str
    occurred_on: date
    summary: str
    organisation: str = ""
    person_id: int | None = None


def _validate(item: EvidenceNoteInput, *, today: date) -> None:
    checks = (
        one_of(item.stakeholder_type, STAKEHOLDER_TYPES, "improve.errors.stakeholder"),
        one_of(item.kind, NOTE_KINDS, "improve.errors.note_kind"),
        *summary_checks(item.summary, SUMMARY_MAX_LENGTH),
        at_most(item.organisation, ORGANISATION_MAX_LENGTH, "improve.errors.summary_long"),
        (item.occurred_on <= today, "improve.errors.note_future", {}),
    )
    refuse_first(checks, EvidenceNoteError)


def record_evidence_note(
    *, session: Session, item: EvidenceNoteInput, actor: str, now: datetime | None = None
) -> EvidenceNote:
    now = now or utc_now()
    _validate(item, today=paris_day(now))
    note = row_from(
        EvidenceNote, item, strip=("summary", "organisation"), created_by=actor, created_at=now
    )
    return save_with_audit(
        session,
        note,
        actor=actor,
        action="evidence_note.record",
        kind="note",
        details={"kind": item.kind, "stakeholder": item.stakeholder_type},
        at=now,
    )


def list_evidence_notes(
    *, session: Session, start: date | None = None, end: date | None = None
) -> list[EvidenceNote]:
    """Notes of events between `start` and `end` (inclusive), oldest first."""
    query = select(EvidenceNote)
    if start is not None:
        query = query.where(EvidenceNote.occurred_on >= start)
    if end is not None:
        query = query.where(EvidenceNote.occurred_on <= end)
    return list(session.exec(query.order_by(EvidenceNote.occurred_on, EvidenceNote.id)))
