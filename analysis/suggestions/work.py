"""The suggestions of a period and the comments still to offer to the register, computed once
per data version (`analysis.frames.cache`) and kept in memory: the improvement pages and the
server's start-up warm-up share them, so the first visit finds them ready."""

from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa

from analysis.frames import AnalysisFilters, apply_filters
from analysis.frames.cache import FRAMES, VersionedMemo
from analysis.register import complaints_frame
from analysis.suggestions.engine import inputs_from_frames, suggest
from analysis.suggestions.model import Suggestion, SuggestionSettings
from analysis.text import register_candidates
from surveys.db import read_session
from surveys.improvement.complaints import list_complaints
from surveys.improvement.complaints import recorded_response_ids as recorded_ids

Work = tuple[list[Suggestion], pd.DataFrame]
WORK = VersionedMemo(max_entries=8)


def compute_work(
    engine: sa.Engine, *, start: date, end: date, on: date, small_group_min: int, version: str
) -> Work:
    chosen = apply_filters(FRAMES.get(engine, version), AnalysisFilters(start=start, end=end))
    with read_session(engine) as session:
        register = complaints_frame(list_complaints(session=session, start=start, end=end))
        recorded = recorded_ids(session=session)
    inputs = inputs_from_frames(chosen, register, start=start, end=end, today=min(on, end))
    found = suggest(inputs, SuggestionSettings(small_group_min=small_group_min))
    return found, register_candidates(inputs.comments, recorded)


def _key(engine: sa.Engine, start: date, end: date, on: date, small_group_min: int) -> tuple:
    return (engine.url.render_as_string(), start, end, on, small_group_min)


def period_work(
    engine: sa.Engine, *, start: date, end: date, on: date, small_group_min: int, version: str
) -> Work:
    """`compute_work`, once per (database, period, day, threshold, data version)."""
    return WORK.get(  # type: ignore[return-value]
        _key(engine, start, end, on, small_group_min),
        version,
        lambda: compute_work(
            engine, start=start, end=end, on=on, small_group_min=small_group_min, version=version
        ),
    )


def kept_suggestions(
    engine: sa.Engine, *, start: date, end: date, on: date, small_group_min: int, version: str
) -> list[Suggestion] | None:
    """The suggestions `period_work` holds for these arguments, or None (nothing computed)."""
    kept = WORK.kept(_key(engine, start, end, on, small_group_min), version)
    return None if kept is None else kept[0]  # type: ignore[index]


def forget() -> None:
    WORK.clear()
