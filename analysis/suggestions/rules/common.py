"""Small computations the rules share: means, the audiences present, quoted comments."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.suggestions.model import STAKEHOLDER_ORDER, RuleInputs, SuggestionSettings
from analysis.text import verbatims


def likert_mean(likert: pd.DataFrame) -> float:
    return float(likert["number"].mean()) if len(likert) else float("nan")


def audiences_in(frame: pd.DataFrame, column: str = "audience") -> list[str]:
    if column not in frame:
        return []
    present = {str(value) for value in pd.unique(frame[column].dropna())}  # the categories'
    return [audience for audience in STAKEHOLDER_ORDER if audience in present]


def quote_comments(
    inputs: RuleInputs,
    settings: SuggestionSettings,
    *,
    theme: str | None = None,
    complaint: bool | None = True,
    where: pd.Series | None = None,
) -> tuple[str, ...]:
    comments = inputs.comments
    if where is not None and len(comments):
        comments = comments[where.to_numpy(bool)]
    return tuple(verbatims(comments, theme=theme, complaint=complaint, limit=settings.verbatims))


def comments_where(inputs: RuleInputs, column: str, value: Any) -> pd.Series:
    comments = inputs.comments
    if column not in comments or comments.empty:
        return pd.Series(False, index=comments.index)
    return (comments[column].astype(object) == value).fillna(False)


def comments_in_sessions(inputs: RuleInputs, sessions: set[int]) -> pd.Series:
    comments = inputs.comments
    if "session_id" not in comments or comments.empty:
        return pd.Series(False, index=comments.index)
    return comments["session_id"].isin(sessions).fillna(False).astype(bool)
