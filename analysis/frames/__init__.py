"""The analysis frames: `model` (their shape, read its notes), `read` and `build` (the only
database reads of the dashboard), `filters`. This face hands on the names others use."""

from analysis.frames.build import load_campaign_frames, load_frames
from analysis.frames.filters import apply_filters, filter_choices, now_paris
from analysis.frames.model import (
    ANSWER_COLUMNS,
    CATEGORY_COLUMNS,
    PARIS,
    AnalysisFilters,
    AnalysisFrames,
)
from analysis.frames.read import load_respondent_names, small_group_min
from analysis.frames.small_groups import (
    TRAINER_RESULT_ROLES,
    quotable_rows,
    respondent_count,
    withheld_reason,
    withheld_sentence,
)

__all__ = [
    "ANSWER_COLUMNS",
    "CATEGORY_COLUMNS",
    "PARIS",
    "TRAINER_RESULT_ROLES",
    "AnalysisFilters",
    "AnalysisFrames",
    "apply_filters",
    "filter_choices",
    "load_campaign_frames",
    "load_frames",
    "load_respondent_names",
    "now_paris",
    "quotable_rows",
    "respondent_count",
    "small_group_min",
    "withheld_reason",
    "withheld_sentence",
]
