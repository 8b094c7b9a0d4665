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
from analysis.suggestions.wording import format_params
from analysis.suggestions.work import forget, period_work
from surveys.i18n import TranslatableError
from surveys.improvement.complaints import known_themes
from surveys.models import utc_now
from surveys.pages.common import EDITORS, choose, column_name, context, lang, staff_page, tr
from surveys.staff.auth import StaffIdentity


def today() -> date:
    return now_paris(utc_now())


def improve_page(
    name: str, period_key: str, roles: tuple[str, ...] = EDITORS
) -> tuple[StaffIdentity, date, date]:
    """The top of an improvement page over a period: the guard, the title and intro
    `improve.pages.<name>_*`, and the period picker. Returns the member and the period."""
    me = staff_page(f"improve.pages.{name}_title", f"improve.pages.{name}_intro", roles)
    start, end = period(period_key)
    return me, start, end


def day_input(label: str, key: str, value: date | None = None) -> date:
    """A day picker in the French way (dd/mm/yyyy), today unless `value`."""
    return st.date_input(label, value=value or today(), key=key, format="DD/MM/YYYY")


def pick_entry(frame: pd.DataFrame, column: str, label: str, key: str) -> int:
    """Pick one entry of the register or the plan by its number and `column` (its summary)."""
    names = dict(zip(frame["id"], frame[column], strict=True))
    return choose(st, label, list(names), key, lambda i: f"n° {i} — {names[i]}")


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


def figure_name(key: str) -> str:
    return column_name(key, "improve.figures.", "improve")


def figures_table(figures: dict[str, Any]) -> pd.DataFrame:
    """Evidence figures as two columns for display, named and written for the reader."""
    written = format_params(figures, lang())
    rows = [(figure_name(key), written[key]) for key in figures]
    return pd.DataFrame(rows, columns=[tr("improve.pages.figure"), tr("improve.pages.value")])


def evidence_rows(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A suggestion's evidence rows, each value written for the reader, headers named."""
    frame = pd.DataFrame([format_params(row, lang()) for row in rows])
    return frame.rename(columns={key: figure_name(key) for key in frame.columns})
