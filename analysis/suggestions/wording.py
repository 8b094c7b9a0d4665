"""How a suggestion's figures are written for a reader, in French and English.

Scores with one decimal (a French comma), shares as percentages, dates, theme and audience
labels, lists joined; `plain_value` turns numpy and pandas scalars into plain Python values.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analysis.labels import cause_label
from question_banks.loader import load_catalog
from surveys import formatting
from surveys.i18n import label, t


def theme_label(theme: str, language: str = "fr") -> str:
    found = load_catalog().get_theme(theme)
    return found.label.get(language) if found else theme


def _number(value: float, language: str, digits: int = 1, signed: bool = False) -> str:
    value = round(value, digits) + 0.0  # + 0.0 turns -0.0 into 0.0: no "−0,0"
    text = f"{value:+.{digits}f}" if signed and value else f"{value:.{digits}f}"
    text = text.replace("-", "−")
    return text.replace(".", ",") if language == "fr" else text


def _percent(value: float, language: str) -> str:
    return f"{round(value * 100)}\u202f%" if language == "fr" else f"{round(value * 100)}%"


def _day(value: date, language: str) -> str:
    return formatting.day(value, language)


class Pseudonym(str):
    """A trainer's letter standing for their name ("A" reads "Formateur A")."""


def _format_value(key: str, value: Any, language: str) -> str:
    if isinstance(value, Pseudonym):
        return t("improve.trainer_pseudonym", language, letter=str(value))
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return t("improve.never", language) if key == "last" else "—"
    if isinstance(value, (list, tuple)):
        items = [_format_value(key, item, language) for item in value]
        return ", ".join(items) if items else t("improve.none", language)
    if isinstance(value, date):
        return _day(value, language)
    if key in ("theme", "themes"):
        return theme_label(str(value), language)
    if key == "audience":
        return label("stakeholder", str(value), language).lower()
    if key == "timing":
        return label("timing", str(value), language).lower()
    if key == "cause":
        return cause_label(value, language)
    if key == "dimension":
        return t(f"improve.dimension.{value}", language)
    if isinstance(value, float):
        if key.endswith(("rate", "share", "top2", "threshold_rate")):
            return _percent(value, language)
        return _number(value, language, signed=key.endswith("delta"))
    return str(value)


def format_params(params: dict[str, Any], language: str) -> dict[str, str]:
    """The raw values as a reader reads them: scores with one decimal (a French comma),
    shares as percentages, dates, theme and audience labels, lists joined."""
    return {key: _format_value(key, value, language) for key, value in params.items()}


def plain_figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    """A suggestion's figures as plain values (see `plain_value`)."""
    return {key: plain_value(value) for key, value in figures.items()}


def plain_value(value: Any) -> Any:
    """numpy / pandas scalars as Python values, floats rounded to 3 decimals (JSON, tests)."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else round(float(value), 3)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if value is pd.NaT:
        return None
    return value
