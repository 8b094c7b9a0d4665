"""Personal data over its whole life (RGPD): export one person, erase one person, retention purge.

What erasure means here:
- the person's identity (email, names, and the organisation of a learner or trainer) is wiped
  and the row stays as a tombstone holding only its stakeholder type, so enrolment counts,
  invitation counts and past figures keep their values;
- their answer links die (token hash and salt replaced), unsent messages are cancelled, server
  error texts that could quote their address are cleared, their unfinished drafts are deleted;
- on an erasure request, their named responses lose their link to them (the answers become
  anonymous, so scores are unchanged) and their free-text answers are deleted;
- the retention purge keeps named responses pointing at the tombstone, so hot/cold pairs of old
  periods keep their figures, while nothing left can identify the person.
Anonymous answers were never linked to anybody and stay as they are.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.audit import record
from surveys.config import paris_day
from surveys.models import (
    Answer,
    Campaign,
    Complaint,
    Enrolment,
    EvidenceNote,
    Invitation,
    NamedResponse,
    OrganisationSettings,
    OutboundMessage,
    Person,
    Response,
    ResponseDraft,
    SurveyVersion,
    TrainingSession,
)
from surveys.spreadsheet import neutralise_formula

LEGAL_ENTITY_TYPES = ("financer", "company")  # their organisation is not personal data
UNSENT_STATUSES = ("pending", "retry")
ERASED_COMPLAINT_SUMMARY = "[texte effacé à la demande de la personne / erased on request]"


class PrivacyError(ValueError):
    """The operation cannot be done (the message names the person by number only)."""


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(item: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: _value(getattr(item, field)) for field in fields}


def _invitations(session: Session, person_id: int) -> list[Invitation]:
    return list(session.exec(select(Invitation).where(Invitation.person_id == person_id)))


def _named_answers(session: Session, person_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Response, Answer, SurveyVersion.definition)
        .join(NamedResponse, NamedResponse.response_id == Response.id)
        .join(Answer, Answer.response_id == Response.id)
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .where(NamedResponse.person_id == person_id)
        .order_by(Response.submitted_on, Answer.id)
    ).all()
    answers = []
    for response, answer, definition in rows:
        texts = {q["id"]: q["text"]["fr"] for s in definition["sections"] for q in s["questions"]}
        answers.append(
            {
                "response": response.id,
                "submitted_on": _value(response.submitted_on),
                "survey": definition.get("title", {}).get("fr", ""),
                "question_id": answer.question_id,
                "question": texts.get(answer.question_id, ""),
                "number": answer.number,
                "text": answer.text,
            }
        )
    return answers


def export_person(*, session: Session, person_id: int, actor: str) -> dict[str, Any]:
    """Everything held about one person, as plain data (and an audit-log entry)."""
    person = session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        raise PrivacyError(f"La personne n°{person_id} n'existe pas ou a été effacée.")
    invitations = _invitations(session, person_id)
    invitation_ids = [invitation.id for invitation in invitations]
    enrolments = session.exec(
        select(Enrolment, TrainingSession.code)
        .join(TrainingSession, TrainingSession.id == Enrolment.session_id)
        .where(Enrolment.person_id == person_id)
    ).all()
    messages = session.exec(
        select(OutboundMessage)
        .where(OutboundMessage.invitation_id.in_(invitation_ids))
        .order_by(OutboundMessage.id)
    ).all()
    campaigns = {
        c.id: c.label
        for c in session.exec(
            select(Campaign).where(Campaign.id.in_([i.campaign_id for i in invitations]))
        )
    }
    export = {
        "identity": _row(
            person,
            (
                "id",
                "email",
                "first_name",
                "last_name",
                "stakeholder_type",
                "organisation",
                "language",
                "opted_out_at",
                "bounced_at",
                "created_at",
            ),
        ),
        "enrolments": [
            {"session": code, "role": enrolment.role, "created_at": _value(enrolment.created_at)}
            for enrolment, code in enrolments
        ],
        "invitations": [
            {
                **_row(
                    i,
                    (
                        "id",
                        "status",
                        "language",
                        "sent_at",
                        "reminder_count",
                        "opened_at",
                        "completed_at",
                    ),
                ),
                "campaign": campaigns.get(i.campaign_id, ""),
            }
            for i in invitations
        ],
        "messages": [
            _row(m, ("invitation_id", "kind", "sequence", "status", "sent_at", "attempts"))
            for m in messages
        ],
        "named_answers": _named_answers(session, person_id),
        "unfinished_answers": [
            {
                "invitation_id": d.invitation_id,
                "answers": d.answers,
                "updated_at": _value(d.updated_at),
            }
            for d in session.exec(
                select(ResponseDraft).where(ResponseDraft.invitation_id.in_(invitation_ids))
            )
        ],
        "complaints": [
            _row(
                c, ("id", "kind", "theme", "summary", "details", "received_on", "status", "answer")
            )
            for c in session.exec(select(Complaint).where(Complaint.person_id == person_id))
        ],
        "evidence_notes": [
            _row(n, ("id", "kind", "occurred_on", "summary"))
            for n in session.exec(select(EvidenceNote).where(EvidenceNote.person_id == person_id))
        ],
    }
    record(session, actor=actor, action="person.export", target=f"person:{person_id}")
    return export


def export_as_json(export: dict[str, Any]) -> str:
    return json.dumps(export, ensure_ascii=False, indent=2, sort_keys=True)


def export_as_csv(export: dict[str, Any]) -> str:
    """One CSV (`;`, for French Excel) of section, item number, field and value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["section", "item", "field", "value"])
    for section, content in export.items():
        items = content if isinstance(content, list) else [content]
        for number, item in enumerate(items, start=1):
            for field, value in item.items():
                writer.writerow(
                    [
                        section,
                        number,
                        field,
                        neutralise_formula("" if value is None else str(value)),
                    ]
                )
    return "\ufeff" + buffer.getvalue()


