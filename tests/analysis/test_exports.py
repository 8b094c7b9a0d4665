"""Exports: CSV that French Excel opens, XLSX, formula-like cells neutralised."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from analysis.exports import (
    responses_for_export,
    sheet_name,
    to_csv_bytes,
    to_xlsx_bytes,
)
from surveys.spreadsheet import neutralise_formula
from tests.analysis.frames_for_tests import answers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 00", "'+33 6 00"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Très bien", "Très bien"),
        (-2, -2),
        (None, None),
    ],
)
def test_formula_like_text_gets_a_leading_apostrophe(value: object, expected: object) -> None:
    assert neutralise_formula(value) == expected


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "commentaire": ['=HYPERLINK("http://x")', "Formation très claire"],
            "moyenne": [4.25, -0.5],
            "envoyé": pd.to_datetime(["2026-03-31 22:30", "2026-01-15 08:00"]).tz_localize("UTC"),
        }
    )


def test_csv_has_a_bom_semicolons_decimal_commas_and_no_live_formula() -> None:
    content = to_csv_bytes(_table())
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "commentaire;moyenne;envoyé"
    assert lines[1].startswith('"\'=HYPERLINK(""http://x"")";4,25;2026-04-01 00:30:00')
    assert lines[2] == "Formation très claire;-0,5;2026-01-15 09:00:00"


def test_xlsx_holds_paris_times_numbers_and_neutralised_text() -> None:
    content = to_xlsx_bytes({"Scores: thèmes/2026": _table(), "autre": pd.DataFrame()})
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Scores  thèmes 2026", "autre"]
    sheet = book["Scores  thèmes 2026"]
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")' and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 4.25
    assert sheet["C2"].value.isoformat() == "2026-04-01T00:30:00"


def test_sheet_names_stay_short_and_unique() -> None:
    used: set[str] = set()
    first = sheet_name("x" * 40, used)
    second = sheet_name("x" * 40, used)
    assert len(first) == len(second) == 31 and first != second


def test_the_responses_export_never_holds_the_respondent() -> None:
    frame = answers(
        [
            {"response_id": "r1", "number": 4, "person_id": 12},
            {"response_id": "r2", "type": "text", "text": "-1 pour la hotline"},
        ]
    )
    table = responses_for_export(frame, small_group_min=2)
    assert "person_id" not in table.columns
    assert "'-1 pour la hotline" in to_csv_bytes(table).decode("utf-8-sig")
