"""Spreadsheet safety: a cell starting like a formula is stored and exported as text.

Excel and LibreOffice run a cell that begins with = + - @ (or a tab / carriage return) as a
formula ("CSV injection"). Prefixing an apostrophe makes them show it as text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS)


def neutralise_formula(value: str) -> str:
    """The value, made inert for spreadsheets (numbers such as -3 stay numbers)."""
    if not looks_like_formula(value):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value
