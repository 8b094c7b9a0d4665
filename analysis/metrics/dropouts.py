"""Dropout rates and causes (pure pandas; indicators 12 and 32).

A rate is the share of a group's learner enrolments recorded as dropped out; enrolments not
started yet ("enrolled") and absentees are left out of the denominator. Causes come from the
dropout survey's multiple-choice question, counted once per person who ticked them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

CAUSES_QUESTION = "dropout-causes"
COUNTED = ("in_progress", "completed", "dropped_out")


def dropout_rates(enrolments: pd.DataFrame, by: str | Sequence[str] = "programme") -> pd.DataFrame:
    """Per `by` (programme or session, with the columns that only name them): learners
    counted, dropouts, rate (0..1); highest rate first."""
    keys = [by] if isinstance(by, str) else list(by)
    counted = enrolments[enrolments["status"].isin(COUNTED)]
    if counted.empty:
        return pd.DataFrame(columns=[*keys, "learners", "dropouts", "rate"])
    grouped = counted.groupby(keys, observed=True)["status"]
    table = pd.DataFrame(
        {
            "learners": grouped.size(),
            "dropouts": grouped.apply(lambda status: int((status == "dropped_out").sum())),
        }
    ).reset_index()
    table["rate"] = table["dropouts"] / table["learners"]
    return table.sort_values(["rate", keys[0]], ascending=[False, True], ignore_index=True)


def dropout_causes(answers: pd.DataFrame) -> pd.DataFrame:
    """Each cause ticked in the dropout survey: how many people, and their share."""
    rows = answers[answers["question_id"] == CAUSES_QUESTION]
    if rows.empty:
        return pd.DataFrame({"cause": [], "people": [], "share": []})
    people = rows["response_id"].nunique()
    counts = rows.groupby("text", observed=True)["response_id"].nunique()
    table = counts.rename("people").rename_axis("cause").reset_index()
    table["share"] = table["people"] / people
    return table.sort_values(["people", "cause"], ascending=[False, True], ignore_index=True)
