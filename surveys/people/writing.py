"""Importing people and sessions from the CSV and XLSX files training organisations export
from their management software or from Excel.

Reading accepts `;` or `,` (or tab) separators, UTF-8 with or without BOM and Windows-1252,
`dd/mm/yyyy` dates, and headers in French or English (case, accents and punctuation
ignored, common synonyms). Each row is checked on its own: a row with a problem is reported
with its row number (as the spreadsheet shows it), its column and the reason, and is not
imported; the good rows are. Re-importing the same file changes nothing: people are matched
by email, sessions by code, enrolments by (person, session, role).

Safety: cells a spreadsheet would run as formulas (`=`, `+`, `-`, `@`...) are stored as the
text they are; `surveys.spreadsheet.neutralise_formula` must be applied to anything
exported. Control characters are refused (a name is never a way to inject an email header).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, func, select

from surveys.audit import record
from surveys.i18n import t
from surveys.models import Enrolment, Person, Programme, TrainingSession
from surveys.people.reading import Table
from surveys.people.report import ImportReport
from surveys.people.rows import SESSION_FIELDS, PersonRow, RowProblem, RowRefused, check_row
from surveys.people.vocabulary import normalise


@dataclass
class _Known:
    people: dict[str, Person]
    sessions: dict[str, TrainingSession]
    programmes: dict[str, Programme]
    enrolments: set[tuple[int, int, str]]


def _load_known(session: Session, rows: list[PersonRow]) -> _Known:
    emails = {row.email for row in rows}
    codes = {row.session_code.lower() for row in rows if row.session_code}
    people = (
        {
            person.email: person
            for person in session.exec(
                select(Person).where(func.lower(Person.email).in_(emails))
            ).all()
        }
        if emails
        else {}
    )
    sessions = (
        {
            item.code.lower(): item
            for item in session.exec(
                select(TrainingSession).where(func.lower(TrainingSession.code).in_(codes))
            ).all()
        }
        if codes
        else {}
    )
    programmes: dict[str, Programme] = {}
    for programme in session.exec(select(Programme)).all():
        programmes.setdefault(normalise(programme.code), programme)
        programmes.setdefault(normalise(programme.name), programme)
    ids = [person.id for person in people.values()]
    enrolments = (
        set(
            session.exec(
                select(Enrolment.person_id, Enrolment.session_id, Enrolment.role).where(
                    Enrolment.person_id.in_(ids)
                )
            ).all()
        )
        if ids
        else set()
    )
    return _Known(
        {email.lower(): p for email, p in people.items()}, sessions, programmes, enrolments
    )


def _programme_code(name: str, known: _Known) -> str:
    base = re.sub(r"[^A-Z0-9]+", "-", normalise(name).upper()).strip("-")[:50] or "FORMATION"
    code, number = base, 2
    while normalise(code) in known.programmes:
        code, number = f"{base}-{number}", number + 1
    return code


def _programme(session: Session, row: PersonRow, known: _Known, report: ImportReport) -> Programme:
    found = known.programmes.get(normalise(row.programme))
    if found is not None:
        return found
    kind = "skills_assessment" if "bilan de competences" in normalise(row.programme) else "training"
    programme = Programme(code=_programme_code(row.programme, known), name=row.programme, kind=kind)
    session.add(programme)
    session.flush()
    known.programmes[normalise(programme.code)] = programme
    known.programmes[normalise(programme.name)] = programme
    report.programmes_created += 1
    return programme


def _training_session(
    session: Session, row: PersonRow, known: _Known, report: ImportReport
) -> TrainingSession | None:
    if not row.session_code:
        return None
    found = known.sessions.get(row.session_code.lower())
    if found is not None:
        return found
    for name in SESSION_FIELDS:
        if not getattr(row, name):
            raise RowRefused(name, "people_import.errors.new_session_needs", code=row.session_code)
    training = TrainingSession(
        code=row.session_code,
        programme_id=_programme(session, row, known, report).id,
        start_date=row.start_date,
        end_date=row.end_date,
        modality=row.modality or "hybrid",
    )
    session.add(training)
    session.flush()
    known.sessions[row.session_code.lower()] = training
    report.sessions_created += 1
    return training


def _person(session: Session, row: PersonRow, known: _Known, report: ImportReport) -> Person:
    person = known.people.get(row.email)
    if person is None:
        person = Person(
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            stakeholder_type=row.stakeholder_type,
            organisation=row.organisation,
            language=row.language or "fr",
        )
        session.add(person)
        session.flush()
        known.people[row.email] = person
        report.people_created += 1
        return person
    # Only fill in what the file says and differs; an opt-out or a bounce is never undone.
    changes = {
        name: value
        for name, value in (
            ("first_name", row.first_name),
            ("last_name", row.last_name),
            ("organisation", row.organisation),
            ("language", row.language),
        )
        if value and getattr(person, name) != value
    }
    if changes:
        for name, value in changes.items():
            setattr(person, name, value)
        session.add(person)
        report.people_updated += 1
    return person


def _apply_row(session: Session, row: PersonRow, known: _Known, report: ImportReport) -> None:
    training = _training_session(session, row, known, report)
    person = _person(session, row, known, report)
    if training is None:
        return
    key = (person.id, training.id, row.stakeholder_type)
    if key not in known.enrolments:
        session.add(
            Enrolment(person_id=person.id, session_id=training.id, role=row.stakeholder_type)
        )
        session.flush()
        known.enrolments.add(key)
        report.enrolments_created += 1


def _column_name(table: Table, mapping: dict[str, int | None], field_name: str) -> str:
    index = mapping.get(field_name)
    if index is not None and index < len(table.headers) and table.headers[index]:
        return table.headers[index]
    return t(f"people_import.fields.{field_name}")


def _row_values(cells: list[Any], mapping: dict[str, int | None]) -> dict[str, Any]:
    return {
        name: cells[index] if index is not None and index < len(cells) else None
        for name, index in mapping.items()
    }


def _problem(
    table: Table, mapping: dict[str, int | None], row: int, refused: RowRefused
) -> RowProblem:
    column = _column_name(table, mapping, refused.field_name)
    return RowProblem(row, column, refused.key, refused.params)


def _check_rows(
    table: Table, mapping: dict[str, int | None], report: ImportReport
) -> list[PersonRow]:
    """Every non-blank row checked on its own; the refused ones go to the report."""
    checked: list[PersonRow] = []
    for offset, cells in enumerate(table.rows):
        row_number = table.first_row_number + offset
        if not any(str(cell).strip() for cell in cells if cell is not None):
            continue  # blank lines are not rows
        report.rows += 1
        try:
            checked.append(check_row(row_number, _row_values(cells, mapping)))
        except RowRefused as refused:
            report.problems.append(_problem(table, mapping, row_number, refused))
    return checked


def _write_rows(
    session: Session,
    rows: list[PersonRow],
    table: Table,
    mapping: dict[str, int | None],
    report: ImportReport,
) -> None:
    """Each checked row written in its own savepoint: a row refused here changes nothing."""
    known = _load_known(session, rows)
    for row in rows:
        try:
            with session.begin_nested():
                _apply_row(session, row, known, report)
            report.imported_rows += 1
        except RowRefused as refused:
            report.problems.append(_problem(table, mapping, row.row, refused))


def import_people(
    *,
    session: Session,
    table: Table,
    mapping: dict[str, int | None],
    actor: str,
    dry_run: bool = False,
) -> ImportReport:
    """Check every row, import the good ones, report the others. `dry_run` does the same
    work inside a savepoint and rolls it back, so the preview counts exactly what an import
    would do."""
    report = ImportReport(dry_run=dry_run)
    checked = _check_rows(table, mapping, report)
    savepoint = session.begin_nested()
    _write_rows(session, checked, table, mapping, report)
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
        record(
            session,
            actor=actor,
            action="people.import",
            details={
                "rows": report.rows,
                "imported": report.imported_rows,
                "refused": report.refused_rows,
                "people_created": report.people_created,
                "sessions_created": report.sessions_created,
            },
        )
    report.problems.sort(key=lambda problem: problem.row)
    return report
