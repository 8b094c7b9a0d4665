"""Imports that never lose or invent data: mixed encodings, unbalanced quotes, huge cells,
hostile and oversized XLSX files, conflicting rows, implausible dates, and the `Statut` column."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import select

from surveys.db import read_session
from surveys.models import AuditLog, Enrolment, Person
from surveys.people.reading import ImportFileError, read_table
from surveys.people.reading_limits import MAX_ROWS
from surveys.runtime import AppContext
from tests.support.people_import import FRENCH_HEADER, FRENCH_ROWS, cli, counts, run_import

GOOD = FRENCH_ROWS[:4]
CP1252_ROW = (
    "Garnier;Inès;ines@example.org;Stagiaire;;DW-2611;Développeur web;02/11/2026;27/11/2026;;"
)


def refusal(data: bytes, name: str = "export.csv") -> ImportFileError:
    with pytest.raises(ImportFileError) as raised:
        read_table(data, name)
    return raised.value


def test_a_utf8_file_with_one_windows_1252_row_is_refused_naming_the_line() -> None:
    data = "\r\n".join((FRENCH_HEADER, *GOOD[:2])).encode() + b"\r\n"
    data += CP1252_ROW.encode("cp1252") + b"\r\n" + GOOD[2].encode()
    error = refusal(data)
    assert error.key == "people_import.errors.mixed_encoding" and error.params["line"] == 4
    assert "ligne 4" in error.message("fr") and "line 4" in error.message("en")


def test_text_already_garbled_is_refused_not_stored() -> None:
    garbled = "\r\n".join((FRENCH_HEADER, *GOOD)).encode("utf-8").decode("cp1252").encode()
    error = refusal(garbled)
    assert error.key == "people_import.errors.mojibake" and error.params["line"] == 1


def test_a_whole_windows_1252_file_still_decodes(context: AppContext) -> None:
    report = run_import(context, "\r\n".join((FRENCH_HEADER, *GOOD)).encode("cp1252"))
    assert report.imported_rows == 4
    with read_session(context.engine) as session:
        assert "Éloïse" in session.exec(select(Person.first_name)).all()


def test_an_unbalanced_quote_is_reported_at_the_line_where_it_starts() -> None:
    rows = list(GOOD) + [row.replace("DW-2611", "DW-2612") for row in GOOD]
    rows[1] = rows[1].replace("Noël", '"Noël')  # row 3 of the file opens a quote, never closed
    error = refusal("\r\n".join((FRENCH_HEADER, *rows)).encode())
    assert error.key == "people_import.errors.unbalanced_quote"
    assert (error.params["line"], error.params["last"]) == (3, 9)


def test_a_quoted_cell_on_one_line_is_still_read() -> None:
    rows = (GOOD[0].replace("Garonne Bâtiment", '"Garonne; Bâtiment"'),)
    table = read_table("\r\n".join((FRENCH_HEADER, *rows)).encode())
    assert table.rows[0][4] == "Garonne; Bâtiment"


def test_a_200_kb_cell_is_a_french_message_with_exit_2(
    sqlite_context: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_text("\n".join((FRENCH_HEADER, *GOOD[:2], "x" * 200_000 + ";a")), "utf-8")
    result = cli(sqlite_context, path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "La ligne 4 contient une cellule démesurée" in result.stderr
    assert counts(sqlite_context)["person"] == 0


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            body = content if member.filename == name else source.read(member)
            target.writestr(member.filename, body)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
XXE = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>"""
LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&d;</t></is></c></row></sheetData></worksheet>"""


@pytest.mark.parametrize("sheet", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_hostile_xlsx_is_a_french_message_with_exit_2(
    sqlite_context: AppContext, tmp_path: Path, sheet: bytes
) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(replace_member(xlsx([["E-mail", "Type"]]), SHEET, sheet))
    assert refusal(path.read_bytes(), path.name).key == "people_import.errors.xlsx_unsafe"
    result = cli(sqlite_context, path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "refusé par sécurité" in result.stderr


def sheet_rows(count: int) -> bytes:
    head = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>a%d@example.org</t></is></c></row>'
        % (n, n, n)
        for n in range(1, count + 1)
    )
    return head + rows + b"</sheetData></worksheet>"


def test_an_xlsx_with_too_many_rows_is_refused_while_streaming() -> None:
    data = replace_member(xlsx([["E-mail"]]), SHEET, sheet_rows(MAX_ROWS + 5))
    error = refusal(data, "export.xlsx")
    assert error.key == "people_import.errors.too_many_rows"


@pytest.mark.slow
def test_a_small_xlsx_that_unpacks_to_388_mb_is_refused_before_parsing(
    sqlite_context: AppContext, tmp_path: Path
) -> None:
    """The attack file: 2,000,000 rows, about 1.5 MB compressed, about 388 MB of XML."""
    path, base = tmp_path / "bomb.xlsx", zipfile.ZipFile(io.BytesIO(xlsx([["E-mail", "Type"]])))
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x@example.org</t></is></c>'
    row += b'<c r="B2" t="inlineStr"><is><t>stagiaire</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for member in base.infolist():
            if member.filename != SHEET:
                bomb.writestr(member.filename, base.read(member))
        with bomb.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            sheet.write(b"<sheetData>")
            for _ in range(200):
                sheet.write(row * 10_000)
            sheet.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 10 * 2**20
    result = cli(sqlite_context, path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "une fois décompressé, dépasse" in result.stderr


def test_the_same_email_with_different_names_keeps_the_first_and_reports_the_others(
    sqlite_context: AppContext, tmp_path: Path
) -> None:
    first = GOOD[0]
    rows = (
        first,
        first.replace("Éloïse", "Elise").replace("DW-2611", "PAIE-2612"),
        first.replace("Éloïse", "Lola"),
    )
    path = tmp_path / "export.csv"
    path.write_bytes("\r\n".join((FRENCH_HEADER, *rows)).encode())
    result = cli(sqlite_context, path)
    assert result.returncode == 1, result.stderr
    assert "Ligne 3, colonne « Prénom » : « Elise » diffère de « Éloïse » donné ligne 2" in (
        result.stderr
    )
    assert "Ligne 4, colonne « Prénom » : « Lola » diffère de « Éloïse » donné ligne 2" in (
        result.stderr
    )
    assert "la première valeur du fichier est conservée" in result.stdout
    with read_session(sqlite_context.engine) as session:
        assert session.exec(select(Person.first_name)).all() == ["Éloïse"]


@pytest.mark.parametrize(
    ("start", "end"), [("01/01/0001", "31/12/9999"), ("2026-01-01", "9999-12-31")]
)
def test_implausible_dates_are_refused(context: AppContext, start: str, end: str) -> None:
    row = GOOD[0].replace("02/11/2026", start).replace("27/11/2026", end)
    report = run_import(context, "\r\n".join((FRENCH_HEADER, row)).encode())
    assert report.imported_rows == 0
    assert report.problems[0].key in {
        "people_import.errors.implausible_date",
        "people_import.errors.date",
    }
    assert counts(context)["training_session"] == 0


def test_a_session_of_twenty_years_is_refused(context: AppContext) -> None:
    row = GOOD[0].replace("27/11/2026", "27/11/2046")
    report = run_import(context, "\r\n".join((FRENCH_HEADER, row)).encode())
    assert [problem.key for problem in report.problems] == ["people_import.errors.implausible_span"]


STATUS_HEADER = FRENCH_HEADER + ";Statut"


def status_file(*statuses: str, header: str = STATUS_HEADER) -> bytes:
    rows = [f"{row};{status}" for row, status in zip(GOOD, statuses, strict=False)]
    return "\r\n".join((header, *rows)).encode()


def enrolment_statuses(context: AppContext) -> dict[str, tuple[str, date | None]]:
    with read_session(context.engine) as session:
        query = select(Person.email, Enrolment.status, Enrolment.status_changed_on).join(
            Enrolment, Enrolment.person_id == Person.id
        )
        return {email: (status, day) for email, status, day in session.exec(query)}


def test_the_statut_column_sets_dated_statuses_and_audits_changes(context: AppContext) -> None:
    now = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # already the 28th in Paris

    def run(data: bytes):
        return run_import(context, data, now=now)

    run(status_file("Terminé", "Abandon", "", "Absent"))
    statuses = enrolment_statuses(context)
    assert statuses["eloise.lefevre@example.org"] == ("completed", date(2026, 11, 28))
    assert statuses["noel.dupont@example.org"] == ("dropped_out", date(2026, 11, 28))
    assert statuses["relations@opco.example.org"] == ("enrolled", None)
    assert statuses["claire.moreau@example.org"] == ("absent", date(2026, 11, 28))

    again = run(status_file("Terminé", "Abandon", "", "Absent"))
    assert not again.changed_anything

    changed = status_file("Abandonné", "abandon", "", "Non présenté", header=STATUS_HEADER)
    changed = changed.replace(b";Statut", b";Statut;Date de statut", 1)
    changed = changed.replace(b"Abandonn\xc3\xa9", "Abandonné;20/11/2026".encode())
    report = run(changed)
    assert report.statuses_changed == 1
    assert enrolment_statuses(context)["eloise.lefevre@example.org"] == (
        "dropped_out",
        date(2026, 11, 20),
    )
    with read_session(context.engine) as session:
        logged = session.exec(select(AuditLog).where(AuditLog.action == "enrolment.status")).one()
    assert logged.details == {"from": "completed", "to": "dropped_out", "on": "2026-11-20"}


def test_an_unknown_status_is_refused_with_the_row(context: AppContext) -> None:
    report = run_import(context, status_file("Peut-être"))
    assert [(p.row, p.column) for p in report.problems] == [(2, "Statut")]
    assert "Statut inconnu « Peut-être »" in report.problems[0].message()
