"""What the improvement pages share (page layer, not a page): period, labels, cached work.

Suggestions are computed from the cached analysis frames of `analysis.pages.shared` and the
register, and cached a little while per period (`st.cache_data`), so moving between the
improvement pages does not recompute them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from analysis.frames import now_paris
from analysis.pages.shared import data_version, threshold
from analysis.suggestions import (
    Suggestion,
    default_period,
    theme_label,
)
from analysis.suggestions.work import forget, period_work
from surveys.i18n import TranslatableError
from surveys.improvement.complaints import known_themes
from surveys.models import utc_now
from surveys.pages.common import context, lang, tr


def today() -> date:
    return now_paris(utc_now())


def period(key: str) -> tuple[date, date]:
    """A period picker (the twelve months up to today by default); always two dates."""
    start, end = default_period(today())
    chosen = st.date_input(
        tr("improve.pages.period"), value=(start, end), key=key, format="DD/MM/YYYY"
    )
    if isinstance(chosen, tuple | list) and len(chosen) == 2:
        return chosen[0], chosen[1]
    return start, end


def themes() -> list[str]:
    return list(known_themes())


def theme_name(theme: str) -> str:
    return (
        theme_label(theme, lang())
        if theme and theme != "other"
        else tr("improve.pages.other_theme")
    )


def show_error(error: TranslatableError) -> None:
    st.error(error.message(lang()))


def due_default() -> date:
    return today() + timedelta(days=60)


def suggestions_and_candidates(start: date, end: date) -> tuple[list[Suggestion], pd.DataFrame]:
    return period_work(
        context().engine,
        start=start,
        end=end,
        on=today(),
        small_group_min=threshold(),
        version=data_version(),
    )


def forget_work() -> None:
    forget()


def figures_table(figures: dict[str, Any]) -> pd.DataFrame:
    """Evidence figures as two columns for display (lists joined)."""
    rows = [
        (key, ", ".join(map(str, value)) if isinstance(value, list | tuple) else value)
        for key, value in figures.items()
    ]
    return pd.DataFrame(rows, columns=[tr("improve.pages.figure"), tr("improve.pages.value")])
