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

from collections.abc import Iterable
from dataclasses import fields

import numpy as np
import pandas as pd

from analysis.frames.filters import trainer_sessions, within_period
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


# filter -> the answer column it narrows (as `apply_filters` reads them; trainers go through
# their sessions)
FILTER_COLUMNS = {
    "programmes": "programme",
    "sessions": "session",
    "modalities": "modality",
    "audiences": "audience",
    "timings": "timing",
}


class _Counter:
    """Respondents under any combination of the filters' masks, each mask computed once (a
    check asks for up to a dozen combinations over up to a million answers)."""

    def __init__(self, frames: AnalysisFrames, filters: AnalysisFilters) -> None:
        answers = frames.answers
        self.codes, self.size = _response_codes(answers["response_id"])
        period = within_period(answers["submitted_on"], filters.start, filters.end)
        self.period = period.to_numpy(bool)
        self.masks: dict[str, np.ndarray] = {}
        self.pieces: list[np.ndarray] = []
        for name, column in FILTER_COLUMNS.items():
            values = getattr(filters, name)
            if values:
                self.masks[name] = _isin(answers[column], values)
                if len(values) > 1:
                    self.pieces += [_isin(answers[column], (value,)) for value in values]
        if filters.trainers:
            sessions = trainer_sessions(frames.session_people, filters.trainers)
            self.masks["trainers"] = _isin(answers["session_id"], sessions)
            if len(filters.trainers) > 1:
                self.pieces += [
                    _isin(answers["session_id"], trainer_sessions(frames.session_people, [one]))
                    for one in filters.trainers
                ]

    def count(self, mask: np.ndarray) -> int:
        chosen = self.codes[mask & (self.codes >= 0)]
        return int(np.count_nonzero(np.bincount(chosen, minlength=self.size))) if len(chosen) else 0

    def selection(self, leave_out: Iterable[str] = ()) -> np.ndarray:
        mask = self.period.copy()
        for name, narrowing in self.masks.items():
            if name not in leave_out:
                mask &= narrowing
        return mask


def _response_codes(responses: pd.Series) -> tuple[np.ndarray, int]:
    """An integer per response (the frame's categorical codes when it has them)."""
    if isinstance(responses.dtype, pd.CategoricalDtype):
        return responses.cat.codes.to_numpy(), len(responses.cat.categories)
    codes, uniques = pd.factorize(responses, sort=False)
    return codes, len(uniques)


def _isin(column: pd.Series, values: Iterable[object]) -> np.ndarray:
    return column.isin(list(values)).fillna(False).to_numpy(bool)


def withheld_reason(frames: AnalysisFrames, filters: AnalysisFilters, threshold: int) -> str | None:
    """Why the selection's answers may not be shown, or None when they may (also when there
    is nothing to show: the page then says there is no answer)."""
    counter = _Counter(frames, filters)
    selection = counter.selection()
    chosen = counter.count(selection)
    if chosen == 0:
        return None
    if chosen < threshold:
        return "too_few"
    active = list(counter.masks)
    wider = [[name] for name in active] + ([active] if len(active) > 1 else [])
    if any(0 < counter.count(counter.selection(names)) - chosen < threshold for names in wider):
        return "rest_too_few"
    if any(0 < counter.count(selection & piece) < threshold for piece in counter.pieces):
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
