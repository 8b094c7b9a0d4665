"""What an import will do, decided in memory from the checked rows and what the database holds.

Pure: `plan_import` takes the checked rows and the `Known` state and returns a `Plan` (the
programmes, sessions, people and enrolments to create, the people to update, the statuses to
change), refusing rows exactly as a row-by-row import would (a row naming an unknown session
without its programme and dates). The same email on several rows: the file's first non-empty
value of each field is kept, and each later different value is a warning (`RowProblem`)
naming both rows and both values. Nothing is written here (`surveys.people.writing` does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from surveys.people.rows import SESSION_FIELDS, PersonRow, RowRefused
from surveys.people.vocabulary import normalise

PERSON_FIELDS = ("first_name", "last_name", "organisation", "language")


@dataclass
class Known:
    """What the database already holds, keyed as the import matches it."""

    people: dict[str, dict[str, Any]]  # lower(email) -> id and PERSON_FIELDS
    sessions: dict[str, int]  # lower(code) -> id
    programmes: dict[str, Any]  # normalised code and name -> id (or a new programme's key)
    enrolments: dict[tuple[int, int, str], dict[str, Any]]  # -> id, status, status_changed_on


@dataclass(slots=True)
class PlannedEnrolment:
    row: int
    file_status: str | None
    new: bool
    status: str
    status_changed_on: date | None


@dataclass
class Plan:
    programmes: list[dict[str, Any]] = field(default_factory=list)  # code, name, kind
    sessions: list[dict[str, Any]] = field(default_factory=list)  # code, programme, dates...
    people: dict[str, tuple[str, ...]] = field(default_factory=dict)  # new: PERSON_FIELDS, type
    updates: list[dict[str, Any]] = field(default_factory=list)  # existing people's new values
    enrolments: dict[tuple[str, str, str], PlannedEnrolment] = field(default_factory=dict)
    status_changes: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[PersonRow, RowRefused]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    accepted: list[PersonRow] = field(default_factory=list)


def _programme_code(name: str, known: Known) -> str:
    base = re.sub(r"[^A-Z0-9]+", "-", normalise(name).upper()).strip("-")[:50] or "FORMATION"
    code, number = base, 2
    while normalise(code) in known.programmes:
        code, number = f"{base}-{number}", number + 1
    return code


def _programme(row: PersonRow, known: Known, plan: Plan) -> Any:
    found = known.programmes.get(normalise(row.programme))
    if found is not None:
        return found
    kind = "skills_assessment" if "bilan de competences" in normalise(row.programme) else "training"
    code = _programme_code(row.programme, known)
    plan.programmes.append({"code": code, "name": row.programme, "kind": kind})
    known.programmes[normalise(code)] = code  # a new programme is known by its code
    known.programmes[normalise(row.programme)] = code
    return code


def _session(row: PersonRow, known: Known, plan: Plan, new_codes: set[str]) -> None:
    code = row.session_code.lower()
    if not code or code in known.sessions or code in new_codes:
        return
    for name in SESSION_FIELDS:
        if not getattr(row, name):
            raise RowRefused(name, "people_import.errors.new_session_needs", code=row.session_code)
    plan.sessions.append(
        {
            "code": row.session_code,
            "programme": _programme(row, known, plan),
            "start_date": row.start_date,
            "end_date": row.end_date,
            "modality": row.modality or "hybrid",
        }
    )
    new_codes.add(code)


def _merge_person(merged: dict[str, Any], row: PersonRow, plan: Plan) -> None:
    """Fill what the first rows left empty; a different value is a conflict, not a change."""
    for name in PERSON_FIELDS:
        value = getattr(row, name)
        if not value:
            continue
        if not merged.get(name):
            merged[name], merged[f"{name}_row"] = value, row.row
        elif merged[name] != value:
            plan.conflicts.append(
                {"row": row.row, "field": name, "value": value, "first_row": merged[f"{name}_row"],
                 "first_value": merged[name]}
            )  # fmt: skip


def _file_people(rows: list[PersonRow], plan: Plan) -> dict[str, tuple[str, ...]]:
    """Each email's PERSON_FIELDS values and stakeholder type; rows seen once are read as
    they are, repeated ones merged (first value kept)."""
    first: dict[str, PersonRow] = {}
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        seen = first.setdefault(row.email, row)
        if seen is not row:
            if row.email not in merged:
                merged[row.email] = {}
                _merge_person(merged[row.email], seen, plan)
            _merge_person(merged[row.email], row, plan)
    return {
        email: (
            *((merged[email].get(n, "") for n in PERSON_FIELDS) if email in merged
              else (getattr(row, n) or "" for n in PERSON_FIELDS)),
            row.stakeholder_type,
        )
        for email, row in first.items()
    }  # fmt: skip


def _people(rows: list[PersonRow], known: Known, plan: Plan) -> None:
    for email, (*values, stakeholder_type) in _file_people(rows, plan).items():
        existing = known.people.get(email)
        if existing is None:
            values[3] = values[3] or "fr"  # language
            plan.people[email] = (*values, stakeholder_type)
            continue
        # Only fill in what the file says and differs; an opt-out or a bounce is never undone.
        changed = {name: value for name, value in zip(PERSON_FIELDS, values, strict=True) if value}
        if any(existing[name] != value for name, value in changed.items()):
            plan.updates.append({**{n: existing[n] for n in PERSON_FIELDS}, **changed,
                                 "person_id": existing["id"]})  # fmt: skip


def _repeated_enrolment(row: PersonRow, first: PlannedEnrolment, plan: Plan) -> None:
    if row.status and first.file_status and row.status != first.file_status:
        plan.conflicts.append(
            {"row": row.row, "field": "status", "value": row.status, "first_row": first.row,
             "first_value": first.file_status}
        )  # fmt: skip


def _status_change(row: PersonRow, existing: dict[str, Any], day: date) -> dict[str, Any] | None:
    if not row.status or (existing["status"] == row.status and not row.status_changed_on):
        return None
    if (existing["status"], existing["status_changed_on"]) == (row.status, day):
        return None
    return {"enrolment_id": existing["id"], "before": existing["status"], "status": row.status,
            "status_changed_on": day}  # fmt: skip


def _enrolment(row: PersonRow, known: Known, plan: Plan, today: date) -> None:
    if not row.session_code:
        return
    key = (row.email, row.session_code.lower(), row.stakeholder_type)
    if (first := plan.enrolments.get(key)) is not None:
        _repeated_enrolment(row, first, plan)
        return
    person, session = known.people.get(row.email), known.sessions.get(key[1])
    existing = known.enrolments.get((person["id"], session, key[2])) if person and session else None
    day = row.status_changed_on or today
    plan.enrolments[key] = PlannedEnrolment(
        row.row, row.status, existing is None, row.status or "enrolled", day if row.status else None
    )
    if existing is not None and (change := _status_change(row, existing, day)):
        plan.status_changes.append(change)


def plan_import(rows: list[PersonRow], known: Known, today: date) -> Plan:
    """Everything the import will write, and the rows it refuses, in the file's order."""
    plan, new_codes = Plan(), set()
    for row in rows:
        try:
            _session(row, known, plan, new_codes)
        except RowRefused as refused:
            plan.refused.append((row, refused))
            continue
        plan.accepted.append(row)
    _people(plan.accepted, known, plan)
    for row in plan.accepted:
        _enrolment(row, known, plan, today)
    return plan
