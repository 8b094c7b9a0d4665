"""Spreadsheet safety: a cell starting like a formula is stored and exported as text.

Excel and LibreOffice run a cell that begins with = + - @ (or a tab / carriage return) as a
formula ("CSV injection", OWASP). A leading apostrophe makes them show it as text. Every export
(CSV, XLSX, and st.dataframe tables, which offer a CSV download) goes through this one function.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def neutralise_formula(value: Any) -> Any:
    """Text a spreadsheet would run gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def spreadsheet_safe(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Table rows with every cell neutralised."""
    return [{key: neutralise_formula(value) for key, value in row.items()} for row in rows]
