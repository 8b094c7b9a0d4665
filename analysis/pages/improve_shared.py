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

from analysis.frames import AnalysisFilters, apply_filters, now_paris
from analysis.pages.shared import frames, threshold
from analysis.register import complaints_frame
from analysis.suggestions import (
    Suggestion,
    SuggestionSettings,
    default_period,
    inputs_from_frames,
    suggest,
    theme_label,
)
from analysis.suggestions.wording import format_params
from analysis.text import register_candidates
from surveys.db import read_session
from surveys.i18n import TranslatableError
from surveys.improvement.complaints import known_themes, list_complaints
from surveys.improvement.complaints import recorded_response_ids as recorded_ids
from surveys.models import utc_now
from surveys.pages.common import column_name, context, lang, tr

CACHE_SECONDS = 60


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


@st.cache_data(ttl=CACHE_SECONDS, max_entries=8, show_spinner=False)
def cached_work(
    start: date, end: date, on: date, small_group_min: int, database_url: str
) -> tuple[list[Suggestion], pd.DataFrame]:
    """The suggestions of the period and the comments still to offer to the register."""
    del database_url  # part of the cache key only
    chosen = apply_filters(frames(), AnalysisFilters(start=start, end=end))
    with read_session(context().engine) as session:
        register = complaints_frame(list_complaints(session=session, start=start, end=end))
        recorded = recorded_ids(session=session)
    inputs = inputs_from_frames(chosen, register, start=start, end=end, today=min(on, end))
    found = suggest(inputs, SuggestionSettings(small_group_min=small_group_min))
    return found, register_candidates(inputs.comments, recorded)


def suggestions_and_candidates(start: date, end: date) -> tuple[list[Suggestion], pd.DataFrame]:
    return cached_work(start, end, today(), threshold(), context().settings.database_url)


def forget_work() -> None:
    cached_work.clear()


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
