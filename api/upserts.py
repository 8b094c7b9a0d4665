"""Idempotent writes by the caller's own ids: programmes, sessions, people, enrolments.

Each record is found by its `external_id` (enrolments by their person's and session's);
a record the CSV import created before the API was used is adopted by its natural key
(email, session code, programme code) and gets the external id. Fields are checked by the
import's rules (`surveys.people.record_checks`); a record whose fields all match is `unchanged`.
An opt-out or a bounce is never undone, and an erased person is never brought back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from api.schemas import PersonItem, ProgrammeItem, SessionItem
from surveys.models import Enrolment, Person, Programme, TrainingSession
from surveys.people.record_checks import (
    RecordRefused,
    check_date,
    check_dates_in_order,
    check_modality,
    check_person,
    check_required,
    check_text,
)

CHUNK = 500
SESSION_FIELD_NAMES = {"session_code": "code", "programme": "name"}
PROGRAMME_FIELD_NAMES = {"programme": "name"}


def in_chunks(session: Session, model: type[SQLModel], column: Any, values: Iterable[Any]):
    wanted = sorted({value for value in values if value})
    for start in range(0, len(wanted), CHUNK):
        yield from session.exec(select(model).where(col(column).in_(wanted[start : start + CHUNK])))


Row = TypeVar("Row", bound=SQLModel)


def _apply_changes(row: SQLModel, changes: dict[str, Any], session: Session) -> bool:
    """Set what differs (flushed with the whole call, see `api.bulk`)."""
    changed = {name: value for name, value in changes.items() if getattr(row, name) != value}
    for name, value in changed.items():
        setattr(row, name, value)
    if changed:
        session.add(row)
    return bool(changed)


def _upsert(
    session: Session,
    row: Row | None,
    model: type[Row],
    changes: dict[str, Any],
    *,
    needs_id: bool = False,
) -> tuple[Row, str]:
    """Create a `model` row from `changes`, or set what differs on `row`; says which
    ("created", "updated", "unchanged"). `needs_id`: the new row is flushed for its id."""
    if row is not None:
        return row, "updated" if _apply_changes(row, changes, session) else "unchanged"
    row = model(**changes)
    session.add(row)
    if needs_id:
        session.flush()
    return row, "created"


def _external_id(value: str) -> str:
    return check_text({"external_id": value}, "external_id")


# ---------------------------------------------------------------------------- programmes


@dataclass
class Programmes:
    session: Session
    by_external: dict[str, Programme] = field(default_factory=dict)
    by_code: dict[str, Programme] = field(default_factory=dict)

    def load(self, items: list[ProgrammeItem]) -> Programmes:
        for row in in_chunks(
            self.session, Programme, Programme.external_id, [i.external_id for i in items]
        ):
            self.by_external[row.external_id] = row
        codes = [_programme_code(item) for item in items]
        for row in in_chunks(self.session, Programme, Programme.code, codes):
            self.by_code[row.code.lower()] = row
        return self

    def apply(self, item: ProgrammeItem) -> str:
        external = _external_id(item.external_id)
        name = check_text({"programme": item.name}, "programme")
        check_required({"programme": name}, "programme")
        code = check_text({"code": _programme_code(item)}, "code")
        row = self.by_external.get(external)
        holder = self.by_code.get(code.lower())
        if holder is not None and holder is not row:
            if holder.external_id is not None or row is not None:
                raise RecordRefused("code", "api.errors.code_taken", code=code)
            row = holder  # made by the import or by hand: adopt it
        changes = {"external_id": external, "name": name, "code": code}
        if item.kind:
            changes["kind"] = item.kind
        row, result = _upsert(self.session, row, Programme, changes)
        self.by_external[external] = self.by_code[code.lower()] = row
        return result


def _programme_code(item: ProgrammeItem) -> str:
    if item.code:
        return item.code.strip()
    return re.sub(r"[^A-Za-z0-9]+", "-", item.external_id).strip("-").upper()[:60] or "PRG"


# ---------------------------------------------------------------------------- people


@dataclass
class People:
    session: Session
    by_external: dict[str, Person] = field(default_factory=dict)
    by_email: dict[str, Person] = field(default_factory=dict)

    def load(self, externals: Iterable[str], emails: Iterable[str] = ()) -> People:
        for row in in_chunks(self.session, Person, Person.external_id, externals):
            self._remember(row)
        for row in in_chunks(
            self.session, Person, Person.email, [e.strip().lower() for e in emails]
        ):
            self._remember(row)
        return self

    def _remember(self, row: Person) -> None:
        if row.external_id:
            self.by_external[row.external_id] = row
        if row.email:
            self.by_email[row.email.lower()] = row

    def apply(self, item: PersonItem) -> str:
        external = _external_id(item.external_id)
        checked = check_person(
            {
                "email": item.email,
                "stakeholder_type": item.stakeholder_type,
                "first_name": item.first_name,
                "last_name": item.last_name,
                "organisation": item.organisation,
                "language": item.language,
            }
        )
        row = self._find(external, checked.email)
        changes: dict[str, Any] = {
            "external_id": external,
            "email": checked.email,
            "stakeholder_type": checked.stakeholder_type,
        }
        for name in ("first_name", "last_name", "organisation"):
            if getattr(item, name) is not None:
                changes[name] = getattr(checked, name)
        if checked.language:
            changes["language"] = checked.language
        row, result = _upsert(self.session, row, Person, changes)
        self._remember(row)
        return result

    def _find(self, external: str, email: str) -> Person | None:
        row = self.by_external.get(external)
        holder = self.by_email.get(email)
        if row is not None and row.erased_at is not None:
            raise RecordRefused("external_id", "api.errors.person_erased")
        if holder is not None and holder is not row:
            if holder.external_id is not None or row is not None:
                raise RecordRefused("email", "api.errors.email_taken", value=email)
            return holder  # imported from a file before: adopt it
        return row


# ---------------------------------------------------------------------------- sessions


@dataclass
class Sessions:
    session: Session
    programmes: dict[str, Programme] = field(default_factory=dict)
    by_external: dict[str, TrainingSession] = field(default_factory=dict)
    by_code: dict[str, TrainingSession] = field(default_factory=dict)
    people: People | None = None

    def load(self, items: list[SessionItem]) -> Sessions:
        db = self.session
        for row in in_chunks(
            db, Programme, Programme.external_id, [i.programme_external_id for i in items]
        ):
            self.programmes[row.external_id] = row
        for row in in_chunks(
            db, TrainingSession, TrainingSession.external_id, [i.external_id for i in items]
        ):
            self.by_external[row.external_id] = row
        for row in in_chunks(
            db, TrainingSession, TrainingSession.code, [i.code.strip() for i in items]
        ):
            self.by_code[row.code.lower()] = row
        trainers = [person for item in items for person in item.trainers or []]
        self.people = People(db).load(trainers)
        return self

    def apply(self, item: SessionItem) -> str:
        external = _external_id(item.external_id)
        changes = _session_fields(item)
        programme = self.programmes.get(item.programme_external_id)
        if programme is None:
            raise RecordRefused(
                "programme_external_id",
                "api.errors.unknown_programme",
                id=item.programme_external_id,
            )
        trainers = None if item.trainers is None else self._trainer_ids(item.trainers)
        changes.update(external_id=external, programme_id=programme.id)
        row = self.by_external.get(external)
        holder = self.by_code.get(changes["code"].lower())
        if holder is not None and holder is not row:
            if holder.external_id is not None or row is not None:
                raise RecordRefused("code", "api.errors.code_taken", code=changes["code"])
            row = holder
        # Everything is checked: from here on the item only writes.
        new = {"modality": "hybrid", **changes} if row is None else changes
        row, result = _upsert(
            self.session, row, TrainingSession, new, needs_id=trainers is not None
        )
        if trainers is not None and self._set_trainers(row, trainers) and result == "unchanged":
            result = "updated"
        self.by_external[external] = self.by_code[row.code.lower()] = row
        return result

    def _trainer_ids(self, externals: list[str]) -> set[int]:
        assert self.people is not None
        wanted: set[int] = set()
        for external in externals:
            person = self.people.by_external.get(external)
            if person is None or person.id is None:
                raise RecordRefused("trainers", "api.errors.unknown_person", id=external)
            wanted.add(person.id)
        return wanted

    def _set_trainers(self, training: TrainingSession, wanted: set[int]) -> bool:
        current = {
            row.person_id: row
            for row in self.session.exec(
                select(Enrolment).where(
                    Enrolment.session_id == training.id, Enrolment.role == "trainer"
                )
            )
        }
        for person_id in wanted - set(current):
            self.session.add(Enrolment(person_id=person_id, session_id=training.id, role="trainer"))
        for person_id in set(current) - wanted:
            self.session.delete(current[person_id])
        return wanted != set(current)


def _session_fields(item: SessionItem) -> dict[str, Any]:
    values = {
        "session_code": item.code,
        "start_date": item.start_date,
        "end_date": item.end_date,
        "modality": item.modality,
        "lms": item.lms,
        "location": item.location,
    }
    code = check_text(values, "session_code")
    check_required({"session_code": code}, "session_code")
    start, end = check_date(values, "start_date"), check_date(values, "end_date")
    check_required({"start_date": start}, "start_date")
    check_required({"end_date": end}, "end_date")
    check_dates_in_order(start, end)
    changes: dict[str, Any] = {"code": code, "start_date": start, "end_date": end}
    modality = check_modality(values)
    if modality:
        changes["modality"] = modality
    for name in ("lms", "location"):
        if values[name] is not None:
            changes[name] = check_text(values, name)
    return changes