def _wipe_identity(person: Person, *, now: datetime) -> None:
    person.email = None
    person.external_id = None  # the caller's id would name them again
    person.first_name = ""
    person.last_name = ""
    if person.stakeholder_type not in LEGAL_ENTITY_TYPES:
        person.organisation = ""
    person.erased_at = now


def _kill_links_and_messages(session: Session, invitations: list[Invitation]) -> None:
    ids = [invitation.id for invitation in invitations]
    for invitation in invitations:
        invitation.token_salt = secrets.token_hex(16)
        invitation.token_hash = secrets.token_hex(32)  # matches no token: the link is dead
        session.add(invitation)
    if not ids:
        return
    session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.invitation_id.in_(ids), OutboundMessage.status.in_(UNSENT_STATUSES))
        .values(status="cancelled")
    )
    session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.invitation_id.in_(ids))
        .values(last_error=None)
    )
    session.execute(sa.delete(ResponseDraft).where(ResponseDraft.invitation_id.in_(ids)))


def _forget_mailbox(mailbox_dir: Path | None, email: str | None) -> int:
    """Delete local-mailbox copies of emails sent to this address."""
    if mailbox_dir is None or not email or not mailbox_dir.exists():
        return 0
    removed = 0
    needle = email.lower().encode()
    for path in mailbox_dir.rglob("*.eml"):
        if needle in path.read_bytes().lower():
            path.unlink()
            removed += 1
    return removed


