"""Importing people and sessions from French (and English) spreadsheet exports: bad rows are
refused with row, column and reason, good rows are imported, and re-importing changes nothing."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import select

from surveys.db import read_session, write_session
from surveys.models import Enrolment, Person, Programme, TrainingSession, utc_now
from surveys.people.reading import ImportFileError, guess_mapping, read_table
from surveys.people.rows import parse_date
from surveys.runtime import AppContext
from surveys.spreadsheet import neutralise_formula
from tests.support.people_import import FRENCH_HEADER, FRENCH_ROWS, cli, counts, run_import

EXPECTED_PROBLEMS = [
    (6, "Courriel", "n'est pas une adresse e-mail valide"),
    (7, "Rôle", "Type inconnu « Visiteur »"),
    (8, "Date de début", "Date impossible « 31/02/2026 »"),
    (9, "Courriel", "Valeur obligatoire manquante"),
]


def french_file(encoding: str, rows: tuple[str, ...] = FRENCH_ROWS) -> bytes:
    return "\r\n".join((FRENCH_HEADER, *rows)).encode(encoding)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
def test_a_french_excel_export_imports_the_good_rows_and_reports_the_bad_ones(
    context: AppContext, encoding: str
) -> None:
    report = run_import(context, french_file(encoding))
    problems = [(problem.row, problem.column, problem.message()) for problem in report.problems]
    assert [(row, column) for row, column, _ in problems] == [
        (row, column) for row, column, _ in EXPECTED_PROBLEMS
    ]
    for (_row, _column, message), (_r, _c, expected) in zip(
        problems, EXPECTED_PROBLEMS, strict=True
    ):
        assert expected in message
    assert (report.rows, report.imported_rows, report.refused_rows) == (8, 4, 4)
    assert counts(context) == {"person": 4, "training_session": 1, "programme": 1, "enrolment": 4}
    with read_session(context.engine) as session:
        eloise = session.exec(
            select(Person).where(Person.email == "eloise.lefevre@example.org")
        ).one()
        assert (eloise.first_name, eloise.last_name, eloise.organisation) == (
            "Éloïse",
            "Lefèvre",
            "Garonne Bâtiment",
        )
        assert (
            session.exec(select(Person.email).where(Person.last_name == "Dupont")).one()
            == "noel.dupont@example.org"
        )
        claire = session.exec(select(Person).where(Person.last_name == "Moreau")).one()
        assert (claire.stakeholder_type, claire.language) == ("trainer", "en")
        training = session.exec(select(TrainingSession)).one()
        assert (training.code, training.start_date, training.end_date, training.modality) == (
            "DW-2611",
            date(2026, 11, 2),
            date(2026, 11, 27),
            "hybrid",
        )
        roles = sorted(session.exec(select(Enrolment.role)).all())
        assert roles == ["financer", "learner", "learner", "trainer"]


def test_reimporting_the_same_file_changes_nothing(context: AppContext) -> None:
    data = french_file("cp1252")
    run_import(context, data)
    before = counts(context)
    again = run_import(context, data)
    assert not again.changed_anything
    assert again.imported_rows == 4 and again.refused_rows == 4
    assert counts(context) == before


def test_people_are_matched_by_email_and_sessions_by_code(context: AppContext) -> None:
    run_import(context, french_file("utf-8", FRENCH_ROWS[:1]))
    moved = (
        FRENCH_ROWS[0]
        .replace("Garonne Bâtiment", "Tarn Mécanique")
        .replace("eloise.lefevre@", "ELOISE.Lefevre@")
    )
    report = run_import(context, french_file("utf-8", (moved,)))
    assert (report.people_created, report.people_updated, report.sessions_created) == (0, 1, 0)
    with read_session(context.engine) as session:
        assert session.exec(select(Person.organisation)).one() == "Tarn Mécanique"


def test_an_opt_out_survives_a_reimport(context: AppContext) -> None:
    run_import(context, french_file("utf-8", FRENCH_ROWS[:1]))
    with write_session(context.engine) as session:
        session.exec(select(Person)).one().opted_out_at = utc_now()
    run_import(context, french_file("utf-8", FRENCH_ROWS[:1]))
    with read_session(context.engine) as session:
        assert session.exec(select(Person)).one().opted_out_at is not None


def test_a_dry_run_counts_what_the_import_would_do_and_saves_nothing(
    context: AppContext,
) -> None:
    preview = run_import(context, french_file("cp1252"), dry_run=True)
    assert (preview.people_created, preview.sessions_created, preview.imported_rows) == (4, 1, 4)
    assert counts(context) == {"person": 0, "training_session": 0, "programme": 0, "enrolment": 0}
    real = run_import(context, french_file("cp1252"))
    assert (real.people_created, real.sessions_created) == (4, 1)


def test_formula_cells_are_stored_as_text_and_escaped_when_exported(context: AppContext) -> None:
    row = (
        '"=HYPERLINK(""http://evil.example"";""clic"")";@SUM(1+1);formula@example.org;'
        "Stagiaire;+33 6 00;;;;;;"
    )
    report = run_import(context, french_file("utf-8", (row,)))
    assert report.imported_rows == 1
    with read_session(context.engine) as session:
        person = session.exec(select(Person)).one()
    assert person.last_name == '=HYPERLINK("http://evil.example";"clic")'
    assert person.first_name == "@SUM(1+1)" and person.organisation == "+33 6 00"
    assert neutralise_formula(person.last_name) == "'" + person.last_name
    assert neutralise_formula("Dupont") == "Dupont"


@pytest.mark.parametrize(
    "name",
    ["Eve\r\nBcc: spy@example.net", "Eve\x00", "Eve\tMartin", "Eve\u202enitraM", "Eve\u2028Martin"],
)
def test_control_characters_are_refused_in_names(context: AppContext, name: str) -> None:
    row = f'"{name}";Camille;eve@example.org;Stagiaire;;;;;;;'
    report = run_import(context, french_file("utf-8", (row,)))
    [problem] = report.problems
    assert (problem.row, problem.column) == (2, "Nom")
    assert "caractères de contrôle" in problem.message()
    assert counts(context)["person"] == 0


def test_a_new_session_needs_its_programme_and_dates(context: AppContext) -> None:
    row = "Roux;Léa;lea.roux@example.org;Stagiaire;;NEW-1;;;27/12/2026;;"
    [problem] = run_import(context, french_file("utf-8", (row,))).problems
    assert problem.column == "Formation" and "NEW-1" in problem.message()


def test_english_headers_with_commas_are_recognised(context: AppContext) -> None:
    data = (
        b"Last name,First name,E-mail,Role,Company,Session code,Programme,Start date,"
        b"End date,Modality,Language\n"
        b"Smith,Jo,jo.smith@example.org,Learner,Acme,EN-1,English at work,05/01/2027,"
        b"29/01/2027,Remote,English\n"
    )
    report = run_import(context, data)
    assert report.imported_rows == 1 and not report.problems
    with read_session(context.engine) as session:
        assert session.exec(select(TrainingSession.modality)).one() == "remote"
        assert session.exec(select(Person.language)).one() == "en"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("NOM", "last_name"),
        ("Prénom", "first_name"),
        ("prenom", "first_name"),
        ("E-mail", "email"),
        ("Courriel", "email"),
        ("Adresse e-mail", "email"),
        ("Rôle", "stakeholder_type"),
        ("TYPE", "stakeholder_type"),
        ("Structure", "organisation"),
        ("Entreprise", "organisation"),
        ("Code session", "session_code"),
        ("Formation", "programme"),
        ("Programme", "programme"),
        ("Date de début", "start_date"),
        ("DATE DE FIN", "end_date"),
        ("Modalité", "modality"),
        ("Langue", "language"),
        ("Last name", "last_name"),
    ],
)
def test_headers_are_recognised_ignoring_case_and_accents(header: str, field: str) -> None:
    assert guess_mapping(["x", header])[field] == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02/11/2026", date(2026, 11, 2)),
        ("2/1/2027", date(2027, 1, 2)),
        ("02-11-2026", date(2026, 11, 2)),
        ("02.11.2026", date(2026, 11, 2)),
        ("2026-11-02", date(2026, 11, 2)),
        ("", None),
    ],
)
def test_dates_are_read_day_first(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "13/13/2026", "demain", "02/11/26"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_an_xlsx_export_with_real_dates_and_a_formula_imports(context: AppContext) -> None:
    book = Workbook()
    sheet = book.active
    header = "Nom;Prénom;E-mail;Type;Code session;Formation;Date de début;Date de fin"
    eloise = ["Lefèvre", "Éloïse", "eloise@example.org", "Apprenante", "XL-1"]
    bad = ["Bad", "Row", "bad@example.org", "stagiaire", "XL-2", "Paie"]
    for row in (
        header.split(";"),
        [*eloise, "Bilan de compétences", datetime(2026, 10, 1), datetime(2026, 12, 15)],
        ["=A2&B2", "Jo", "jo@example.org", "stagiaire", "XL-1", None, None, None],
        [*bad, datetime(2026, 12, 1), datetime(2026, 11, 1)],  # it ends before it starts
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    report = run_import(context, buffer.getvalue(), "export.xlsx")
    assert report.imported_rows == 2
    assert [(p.row, p.column) for p in report.problems] == [(4, "Date de fin")]
    with read_session(context.engine) as session:
        training = session.exec(select(TrainingSession)).one()
        programme = session.get(Programme, training.programme_id)
        assert (training.start_date, training.end_date) == (date(2026, 10, 1), date(2026, 12, 15))
        assert programme.kind == "skills_assessment"
        assert (
            session.exec(select(Person.last_name).where(Person.email == "jo@example.org")).one()
            == "=A2&B2"
        )


@pytest.mark.parametrize(
    ("data", "key"),
    [(b"", "people_import.errors.empty"), (b"PK\x03\x04broken", "people_import.errors.bad_xlsx")],
)
def test_an_unreadable_file_is_refused_as_a_whole(data: bytes, key: str) -> None:
    with pytest.raises(ImportFileError) as raised:
        read_table(data, "x.xlsx" if data else "x.csv")
    assert raised.value.key == key


def test_the_command_reports_refused_rows_and_exits_non_zero(
    sqlite_context: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(french_file("cp1252"))
    result = cli(sqlite_context, path)
    assert result.returncode == 1
    assert "Ligne 6, colonne « Courriel »" in result.stderr
    assert "Ligne 8, colonne « Date de début » : Date impossible" in result.stderr
    assert "4 importée(s), 4 refusée(s)" in result.stdout
    assert counts(sqlite_context)["person"] == 4


def test_the_command_succeeds_when_every_row_is_good_and_twice_changes_nothing(
    sqlite_context: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(french_file("utf-8-sig", FRENCH_ROWS[:4]))
    assert cli(sqlite_context, path).returncode == 0
    second = cli(sqlite_context, path)
    assert second.returncode == 0 and "Personnes : 0 créée(s), 0 mise(s) à jour" in second.stdout


def test_the_command_names_the_missing_required_columns(
    sqlite_context: AppContext, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Nom;Prénom\nDupont;Noël\n", encoding="utf-8")
    result = cli(sqlite_context, path)
    assert result.returncode == 2 and "E-mail" in result.stderr


@pytest.mark.slow
def test_the_import_page_guesses_the_mapping_previews_then_imports(app_env) -> None:
    from tests.support.staff_app import logged_in_app

    app = logged_in_app(app_env, "quality").run()
    app.switch_page("surveys/pages/people_import.py").run()
    app.file_uploader[0].set_value(("export.csv", french_file("cp1252"), "text/csv")).run()
    assert not app.exception
    assert (
        app.selectbox(
            key=next(box.key for box in app.selectbox if box.key.startswith("import_map_email_"))
        ).value
        == 2
    )
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Lignes lues"] == "8" and metrics["Lignes refusées"] == "4"
    problems = app.dataframe[0].value
    assert list(problems["Ligne"]) == [6, 7, 8, 9]
    assert counts(app_env)["person"] == 0  # the preview saved nothing
    app.button(key="import_run").click().run()
    assert not app.exception and app.success
    assert counts(app_env) == {"person": 4, "training_session": 1, "programme": 1, "enrolment": 4}
