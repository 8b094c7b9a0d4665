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

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, func, select

from surveys.audit import record
from surveys.i18n import TranslatableError, t
from surveys.models import Enrolment, Person, Programme, TrainingSession
from surveys.spreadsheet import neutralise_formula

FIELDS = (
    "last_name",
    "first_name",
    "email",
    "stakeholder_type",
    "organisation",
    "session_code",
    "programme",
    "start_date",
    "end_date",
    "modality",
    "language",
)
REQUIRED_FIELDS = ("email", "stakeholder_type")
SESSION_FIELDS = ("programme", "start_date", "end_date")  # needed to create a new session
MAX_LENGTHS = {
    "last_name": 120,
    "first_name": 120,
    "email": 254,
    "organisation": 200,
    "session_code": 60,
    "programme": 200,
}
MAX_FILE_BYTES = 10 * 1024 * 1024
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Date de début" -> "date de debut"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare.lower()).split())


def _synonyms(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalise(word): value for value, words in table.items() for word in words}


HEADER_SYNONYMS = _synonyms(
    {
        "last_name": (
            "nom",
            "nom de famille",
            "nom d'usage",
            "last name",
            "lastname",
            "surname",
            "family name",
            "name",
        ),
        "first_name": ("prénom", "prenom", "first name", "firstname", "given name"),
        "email": (
            "email",
            "e-mail",
            "courriel",
            "mail",
            "adresse e-mail",
            "adresse email",
            "adresse mail",
            "adresse électronique",
            "email address",
        ),
        "stakeholder_type": (
            "type",
            "rôle",
            "role",
            "profil",
            "catégorie",
            "categorie",
            "type de partie prenante",
            "partie prenante",
            "stakeholder",
            "stakeholder type",
        ),
        "organisation": (
            "organisation",
            "organization",
            "entreprise",
            "structure",
            "société",
            "employeur",
            "organisme",
            "company",
            "employer",
        ),
        "session_code": (
            "code session",
            "code de session",
            "session",
            "session code",
            "code",
            "n° session",
            "numéro de session",
            "id session",
        ),
        "programme": (
            "formation",
            "programme",
            "program",
            "intitulé de la formation",
            "intitulé formation",
            "intitulé",
            "training",
            "course",
        ),
        "start_date": ("date de début", "date début", "début", "start date", "start", "du"),
        "end_date": ("date de fin", "date fin", "fin", "end date", "end", "au"),
        "modality": ("modalité", "modalite", "modality", "mode", "format", "mode de formation"),
        "language": ("langue", "language", "lang"),
    }
)
STAKEHOLDER_SYNONYMS = _synonyms(
    {
        "learner": (
            "apprenant",
            "apprenante",
            "stagiaire",
            "bénéficiaire",
            "beneficiaire",
            "participant",
            "participante",
            "alternant",
            "alternante",
            "learner",
            "trainee",
            "student",
            "apprenti",
            "apprentie",
        ),
        "financer": ("financeur", "financer", "funder", "opco", "france travail", "cpf"),
        "trainer": (
            "formateur",
            "formatrice",
            "intervenant",
            "intervenante",
            "trainer",
            "teacher",
            "équipe pédagogique",
            "equipe pedagogique",
            "tuteur",
            "tutrice",
        ),
        "company": (
            "entreprise",
            "employeur",
            "company",
            "employer",
            "client",
            "commanditaire",
            "entreprise d'accueil",
        ),
    }
)
MODALITY_SYNONYMS = _synonyms(
    {
        "onsite": (
            "présentiel",
            "presentiel",
            "sur site",
            "onsite",
            "on site",
            "in person",
            "face to face",
            "en présentiel",
        ),
        "remote": (
            "distanciel",
            "à distance",
            "a distance",
            "distance",
            "foad",
            "en ligne",
            "remote",
            "online",
            "e-learning",
            "elearning",
            "classe virtuelle",
        ),
        "hybrid": ("hybride", "mixte", "blended", "hybrid", "multimodal", "multimodale"),
    }
)
LANGUAGE_SYNONYMS = _synonyms(
    {
        "fr": ("fr", "français", "francais", "french", "fra"),
        "en": ("en", "anglais", "english", "eng", "gb", "uk"),
    }
)


