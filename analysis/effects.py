"""Is an improvement action working? The theme's score before and after the day it was done.

Effectiveness is checked, not assumed: for each action marked done with a theme, the likert
answers on that theme in a window before `done_on` and in the same window after it, with their
number of answers and respondents. Small groups are protected as everywhere else: with fewer
respondents than the minimum on one side, its mean is not shown and no change is computed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from analysis.metrics import likert_answers, score_table

EFFECT_WINDOW_DAYS = 180
EFFECT_COLUMNS = (
    "action_id",
    "theme",
    "done_on",
    "before_start",
    "before_end",
    "before_n",
    "before_respondents",
    "before_mean",
    "after_start",
    "after_end",
    "after_n",
    "after_respondents",
    "after_mean",
    "change",
)


def _side(likert: pd.DataFrame, start: date, end: date, small_group_min: int) -> dict[str, Any]:
    days = likert["submitted_on"]
    part = likert[((days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))).to_numpy(bool)]
    table = score_table(part, [], small_group_min=small_group_min)
    if table.empty:
        return {"start": start, "end": end, "n": 0, "respondents": 0, "mean": None}
    row = table.iloc[0]
    mean = None if bool(row["protected"]) else round(float(row["mean"]), 3)
    return {
        "start": start,
        "end": end,
        "n": int(row["n"]),
        "respondents": int(row["respondents"]),
        "mean": mean,
    }


def action_effect(
    answers: pd.DataFrame,
    *,
    theme: str,
    done_on: date,
    small_group_min: int,
    window_days: int = EFFECT_WINDOW_DAYS,
) -> dict[str, Any]:
    """The theme's score in the `window_days` before `done_on` and in those after it (the
    day itself belongs to neither side: the change was happening)."""
    likert = likert_answers(answers)
    likert = likert[(likert["theme"] == theme).to_numpy(bool)]
    window = timedelta(days=window_days)
    before = _side(likert, done_on - window, done_on - timedelta(days=1), small_group_min)
    after = _side(likert, done_on + timedelta(days=1), done_on + window, small_group_min)
    change = (
        round(after["mean"] - before["mean"], 3)
        if before["mean"] is not None and after["mean"] is not None
        else None
    )
    return {"theme": theme, "done_on": done_on, "before": before, "after": after, "change": change}


def action_effects(
    actions: pd.DataFrame,
    answers: pd.DataFrame,
    *,
    small_group_min: int,
    window_days: int = EFFECT_WINDOW_DAYS,
) -> pd.DataFrame:
    """One row per done action with a theme (`surveys.improvement.actions.actions_frame` rows)."""
    rows = []
    done = (
        actions[
            (actions["status"] == "done")
            & actions["done_on"].notna()
            & (actions["theme"].fillna("") != "")
        ]
        if len(actions)
        else actions
    )
    for action in done.itertuples(index=False):
        effect = action_effect(
            answers,
            theme=action.theme,
            done_on=action.done_on,
            small_group_min=small_group_min,
            window_days=window_days,
        )
        rows.append(
            {
                "action_id": action.id,
                "theme": action.theme,
                "done_on": action.done_on,
                **{f"before_{key}": value for key, value in effect["before"].items()},
                **{f"after_{key}": value for key, value in effect["after"].items()},
                "change": effect["change"],
            }
        )
    return pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))
