"""Everything held about one person, as plain data (right of access), in JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlmodel import Session, select

from surveys.audit import record
from surveys.frozen import FrozenSurvey
from surveys.models import (
    Answer,
    Campaign,
    Complaint,
    Enrolment,
    EvidenceNote,
    Invitation,
    NamedResponse,
    OutboundMessage,
    Person,
    Response,
    ResponseDraft,
    SurveyVersion,
    TrainingSession,
)
from surveys.privacy.common import PrivacyError, invitations_of, plain, plain_row
from surveys.respondent.anonymity import is_sealed
from surveys.spreadsheet import neutralise_formula

IDENTITY_FIELDS = (
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
)
INVITATION_FIELDS = (
    "id",
    "status",
    "language",
    "sent_at",
    "reminder_count",
    "opened_at",
    "completed_at",
)
MESSAGE_FIELDS = ("invitation_id", "kind", "sequence", "status", "sent_at", "attempts")
COMPLAINT_FIELDS = ("id", "kind", "theme", "summary", "details", "received_on", "status", "answer")
NOTE_FIELDS = ("id", "kind", "occurred_on", "summary")
SEALED_DRAFT = (
    "[réponses d'une enquête anonyme, chiffrées : lisibles seulement depuis le lien de la "
    "personne / answers to an anonymous survey, encrypted: readable only through the "
    "person's own link]"
)


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
        frozen = FrozenSurvey(definition)
        texts = frozen.question_texts("fr")
        answers.append(
            {
                "response": response.id,
                "submitted_on": plain(response.submitted_on),
                "survey": frozen.title("fr"),
                "question_id": answer.question_id,
                "question": texts.get(answer.question_id, ""),
                "number": answer.number,
                "text": answer.text,
            }
        )
    return answers


def _invitations(session: Session, invitations: list[Invitation]) -> list[dict[str, Any]]:
    ids = [invitation.campaign_id for invitation in invitations]
    labels = {c.id: c.label for c in session.exec(select(Campaign).where(Campaign.id.in_(ids)))}
    return [
        {**plain_row(i, INVITATION_FIELDS), "campaign": labels.get(i.campaign_id, "")}
        for i in invitations
    ]


def _drafts(session: Session, invitation_ids: list[int]) -> list[dict[str, Any]]:
    """Unfinished answers; an anonymous survey's are sealed and shown as such (nobody here
    can read them, and they must not be matched with the response they become)."""
    drafts = session.exec(
        select(ResponseDraft).where(ResponseDraft.invitation_id.in_(invitation_ids))
    )
    return [
        {
            "invitation_id": d.invitation_id,
            "answers": SEALED_DRAFT if is_sealed(d.answers) else d.answers,
            "updated_at": plain(d.updated_at),
        }
        for d in drafts
    ]


def _enrolments(session: Session, person_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Enrolment, TrainingSession.code)
        .join(TrainingSession, TrainingSession.id == Enrolment.session_id)
        .where(Enrolment.person_id == person_id)
    ).all()
    return [
        {"session": code, "role": enrolment.role, "created_at": plain(enrolment.created_at)}
        for enrolment, code in rows
    ]


def export_person(*, session: Session, person_id: int, actor: str) -> dict[str, Any]:
    """Everything held about one person, as plain data (and an audit-log entry)."""
    person = session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        raise PrivacyError(f"La personne n°{person_id} n'existe pas ou a été effacée.")
    invitations = invitations_of(session, person_id)
    invitation_ids = [invitation.id for invitation in invitations]
    messages = session.exec(
        select(OutboundMessage)
        .where(OutboundMessage.invitation_id.in_(invitation_ids))
        .order_by(OutboundMessage.id)
    )
    complaints = session.exec(select(Complaint).where(Complaint.person_id == person_id))
    notes = session.exec(select(EvidenceNote).where(EvidenceNote.person_id == person_id))
    export = {
        "identity": plain_row(person, IDENTITY_FIELDS),
        "enrolments": _enrolments(session, person_id),
        "invitations": _invitations(session, invitations),
        "messages": [plain_row(m, MESSAGE_FIELDS) for m in messages],
        "named_answers": _named_answers(session, person_id),
        "unfinished_answers": _drafts(session, invitation_ids),
        "complaints": [plain_row(c, COMPLAINT_FIELDS) for c in complaints],
        "evidence_notes": [plain_row(n, NOTE_FIELDS) for n in notes],
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
                text = "" if value is None else str(value)
                writer.writerow([section, number, field, neutralise_formula(text)])
    return "\ufeff" + buffer.getvalue()