class ImportFileError(TranslatableError):
    """The file as a whole cannot be read (the message says why, in the reader's language)."""


@dataclass(frozen=True)
class Table:
    """The file's header row and data rows, every cell as text (or a date from XLSX)."""

    headers: list[str]
    rows: list[list[Any]]
    first_row_number: int = 2  # the spreadsheet's number of the first data row


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str = "fr") -> str:
        return t(self.key, language, **self.params)

    def describe(self, language: str = "fr") -> str:
        return t(
            "people_import.problem_line",
            language,
            row=self.row,
            column=self.column,
            reason=self.message(language),
        )


@dataclass
class ImportReport:
    rows: int = 0
    imported_rows: int = 0
    people_created: int = 0
    people_updated: int = 0
    programmes_created: int = 0
    sessions_created: int = 0
    enrolments_created: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def refused_rows(self) -> int:
        return len({problem.row for problem in self.problems})

    @property
    def changed_anything(self) -> bool:
        return any(
            (
                self.people_created,
                self.people_updated,
                self.programmes_created,
                self.sessions_created,
                self.enrolments_created,
            )
        )


# ---------------------------------------------------------------------------- reading files


def _decode(data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252: what French Excel and management tools write."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ";"


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = [row for row in reader]
    return _table(rows)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else value if isinstance(value, date) else str(value)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula comes back as its text ("=HYPERLINK(...)"), stored as such.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError("people_import.errors.bad_xlsx") from error
    sheet = workbook.worksheets[0]
    rows = [[_xlsx_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return _table(rows)


def _table(rows: list[list[Any]]) -> Table:
    while rows and not any(str(cell).strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError("people_import.errors.empty")
    headers = [str(cell).strip() for cell in rows[0]]
    return Table(headers=headers, rows=rows[1:])


def read_table(data: bytes, filename: str = "") -> Table:
    """The file's table, whether CSV (any of the usual separators and encodings) or XLSX."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError("people_import.errors.too_big", megabytes=MAX_FILE_BYTES // 2**20)
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    return _read_csv(data)


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """Which column holds each field, from the headers (first match wins)."""
    mapping: dict[str, int | None] = dict.fromkeys(FIELDS)
    for index, header in enumerate(headers):
        field_name = HEADER_SYNONYMS.get(normalise(header))
        if field_name and mapping[field_name] is None:
            mapping[field_name] = index
    return mapping


def missing_required(mapping: dict[str, int | None]) -> list[str]:
    return [name for name in REQUIRED_FIELDS if mapping.get(name) is None]


# ---------------------------------------------------------------------------- checking rows


class _Refused(Exception):
    def __init__(self, field_name: str, key: str, **params: Any) -> None:
        super().__init__(key)
        self.field_name, self.key, self.params = field_name, key, params


@dataclass(frozen=True)
class PersonRow:
    row: int
    email: str
    stakeholder_type: str
    first_name: str = ""
    last_name: str = ""
    organisation: str = ""
    language: str | None = None
    session_code: str = ""
    programme: str = ""
    start_date: date | None = None
    end_date: date | None = None
    modality: str | None = None


BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _has_control_characters(value: str) -> bool:
    """CR, LF, NUL, tabs... and the bidirectional overrides that disguise text."""
    return any(
        unicodedata.category(char) in {"Cc", "Zl", "Zp"} or char in BIDI_CONTROLS for char in value
    )


def _text(values: dict[str, Any], name: str) -> str:
    raw = values.get(name)
    if raw is None or isinstance(raw, date):
        return "" if raw is None else raw.isoformat()
    value = str(raw).strip()
    if _has_control_characters(value):
        raise _Refused(name, "people_import.errors.control_characters")
    limit = MAX_LENGTHS.get(name)
    if limit and len(value) > limit:
        raise _Refused(name, "people_import.errors.too_long", limit=limit)
    return value


def parse_date(value: Any) -> date | None:
    """dd/mm/yyyy (or dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd); None when empty; ValueError when
    the text is not a real date (31/02/2026)."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _vocabulary(values: dict[str, Any], name: str, table: dict[str, str], key: str) -> str | None:
    text = _text(values, name)
    if not text:
        return None
    found = table.get(normalise(text))
    if found is None:
        raise _Refused(name, key, value=text)
    return found


def _date(values: dict[str, Any], name: str) -> date | None:
    try:
        return parse_date(values.get(name))
    except ValueError as error:
        raise _Refused(name, "people_import.errors.date", value=str(values.get(name))) from error


def check_row(row_number: int, values: dict[str, Any]) -> PersonRow:
    """One row's values (by field name) checked and cleaned; _Refused names the field."""
    for name in REQUIRED_FIELDS:
        if not str(values.get(name) or "").strip():
            raise _Refused(name, "people_import.errors.required")
    email = _text(values, "email").lower()
    if not EMAIL.match(email):
        raise _Refused("email", "people_import.errors.email", value=email)
    kind = _vocabulary(
        values, "stakeholder_type", STAKEHOLDER_SYNONYMS, "people_import.errors.type"
    )
    person = PersonRow(
        row=row_number,
        email=email,
        stakeholder_type=kind or "",
        first_name=_text(values, "first_name"),
        last_name=_text(values, "last_name"),
        organisation=_text(values, "organisation"),
        language=_vocabulary(
            values, "language", LANGUAGE_SYNONYMS, "people_import.errors.language"
        ),
        session_code=_text(values, "session_code"),
        programme=_text(values, "programme"),
        start_date=_date(values, "start_date"),
        end_date=_date(values, "end_date"),
        modality=_vocabulary(
            values, "modality", MODALITY_SYNONYMS, "people_import.errors.modality"
        ),
    )
    if person.start_date and person.end_date and person.end_date < person.start_date:
        raise _Refused("end_date", "people_import.errors.end_before_start")
    return person


# ---------------------------------------------------------------------------- writing rows


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
    for name, value in (
        ("programme", row.programme),
        ("start_date", row.start_date),
        ("end_date", row.end_date),
    ):
        if not value:
            raise _Refused(name, "people_import.errors.new_session_needs", code=row.session_code)
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
    checked: list[PersonRow] = []
    for offset, cells in enumerate(table.rows):
        row_number = table.first_row_number + offset
        if not any(str(cell).strip() for cell in cells if cell is not None):
            continue  # blank lines are not rows
        report.rows += 1
        try:
            checked.append(check_row(row_number, _row_values(cells, mapping)))
        except _Refused as refused:
            report.problems.append(
                RowProblem(
                    row_number,
                    _column_name(table, mapping, refused.field_name),
                    refused.key,
                    refused.params,
                )
            )
    savepoint = session.begin_nested()
    known = _load_known(session, checked)
    for row in checked:
        try:
            with session.begin_nested():
                _apply_row(session, row, known, report)
            report.imported_rows += 1
        except _Refused as refused:
            report.problems.append(
                RowProblem(
                    row.row,
                    _column_name(table, mapping, refused.field_name),
                    refused.key,
                    refused.params,
                )
            )
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


# ---------------------------------------------------------------------------- showing results


def report_figures(report: ImportReport) -> list[tuple[str, int]]:
    """The preview's headline figures, keyed like `people_import.figures.*`."""
    return [
        ("rows", report.rows),
        ("importable", report.imported_rows),
        ("refused", report.refused_rows),
        ("people_created", report.people_created),
        ("sessions_created", report.sessions_created),
    ]


def problem_rows(report: ImportReport, language: str) -> list[dict[str, Any]]:
    """One row per refused row: its number, column and reason, in the reader's language."""
    return [
        {
            t("people_import.columns.row", language): problem.row,
            t("people_import.columns.column", language): neutralise_formula(problem.column),
            t("people_import.columns.reason", language): problem.message(language),
        }
        for problem in report.problems
    ]


def sample_rows(
    table: Table, mapping: dict[str, int | None], language: str, limit: int = 20
) -> list[dict[str, Any]]:
    """The first rows as the import reads them (field -> cell), safe to export."""
    return [
        {
            t(f"people_import.fields.{name}", language): neutralise_formula(
                cells[index] if index is not None and index < len(cells) else ""
            )
            for name, index in mapping.items()
        }
        for cells in table.rows[:limit]
    ]
