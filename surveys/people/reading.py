"""Reading the file: a CSV or XLSX export becomes a `Table` of text cells, and its headers a
mapping from our fields to its columns.

Reading accepts `;` or `,` (or tab) separators, UTF-8 with or without BOM and Windows-1252
(`surveys.people.csv_file`: mixed encodings, mojibake and unbalanced quotes are refused by
line), XLSX streamed with bounded memory (`surveys.people.xlsx_file`), and headers in French or
English (see `surveys.people.vocabulary`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from surveys.people import csv_file, xlsx_file
from surveys.people.reading_limits import MAX_FILE_BYTES, ImportFileError
from surveys.people.vocabulary import HEADER_SYNONYMS, normalise

__all__ = ["FIELDS", "MAX_FILE_BYTES", "REQUIRED_FIELDS", "ImportFileError", "Table"]

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
    "status",
    "status_changed_on",
)
REQUIRED_FIELDS = ("email", "stakeholder_type")


@dataclass(frozen=True)
class Table:
    """The file's header row and data rows, every cell as text (or a date from XLSX)."""

    headers: list[str]
    rows: list[list[Any]]
    first_row_number: int = 2  # the spreadsheet's number of the first data row


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
        return _table(xlsx_file.read_rows(data))
    return _table(csv_file.read_rows(data))


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
