"""Hot versus cold on the same learners (or the same sessions when anonymous)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.metrics.engine import (
    compact_codes,
    empty_table,
    likert_answers,
    pair_base,
    plain_keys,
    protect,
)
from analysis.metrics.scores import groups_of

HOT_COLD_COLUMNS = [
    "n",
    "hot_respondents",
    "cold_respondents",
    "hot_mean",
    "cold_mean",
    "delta",
    "protected",
]


def _pairing_units(likert: pd.DataFrame) -> np.ndarray:
    """Who is compared with whom: the same person in the same session when that session's
    answers are all named, otherwise the session as a whole (anonymous answers cannot be
    paired by person). Encoded as integers, even for a person, odd for a session."""
    session = likert["session_id"].to_numpy("float64", na_value=np.nan).astype(np.int64)
    person = likert["person_id"].to_numpy("float64", na_value=-1).astype(np.int64)
    anonymous_sessions = np.unique(session[person < 0])
    by_session = np.isin(session, anonymous_sessions)
    width = int(session.max(initial=0)) + 1
    return np.where(by_session, session * 2 + 1, (person * width + session) * 2)


def hot_cold_pairs(
    answers: pd.DataFrame, by: Sequence[str] = (), audience: str = "learner"
) -> pd.DataFrame:
    """One row per unit and theme answered both hot and cold: the unit's hot and cold means
    and how many responses each side holds (with the `by` columns of the unit)."""
    by = list(by)
    columns = [*by, "theme", "unit", "hot", "cold", "hot_respondents", "cold_respondents"]
    likert = likert_answers(answers)
    if likert.empty:
        return pd.DataFrame(columns=columns)
    # one row per respondent and theme (its answers summed), read from the shared sums
    base = pair_base(likert, by_theme=True)
    needed = list(dict.fromkeys([*by, "theme", "audience", "timing", "session_id", "person_id"]))
    rows = likert[needed].take(base.first_row)
    keep = (
        (rows["audience"] == audience)
        & rows["timing"].isin(["hot", "cold"])
        & rows["session_id"].notna()
    ).to_numpy(bool)
    rows, answered, summed = rows[keep], base.n[keep], base.total[keep]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    units = compact_codes(_pairing_units(rows))
    themes, theme_names = pd.factorize(rows["theme"])
    cold = (rows["timing"] == "cold").to_numpy(bool).astype(np.int64)
    cell = (units * len(theme_names) + themes) * 2 + cold
    size = (int(units.max()) + 1) * len(theme_names) * 2
    shape = (-1, len(theme_names), 2)
    count = np.bincount(cell, weights=answered, minlength=size).reshape(shape)
    total = np.bincount(cell, weights=summed, minlength=size).reshape(shape)
    people = np.bincount(cell, minlength=size).reshape(shape)
    unit_index, theme_index = np.nonzero((count[..., 0] > 0) & (count[..., 1] > 0))
    first_row = np.zeros(int(units.max()) + 1, dtype=np.int64)
    first_row[units[::-1]] = np.arange(len(units))[::-1]  # each unit's first answer
    table = (
        rows[by].iloc[first_row[unit_index]].reset_index(drop=True)
        if by
        else pd.DataFrame(index=range(len(unit_index)))
    )
    means = total[unit_index, theme_index] / count[unit_index, theme_index]
    table = table.assign(
        theme=np.asarray(theme_names.astype(object)).take(theme_index),
        unit=unit_index,
        hot=means[:, 0],
        cold=means[:, 1],
        hot_respondents=people[unit_index, theme_index, 0],
        cold_respondents=people[unit_index, theme_index, 1],
    )
    return plain_keys(table, by)[columns]


def hot_cold(
    answers: pd.DataFrame,
    *,
    small_group_min: int,
    by: Sequence[str] = (),
    per_theme: bool = True,
    audience: str = "learner",
    pairs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Hot versus cold on the same learners (or sessions when anonymous): per theme asked at
    both timings, the mean of the paired units hot and cold and the change (cold - hot).
    Without `per_theme`, each unit's themes are averaged first (themes asked only at one
    timing never enter, so the comparison stays like for like). `pairs` may be given
    (`hot_cold_pairs` with at least the `by` columns) to share that work between tables."""
    by = list(by)
    pairs = hot_cold_pairs(answers, by, audience) if pairs is None else pairs
    keys = [*by, "theme"] if per_theme else by
    if pairs.empty:
        return empty_table(keys, HOT_COLD_COLUMNS)
    if not per_theme:
        pairs = (
            pairs.groupby([*by, "unit"], observed=True)
            .agg(
                hot=("hot", "mean"),
                cold=("cold", "mean"),
                hot_respondents=("hot_respondents", "max"),
                cold_respondents=("cold_respondents", "max"),
            )
            .reset_index()
        )
    table = groups_of(pairs, keys).agg(
        n=("unit", "size"),
        hot_respondents=("hot_respondents", "sum"),
        cold_respondents=("cold_respondents", "sum"),
        hot_mean=("hot", "mean"),
        cold_mean=("cold", "mean"),
    )
    table["delta"] = table["cold_mean"] - table["hot_mean"]
    table = table.reset_index(drop=not keys)
    table["least"] = table[["hot_respondents", "cold_respondents"]].min(axis=1)
    table = protect(
        table,
        small_group_min=small_group_min,
        count="least",
        results=("hot_mean", "cold_mean", "delta"),
    )
    for column in ("n", "hot_respondents", "cold_respondents"):
        table[column] = table[column].astype(np.int64)
    return plain_keys(table[[*keys, *HOT_COLD_COLUMNS]], keys)
