"""Importing people and sessions from the CSV and XLSX files training organisations export
from their management software or from Excel.

Reading accepts `;` or `,` (or tab) separators, UTF-8 with or without BOM and Windows-1252,
`dd/mm/yyyy` dates, and headers in French or English (case, accents and punctuation
ignored, common synonyms). Each row is checked on its own: a row with a problem is reported
with its row number (as the spreadsheet shows it), its column and the reason, and is not
imported; the good rows are. Re-importing the same file changes nothing: people are matched
by email, sessions by code, enrolments by (person, session, role). A `Statut` column
("Terminé", "Abandon"...) sets the enrolment's status, dated (`Date de statut`, else today in
Paris) and audit-logged when it changes.

Respondents never wait for an import: the whole file is checked and planned in memory
(`surveys.people.planning`) without holding the write lock, then written with bulk Core
statements in short transactions of `CHUNK_ROWS` rows (a respondent's save queues behind one
chunk, tens of milliseconds, never behind the file). A crash between two chunks leaves the
first ones written; importing the same file again completes it (nothing is duplicated).

Safety: cells a spreadsheet would run as formulas (`=`, `+`, `-`, `@`...) are stored as the
text they are; `surveys.spreadsheet.neutralise_formula` must be applied to anything
exported. Control characters are refused (a name is never a way to inject an email header).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from surveys.config import paris_day
from surveys.db import read_session, write_connection
from surveys.i18n import t
from surveys.models import AuditLog, Enrolment, Person, Programme, TrainingSession, utc_now
from surveys.people.planning import PERSON_FIELDS, Known, Plan, plan_import
from surveys.people.reading import Table
from surveys.people.report import ImportReport
from surveys.people.rows import PersonRow, RowProblem, RowRefused, check_row
from surveys.people.vocabulary import normalise

CHUNK_ROWS = 1000
Mapping = dict[str, int | None]


def _load_people(session: Session, emails: set[str]) -> dict[str, dict[str, Any]]:
    names = ("id", "email", *PERSON_FIELDS)
    query = sa.select(*(getattr(Person, name) for name in names)).where(Person.email.is_not(None))
    people: dict[str, dict[str, Any]] = {}
    for row in session.connection().execute(query):
        email = row[1].lower()
        if email in emails:
            people[email] = dict(zip(names, row, strict=True))
    return people


def _load_enrolments(session: Session, people: set[int]) -> dict[tuple, dict[str, Any]]:
    names = ("id", "person_id", "session_id", "role", "status", "status_changed_on")
    query = sa.select(*(getattr(Enrolment, name) for name in names))
    return {
        (row[1], row[2], row[3]): dict(zip(names, row, strict=True))
        for row in session.connection().execute(query)
        if row[1] in people
    }


def load_known(session: Session, rows: list[PersonRow]) -> Known:
    """What the database holds that the rows may match (one read each, no write lock)."""
    db = session.connection()
    people = _load_people(session, {row.email for row in rows})
    query = sa.select(TrainingSession.id, TrainingSession.code)
    sessions = {code.lower(): id_ for id_, code in db.execute(query)}
    programmes: dict[str, Any] = {}
    for id_, code, name in db.execute(sa.select(Programme.id, Programme.code, Programme.name)):
        programmes.setdefault(normalise(code), id_)
        programmes.setdefault(normalise(name), id_)
    enrolments = _load_enrolments(session, {person["id"] for person in people.values()})
    return Known(people, sessions, programmes, enrolments)


def _insert(connection: sa.Connection, model: Any) -> Any:
    """INSERT that skips a row another writer created meanwhile (same unique key)."""
    table = model.__table__
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif connection.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        return sa.insert(table)
    return insert(table).on_conflict_do_nothing()


def _in_chunks(engine: sa.Engine, model: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Rows inserted `CHUNK_ROWS` at a time, each chunk its own short transaction (the rows
    are built chunk by chunk: a generator keeps memory flat)."""
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        with write_connection(engine) as connection:
            connection.execute(_insert(connection, model), chunk)


def _updates(engine: sa.Engine, table: sa.Table, key: str, rows: list[dict[str, Any]]) -> None:
    names = [name for name in rows[0] if name != key] if rows else []
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam(key))
        .values({name: sa.bindparam(name) for name in names})
    )
    for start in range(0, len(rows), CHUNK_ROWS):
        with write_connection(engine) as connection:
            connection.execute(statement, rows[start : start + CHUNK_ROWS])


def _ids(engine: sa.Engine, column: Any, key: Any) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            str(value).lower(): id_ for id_, value in connection.execute(sa.select(key, column))
        }


def _write_sessions(engine: sa.Engine, plan: Plan, known: Known, now: datetime) -> None:
    _in_chunks(engine, Programme, [{**p, "created_at": now, "description": "",
                                    "archived": False} for p in plan.programmes])  # fmt: skip
    codes = _ids(engine, Programme.code, Programme.id)
    rows = [
        {**item, "programme_id": codes[item["programme"].lower()] if isinstance(
            item["programme"], str) else item["programme"], "lms": "", "location": "",
         "created_at": now}
        for item in plan.sessions
    ]  # fmt: skip
    for row in rows:
        del row["programme"]
    _in_chunks(engine, TrainingSession, rows)
    known.sessions.update(_ids(engine, TrainingSession.code, TrainingSession.id))


