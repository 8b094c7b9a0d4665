"""The small-group rule: what may be shown or exported of a filtered selection (pure).

Every page, export and command that shows answers asks `withheld_reason` first; a reason
means the page shows `withheld_sentence` instead of the data. The rule holds against:

- a selection too small: fewer than `threshold` respondents (`too_few`);
- differencing: the selection with one filter (or every filter but the period) taken away
  would add between 1 and `threshold - 1` respondents, so "wider minus this" would single
  them out (`rest_too_few`);
- narrowing by pieces: one of several values chosen in a filter (two programmes, say) holds
  between 1 and `threshold - 1` respondents, so "both minus one" would single them out
  (`value_too_few`).

Rows (verbatims, the answers export) are released only from campaigns with at least
`threshold` respondents (`quotable_campaigns`), whatever the filters: no choice of filters
or periods can then reach the rows of a smaller campaign by difference. Anonymous responses
are dated by their campaign's day, so a period cuts whole campaigns.
"""

from __future__ import annotations

from dataclasses import fields, replace

import pandas as pd

from analysis.frames.filters import apply_filters
from analysis.frames.model import AnalysisFilters, AnalysisFrames
from surveys.i18n import t

# the filters that narrow who answered (the period is kept when one is relaxed)
NARROWING_FILTERS = tuple(
    field.name for field in fields(AnalysisFilters) if field.name not in ("start", "end")
)
REASONS = ("too_few", "rest_too_few", "value_too_few")
# who may see results per trainer (indicator 21-22 follow-up); directors see none, and the
# evidence pack, which directors download, calls trainers "Trainer A", "Trainer B"...
TRAINER_RESULT_ROLES = ("admin", "quality")


def respondent_count(answers: pd.DataFrame) -> int:
    return int(answers["response_id"].nunique()) if len(answers) else 0


def _count(frames: AnalysisFrames, filters: AnalysisFilters) -> int:
    return respondent_count(apply_filters(frames, filters).answers)


def _wider(filters: AnalysisFilters) -> list[AnalysisFilters]:
    """The selection with each active filter taken away, then with all but the period."""
    active = [name for name in NARROWING_FILTERS if getattr(filters, name)]
    wider = [replace(filters, **{name: ()}) for name in active]
    if len(active) > 1:
        wider.append(replace(filters, **dict.fromkeys(active, ())))
    return wider


def _pieces(filters: AnalysisFilters) -> list[AnalysisFilters]:
    """The selection with one value of a multi-value filter at a time."""
    return [
        replace(filters, **{name: (value,)})
        for name in NARROWING_FILTERS
        if len(getattr(filters, name)) > 1
        for value in getattr(filters, name)
    ]


def withheld_reason(frames: AnalysisFrames, filters: AnalysisFilters, threshold: int) -> str | None:
    """Why the selection's answers may not be shown, or None when they may (also when there
    is nothing to show: the page then says there is no answer)."""
    chosen = _count(frames, filters)
    if chosen == 0:
        return None
    if chosen < threshold:
        return "too_few"
    if any(0 < _count(frames, wider) - chosen < threshold for wider in _wider(filters)):
        return "rest_too_few"
    if any(0 < _count(frames, piece) < threshold for piece in _pieces(filters)):
        return "value_too_few"
    return None


def withheld_sentence(reason: str, threshold: int, language: str) -> str:
    """The plain sentence a page shows instead of the data."""
    return t(f"analysis.withheld.{reason}", language, threshold=threshold)


def quotable_campaigns(answers: pd.DataFrame, threshold: int) -> set[int]:
    """The campaigns whose rows may be released: at least `threshold` respondents."""
    if answers.empty:
        return set()
    sizes = answers.groupby("campaign_id", observed=True)["response_id"].nunique()
    return {int(campaign) for campaign, size in sizes.items() if size >= threshold}


def quotable_rows(answers: pd.DataFrame, threshold: int) -> pd.Series:
    """True for the rows of campaigns with enough respondents (see `quotable_campaigns`)."""
    chosen = quotable_campaigns(answers, threshold)
    return answers["campaign_id"].isin(chosen).fillna(False).astype(bool)
