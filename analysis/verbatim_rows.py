"""Free-text answers one by one, as the verbatims page lists them (pure).

Only answers of campaigns with at least the small-group threshold of respondents are listed
(`analysis.frames.small_groups`); `hidden_text_count` says how many were left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from analysis.frames.small_groups import quotable_rows
from analysis.metrics.engine import plain_keys
from question_banks.catalog import fold as fold_accents

VERBATIM_COLUMNS = [
    "submitted_on",
    "audience",
    "timing",
    "programme",
    "session",
    "theme",
    "question_fr",
    "question_en",
    "text",
    "respondent",
]


NameLookup = Callable[[list[int]], dict[int, str]]


def _text_rows(answers: pd.DataFrame) -> np.ndarray:
    return (answers["type"] == "text").to_numpy(bool) & answers["text"].notna().to_numpy(bool)


def hidden_text_count(answers: pd.DataFrame, *, small_group_min: int) -> int:
    """The free-text answers `verbatim_table` leaves out: those of small campaigns."""
    if answers.empty:
        return 0
    small = ~quotable_rows(answers, small_group_min).to_numpy(bool)
    return int((_text_rows(answers) & small).sum())


def verbatim_table(
    answers: pd.DataFrame,
    *,
    small_group_min: int,
    search: str = "",
    themes: Sequence[str] = (),
    limit: int | None = None,
    names: NameLookup | None = None,
) -> pd.DataFrame:
    """Free-text answers, newest first, filtered by words (case and accents ignored) and
    themes, at most `limit`. Only answers of campaigns with at least `small_group_min`
    respondents are shown (`hidden_text_count` counts the others); anonymous answers never
    carry who wrote them. `names` gives the names of named respondents (called with the
    person ids shown)."""
    keep = _text_rows(answers) & quotable_rows(answers, small_group_min).to_numpy(bool)
    if themes:
        keep &= answers["theme"].isin(list(themes)).to_numpy(bool)
    texts = answers[keep]
    words = fold_accents(search).split()
    if words:
        folded = texts["text"].map(lambda value: fold_accents(str(value)))
        texts = texts[folded.map(lambda value: all(w in value for w in words)).to_numpy(bool)]
    if texts.empty:
        return pd.DataFrame(columns=VERBATIM_COLUMNS)
    texts = texts.sort_values("submitted_on", ascending=False, kind="stable")
    texts = texts.head(limit) if limit else texts
    anonymous = (texts["person_id"].isna() | texts["anonymous"]).to_numpy(bool)
    table = plain_keys(
        texts[VERBATIM_COLUMNS[:-1]].copy(),
        ["audience", "timing", "programme", "session", "theme", "question_fr", "question_en"],
    )
    named = [
        int(person)
        for person, hidden in zip(texts["person_id"], anonymous, strict=True)
        if not hidden
    ]
    found = names(sorted(set(named))) if names and named else {}
    table["respondent"] = [
        None if hidden else found.get(int(person))
        for hidden, person in zip(anonymous, texts["person_id"], strict=True)
    ]
    return table.reset_index(drop=True)