def erase_person(
    *,
    session: Session,
    person_id: int,
    actor: str,
    now: datetime,
    mailbox_dir: Path | None = None,
) -> None:
    """Erase a person on request (right to erasure). Aggregated scores are unchanged."""
    person = session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        raise PrivacyError(f"La personne n°{person_id} n'existe pas ou a déjà été effacée.")
    invitations = _invitations(session, person_id)
    links = list(session.exec(select(NamedResponse).where(NamedResponse.person_id == person_id)))
    response_ids = [link.response_id for link in links]
    if response_ids:
        session.execute(
            sa.delete(Answer).where(
                Answer.response_id.in_(response_ids),
                Answer.text.is_not(None),
                Answer.number.is_(None),
                _is_free_text(session, response_ids),
            )
        )
        session.execute(sa.delete(NamedResponse).where(NamedResponse.person_id == person_id))
        session.execute(
            sa.update(Response).where(Response.id.in_(response_ids)).values(anonymous=True)
        )
    _forget_mailbox(mailbox_dir, person.email)
    _kill_links_and_messages(session, invitations)
    for invitation in invitations:
        invitation.person_id = None
        session.add(invitation)
    _detach(session, person_id)
    _wipe_identity(person, now=now)
    session.add(person)
    record(
        session,
        actor=actor,
        action="person.erase",
        target=f"person:{person_id}",
        at=now,
        details={"named_responses_unlinked": len(response_ids)},
    )


def _is_free_text(session: Session, response_ids: list[str]) -> sa.ColumnElement[bool]:
    """Answers to `text` questions of these responses' survey versions."""
    version_ids = select(Response.survey_version_id).where(Response.id.in_(response_ids))
    versions = session.exec(
        select(SurveyVersion.definition).where(SurveyVersion.id.in_(version_ids))
    ).all()
    text_ids = {
        q["id"]
        for d in versions
        for s in d["sections"]
        for q in s["questions"]
        if q["type"] == "text"
    }
    return Answer.question_id.in_(sorted(text_ids))


def _detach(session: Session, person_id: int) -> None:
    """Unlink the register and notes; a complaint keeps its kind, theme and dates (indicator 31
    statistics) but loses the person's own words."""
    session.execute(
        sa.update(Complaint)
        .where(Complaint.person_id == person_id)
        .values(person_id=None, details="", summary=ERASED_COMPLAINT_SUMMARY, response_id=None)
    )
    session.execute(
        sa.update(EvidenceNote).where(EvidenceNote.person_id == person_id).values(person_id=None)
    )


@dataclass(frozen=True)
class PurgeReport:
    cutoff: date
    people: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {"cutoff": self.cutoff.isoformat(), "people": len(self.people)}


def people_past_retention(*, session: Session, now: datetime) -> tuple[date, list[int]]:
    """People whose last training ended (or, without training, who were last invited or
    created) more than the retention period ago."""
    organisation = session.get(OrganisationSettings, 1)
    years = organisation.retention_years if organisation else 3
    today = paris_day(now)
    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    last_session = (
        select(sa.func.max(TrainingSession.end_date))
        .join(Enrolment, Enrolment.session_id == TrainingSession.id)
        .where(Enrolment.person_id == Person.id)
        .scalar_subquery()
    )
    last_invited = (
        select(sa.func.max(Invitation.created_at))
        .where(Invitation.person_id == Person.id)
        .scalar_subquery()
    )
    people = session.exec(
        select(Person.id, last_session, last_invited, Person.created_at).where(
            Person.erased_at.is_(None)
        )
    ).all()
    due = []
    for person_id, ended, invited, created in people:
        latest = ended or (invited.date() if invited else created.date())
        if invited is not None and ended is not None:
            latest = max(ended, invited.date())
        if latest < cutoff:
            due.append(person_id)
    return cutoff, sorted(due)


def purge_expired(
    *,
    session: Session,
    now: datetime,
    dry_run: bool = False,
    mailbox_dir: Path | None = None,
) -> PurgeReport:
    """Anonymise everyone past the retention period (the daily job and `surveys purge`)."""
    cutoff, due = people_past_retention(session=session, now=now)
    if dry_run:
        return PurgeReport(cutoff, due)
    for person_id in due:
        person = session.get(Person, person_id)
        invitations = _invitations(session, person_id)
        _forget_mailbox(mailbox_dir, person.email)
        _kill_links_and_messages(session, invitations)
        _detach(session, person_id)
        _wipe_identity(person, now=now)
        session.add(person)
    record(
        session,
        actor="system",
        action="retention.purge",
        at=now,
        details={"cutoff": cutoff.isoformat(), "people": len(due)},
    )
    return PurgeReport(cutoff, due)
