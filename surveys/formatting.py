"""How numbers, dates and times are written for a person: the one home for formats, used by
the staff pages and the PDFs alike.

French: `3,78`, `1 234` (narrow no-break space), `45 %`, `27/03/2026`, `03/2026`,
`27/03/2026 17:05`. English: `3.78`, `1,234`, `45%`, `27 Mar 2026`, `Mar 2026`,
`27 Mar 2026 17:05`. Times are shown in
Europe/Paris (`surveys.config.DISPLAY_TIMEZONE`); a missing value is an empty cell.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from surveys.config import DISPLAY_TIMEZONE

NARROW_NBSP = "\u202f"
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict)) else False
    except (TypeError, ValueError):
        return False


def integer(value: float, language: str = "fr") -> str:
    """1234 -> "1 234" (fr) / "1,234" (en)."""
    grouped = f"{round(value):,}"
    return grouped if language == "en" else grouped.replace(",", NARROW_NBSP)


def number(value: float, language: str = "fr", digits: int = 2, *, signed: bool = False) -> str:
    """3.784 -> "3,78" (fr) / "3.78" (en); whole numbers keep no decimals ("7", not "7,00")."""
    value = round(float(value), digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    if value == int(value) and abs(value) < 1e15:
        text = integer(value, language)
    else:
        text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
        text = text if language == "en" else text.translate({44: NARROW_NBSP, 46: ","})
    if signed and value > 0:
        text = "+" + text
    return text.replace("-", "−")


def percent(share: float, language: str = "fr", digits: int = 0) -> str:
    """0.452 -> "45 %" (fr) / "45%" (en)."""
    text = number(share * 100, language, digits)
    return f"{text}{NARROW_NBSP}%" if language != "en" else f"{text}%"


def _calendar_day(value: date | datetime) -> date:
    """The day itself, or a datetime's day on the Paris calendar."""
    return _local(value).date() if isinstance(value, datetime) else value


def day(value: date | datetime, language: str = "fr") -> str:
    """A calendar day: "27/03/2026" (fr) / "27 Mar 2026" (en); datetimes on the Paris calendar."""
    value = _calendar_day(value)
    if language == "en":
        return f"{value.day} {_EN_MONTHS[value.month - 1]} {value.year}"
    return value.strftime("%d/%m/%Y")


def month(value: date | datetime, language: str = "fr") -> str:
    """A calendar month: "11/2026" (fr) / "Nov 2026" (en)."""
    value = _calendar_day(value)
    if language == "en":
        return f"{_EN_MONTHS[value.month - 1]} {value.year}"
    return value.strftime("%m/%Y")


def moment(value: datetime, language: str = "fr") -> str:
    """A moment in Paris time, to the minute: "27/03/2026 17:05" / "27 Mar 2026 17:05"."""
    local = _local(value)
    return f"{day(local.date(), language)} {local.strftime('%H:%M')}"


def _local(value: datetime) -> datetime:
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value.astimezone(DISPLAY_TIMEZONE) if value.tzinfo else value


def cell(value: Any, language: str = "fr") -> Any:
    """One table cell as a person reads it; ints stay numbers (they sort), the rest text."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, datetime):
        has_time = value.tzinfo is not None or (value.hour, value.minute) != (0, 0)
        return moment(value, language) if has_time else day(value, language)
    if isinstance(value, date):
        return day(value, language)
    if isinstance(value, float):
        return integer(value, language) if value == int(value) else number(value, language)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return cell(value.item(), language)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(cell(item, language)) for item in value)
    return value


def display_frame(frame: pd.DataFrame, language: str = "fr") -> pd.DataFrame:
    """Every cell of `frame` written for a person (see `cell`); whole-number columns stay
    numbers so they sort."""
    shown = frame.copy()
    for column in shown.columns:
        series = shown[column]
        if pd.api.types.is_integer_dtype(series) and not pd.api.types.is_bool_dtype(series):
            continue
        values = [cell(value, language) for value in series.tolist()]
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            continue
        shown[column] = pd.Series([str(v) for v in values], index=shown.index, dtype=object)
    return shown
