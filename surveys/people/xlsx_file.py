"""An XLSX export read with bounded memory, or refused early with a message.

Before anything is parsed, the archive's members are checked: their unpacked sizes (as the
archive declares them; `zipfile` never unpacks more than declared) must stay under
`MAX_XLSX_UNCOMPRESSED_BYTES`, and no XML part may declare a DOCTYPE (the road to XXE and
"billion laughs" entity bombs; Excel never writes one). The first sheet is then streamed
(openpyxl `read_only`), at most `MAX_COLUMNS` columns and `MAX_ROWS` rows; any parser failure
becomes the same French message, never a traceback.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from typing import Any

from surveys.people.reading_limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_UNCOMPRESSED_BYTES,
    ImportFileError,
)

_PROLOGUE_BYTES = 4096  # a DOCTYPE must come before the root element


def _check_archive(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        if unpacked > MAX_XLSX_UNCOMPRESSED_BYTES:
            raise ImportFileError(
                "people_import.errors.xlsx_too_big",
                megabytes=MAX_XLSX_UNCOMPRESSED_BYTES // 2**20,
            )
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                with archive.open(member) as part:
                    if b"<!DOCTYPE" in part.read(_PROLOGUE_BYTES).upper():
                        raise ImportFileError("people_import.errors.xlsx_unsafe")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise ImportFileError("people_import.errors.bad_xlsx") from error


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else value if isinstance(value, date) else str(value)


def _rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    # data_only=False: a formula comes back as its text ("=HYPERLINK(...)"), stored as such.
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        rows: list[list[Any]] = []
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            rows.append([_cell(value) for value in row])
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError("people_import.errors.too_many_rows", limit=MAX_ROWS)
        return rows
    finally:
        workbook.close()


def read_rows(data: bytes) -> list[list[Any]]:
    """The first sheet's rows (cells as text, or dates), or ImportFileError."""
    _check_archive(data)
    try:
        return _rows(data)
    except ImportFileError:
        raise
    except Exception as error:  # any parser failure on a hostile file
        raise ImportFileError("people_import.errors.bad_xlsx") from error
