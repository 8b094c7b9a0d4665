"""Enrolments by the caller's ids (person, session, role), with their completion status.

A status change is dated (`status_changed_on`: the day given, else today in Paris) and
audit-logged, as the in-room/dropout issue asks of every way a status is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from api.schemas import EnrolmentItem
from api.upserts import People, in_chunks
from surveys.config import paris_day
from surveys.models import Enrolment, TrainingSession
from surveys.people.enrolment_status import change_status, parse_enrolment_status
from surveys.people.record_checks import RecordRefused, check_date, check_stakeholder_type


@dataclass
class Enrolments:
    session: Session
    actor: str
    now: datetime
    people: People | None = None
    sessions: dict[str, TrainingSession] = field(default_factory=dict)
    existing: dict[tuple[int, int, str], Enrolment] = field(default_factory=dict)

    def load(self, items: list[EnrolmentItem]) -> Enrolments:
        db = self.session
        self.people = People(db).load([item.person_external_id for item in items])
        externals = [item.session_external_id for item in items]
        for row in in_chunks(db, TrainingSession, TrainingSession.external_id, externals):
            self.sessions[row.external_id] = row
        person_ids = [person.id for person in self.people.by_external.values()]
        for start in range(0, len(person_ids), 500):
            chunk = person_ids[start : start + 500]
            for row in db.exec(select(Enrolment).where(col(Enrolment.person_id).in_(chunk))):
                self.existing[(row.person_id, row.session_id, row.role)] = row
        return self

    def apply(self, item: EnrolmentItem) -> str:
        assert self.people is not None
        person = self.people.by_external.get(item.person_external_id)
        if person is None:
            raise RecordRefused(
                "person_external_id", "api.errors.unknown_person", id=item.person_external_id
            )
        training = self.sessions.get(item.session_external_id)
        if training is None:
            raise RecordRefused(
                "session_external_id", "api.errors.unknown_session", id=item.session_external_id
            )
        role = check_stakeholder_type({"role": item.role}, "role") or person.stakeholder_type
        try:
            status = parse_enrolment_status(item.status)
        except ValueError:
            raise RecordRefused("status", "api.errors.status", value=item.status) from None
        changed_on = check_date({"status_changed_on": item.status_changed_on}, "status_changed_on")
        key = (person.id, training.id, role)
        row = self.existing.get(key)
        if row is None:
            row = Enrolment(person_id=person.id, session_id=training.id, role=role)
            if status:
                row.status, row.status_changed_on = status, changed_on or paris_day(self.now)
            self.session.add(row)
            self.existing[key] = row
            return "created"
        if not status or (row.status == status and changed_on in (None, row.status_changed_on)):
            return "unchanged"
        self._record_change(row, status, changed_on or paris_day(self.now))
        return "updated"

    def _record_change(self, row: Enrolment, status: str, day: date) -> None:
        change_status(self.session, row, status, actor=self.actor, now=self.now, day=day)
