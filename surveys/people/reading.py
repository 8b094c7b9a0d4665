"""Reading the file: a CSV or XLSX export becomes a `Table` of text cells, and its headers a
mapping from our fields to its columns.

Reading accepts `;` or `,` (or tab) separators, UTF-8 with or without BOM and Windows-1252,
and headers in French or English (see `surveys.people.vocabulary`).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from surveys.i18n import TranslatableError
from surveys.people.vocabulary import HEADER_SYNONYMS, normalise

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
MAX_FILE_BYTES = 10 * 1024 * 1024


class ImportFileError(TranslatableError):
    """The file as a whole cannot be read (the message says why, in the reader's language)."""


@dataclass(frozen=True)
class Table:
    """The file's header row and data rows, every cell as text (or a date from XLSX)."""

    headers: list[str]
    rows: list[list[Any]]
    first_row_number: int = 2  # the spreadsheet's number of the first data row


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