def _write_enrolments(engine: sa.Engine, plan: Plan, known: Known, now: datetime) -> None:
    people = _ids(engine, Person.email, Person.id)
    rows = (
        {"person_id": people[email], "session_id": known.sessions[code], "role": role,
         "status": entry.status, "status_changed_on": entry.status_changed_on,
         "created_at": now}
        for (email, code, role), entry in plan.enrolments.items()
        if entry.new
    )  # fmt: skip
    _in_chunks(engine, Enrolment, rows)


def _write_statuses(engine: sa.Engine, plan: Plan, actor: str, now: datetime) -> None:
    changes = plan.status_changes
    _updates(engine, Enrolment.__table__, "enrolment_id", [
        {"enrolment_id": c["enrolment_id"], "status": c["status"],
         "status_changed_on": c["status_changed_on"]} for c in changes])  # fmt: skip
    _in_chunks(engine, AuditLog, [
        {"actor": actor, "action": "enrolment.status", "target": f"enrolment:{c['enrolment_id']}",
         "details": {"from": c["before"], "to": c["status"],
                     "on": c["status_changed_on"].isoformat()}, "at": now}
        for c in changes])  # fmt: skip


def write_plan(engine: sa.Engine, plan: Plan, known: Known, *, actor: str, now: datetime) -> None:
    """The plan written with bulk statements, `CHUNK_ROWS` rows per short transaction."""
    _write_sessions(engine, plan, known, now)
    names = (*PERSON_FIELDS, "stakeholder_type")
    people = plan.people.items()
    _in_chunks(engine, Person, ({**dict(zip(names, values, strict=True)), "email": email,
                                 "created_at": now} for email, values in people))  # fmt: skip
    _updates(engine, Person.__table__, "person_id", plan.updates)
    _write_enrolments(engine, plan, known, now)
    _write_statuses(engine, plan, actor, now)


def _column_name(table: Table, mapping: Mapping, field_name: str) -> str:
    index = mapping.get(field_name)
    if index is not None and index < len(table.headers) and table.headers[index]:
        return table.headers[index]
    return t(f"people_import.fields.{field_name}")


def _row_values(cells: list[Any], mapping: Mapping) -> dict[str, Any]:
    return {
        name: cells[index] if index is not None and index < len(cells) else None
        for name, index in mapping.items()
    }


def _problem(table: Table, mapping: Mapping, row: int, refused: RowRefused) -> RowProblem:
    column = _column_name(table, mapping, refused.field_name)
    return RowProblem(row, column, refused.key, refused.params)


def _check_rows(table: Table, mapping: Mapping, report: ImportReport) -> list[PersonRow]:
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


def _conflict(table: Table, mapping: Mapping, conflict: dict[str, Any]) -> RowProblem:
    params = {key: conflict[key] for key in ("first_row", "first_value", "value")}
    vocabulary = "people_import.statuses" if conflict["field"] == "status" else ""
    column = _column_name(table, mapping, conflict["field"])
    return RowProblem(
        conflict["row"], column, "people_import.warnings.conflict", params, vocabulary
    )


def _fill_report(plan: Plan, table: Table, mapping: Mapping, report: ImportReport) -> None:
    report.problems += [_problem(table, mapping, row.row, why) for row, why in plan.refused]
    report.warnings = [_conflict(table, mapping, conflict) for conflict in plan.conflicts]
    report.imported_rows = len(plan.accepted)
    report.people_created, report.people_updated = len(plan.people), len(plan.updates)
    report.programmes_created, report.sessions_created = len(plan.programmes), len(plan.sessions)
    report.enrolments_created = sum(entry.new for entry in plan.enrolments.values())
    report.statuses_changed = len(plan.status_changes)
    report.problems.sort(key=lambda problem: problem.row)
    report.warnings.sort(key=lambda problem: problem.row)


def _audit(engine: sa.Engine, report: ImportReport, actor: str, now: datetime) -> None:
    details = {
        "rows": report.rows,
        "imported": report.imported_rows,
        "refused": report.refused_rows,
        "people_created": report.people_created,
        "sessions_created": report.sessions_created,
        "statuses_changed": report.statuses_changed,
        "conflicts": len(report.warnings),
    }
    with write_connection(engine) as connection:
        connection.execute(sa.insert(AuditLog.__table__), [
            {"actor": actor, "action": "people.import", "target": "", "details": details,
             "at": now}])  # fmt: skip


def import_people(
    *,
    engine: sa.Engine,
    table: Table,
    mapping: Mapping,
    actor: str,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ImportReport:
    """Check every row, import the good ones, report the others. `dry_run` plans the same
    work and writes nothing, so the preview counts exactly what an import would do."""
    now = now or utc_now()
    report = ImportReport(dry_run=dry_run)
    checked = _check_rows(table, mapping, report)
    with read_session(engine) as session:
        known = load_known(session, checked)
    plan = plan_import(checked, known, paris_day(now))
    _fill_report(plan, table, mapping, report)
    if not dry_run:
        write_plan(engine, plan, known, actor=actor, now=now)
        _audit(engine, report, actor, now)
    return report
