"""Complaints and incidents filed by a helpdesk or an LMS ticketing tool, into the register of
indicator 31 (`surveys.improvement.complaints`), idempotent by the caller's `external_id`.

Helpdesk subjects (connexion, bug, son/image, accès LMS) are mapped to the register's themes
(the question banks' themes, so complaints and survey results meet on the same axis).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from api.schemas import ComplaintItem
from surveys.improvement.complaints import ComplaintInput, record_complaint
from surveys.models import Complaint, Person, TrainingSession
from surveys.people.record_checks import RecordRefused, check_date, check_required, check_text
from surveys.people.vocabulary import normalise

INCIDENT_THEMES = {
    normalise(word): theme
    for theme, words in {
        "technical_support": ("connexion", "connection", "login", "bug", "panne", "technique"),
        "virtual_classroom": ("son/image", "son", "image", "audio", "video", "sound"),
        "lms_ergonomics": ("accès LMS", "acces lms", "LMS", "plateforme", "platform access"),
    }.items()
    for word in words
}


def register_theme(theme: str) -> str:
    """The register's theme of a helpdesk subject; other words are taken as register themes."""
    return INCIDENT_THEMES.get(normalise(theme), theme.strip())


@dataclass
class Incidents:
    session: Session
    actor: str
    now: datetime

    def apply(self, item: ComplaintItem) -> str:
        external = check_text({"external_id": item.external_id}, "external_id")
        found = self.session.exec(
            select(Complaint.id).where(Complaint.external_id == external)
        ).first()
        if found is not None:
            return "unchanged"  # the register keeps what was filed; staff follow it up
        received = check_date({"received_on": item.received_on}, "received_on")
        check_required({"received_on": received}, "received_on")
        summary = check_text({"summary": item.summary}, "summary")
        entry = ComplaintInput(
            kind=item.kind,
            source=item.source,
            stakeholder_type=item.stakeholder_type,
            theme=register_theme(check_text({"theme": item.theme}, "theme")),
            summary=summary,
            details=item.details,
            received_on=received,
            session_id=self._session_id(item.session_external_id),
            person_id=self._person_id(item.person_external_id),
            external_id=external,
        )
        record_complaint(session=self.session, item=entry, actor=self.actor, now=self.now)
        return "created"

    def _session_id(self, external: str | None) -> int | None:
        if not external:
            return None
        found = self.session.exec(
            select(TrainingSession.id).where(TrainingSession.external_id == external)
        ).first()
        if found is None:
            raise RecordRefused("session_external_id", "api.errors.unknown_session", id=external)
        return found

    def _person_id(self, external: str | None) -> int | None:
        if not external:
            return None
        found = self.session.exec(select(Person.id).where(Person.external_id == external)).first()
        if found is None:
            raise RecordRefused("person_external_id", "api.errors.unknown_person", id=external)
        return found
