"""Exports of the responses and of every table: CSV for French Excel, and XLSX.

- CSV uses `;` between fields and a decimal comma, in UTF-8 with a byte order mark, which is
  what French Excel opens without an import wizard.
- A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula
  in a spreadsheet ("CSV injection"): free-text answers are written by anyone with a link, so
  such text cells get a leading apostrophe and are shown as typed. Numbers stay numbers.
- Timezone-aware datetimes are converted to Paris time and written without a zone (Excel has
  none; openpyxl refuses aware values).
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from analysis.frames import PARIS, quotable_rows
from surveys.spreadsheet import neutralise_formula

CSV_SEPARATOR = ";"
CSV_ENCODING = "utf-8-sig"  # UTF-8 with BOM
EXCEL_SHEET_NAME_MAX = 31
EXCEL_FORBIDDEN = str.maketrans({character: " " for character in "[]:*?/\\"})


def _text_cells(column: pd.Series) -> bool:
    return column.dtype == object or isinstance(column.dtype, pd.StringDtype | pd.CategoricalDtype)


def prepare_for_export(table: pd.DataFrame) -> pd.DataFrame:
    """A copy safe to open in a spreadsheet: formulas neutralised, datetimes in Paris time
    without zone, categories as plain values."""
    table = table.copy()
    for column in table.columns:
        series = table[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            table[column] = series.dt.tz_convert(PARIS).dt.tz_localize(None)
        elif _text_cells(series):
            table[column] = series.astype(object).map(neutralise_formula)
    table.columns = [str(neutralise_formula(str(column))) for column in table.columns]
    return table


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    prepare_for_export(table).to_csv(buffer, sep=CSV_SEPARATOR, index=False, decimal=",")
    return buffer.getvalue().encode(CSV_ENCODING)


def sheet_name(name: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = (name.translate(EXCEL_FORBIDDEN).strip() or "Feuille")[:EXCEL_SHEET_NAME_MAX]
    candidate, number = base, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = base[: EXCEL_SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    used.add(candidate.lower())
    return candidate


def to_xlsx_bytes(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per table, in the order given."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in tables.items():
            prepare_for_export(table).to_excel(
                writer, sheet_name=sheet_name(name, used), index=False
            )
        if not tables:
            pd.DataFrame().to_excel(writer, sheet_name="Feuille", index=False)
    return buffer.getvalue()


RESPONSE_EXPORT_COLUMNS = [
    "response_id",
    "submitted_on",
    "audience",
    "timing",
    "programme",
    "session",
    "modality",
    "theme",
    "question_id",
    "question_fr",
    "type",
    "number",
    "text",
]


def responses_for_export(answers: pd.DataFrame, *, small_group_min: int) -> pd.DataFrame:
    """The answers as an export holds them: never the respondent (`person_id` stays out, so
    an export of named and anonymous answers alike identifies nobody by itself), only the
    campaigns with at least `small_group_min` respondents (a smaller one's rows never leave
    one by one), in an order that says nothing of how they were stored."""
    kept = answers[quotable_rows(answers, small_group_min).to_numpy(bool)]
    table = kept[RESPONSE_EXPORT_COLUMNS].copy()
    for column in table.columns:
        if isinstance(table[column].dtype, pd.CategoricalDtype):
            table[column] = table[column].astype(object)
    table["submitted_on"] = pd.to_datetime(table["submitted_on"]).dt.date
    order = ["submitted_on", "programme", "session", "response_id", "question_id"]
    return table.sort_values(order, kind="stable", na_position="last").reset_index(drop=True)
