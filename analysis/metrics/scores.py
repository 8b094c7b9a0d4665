"""Score tables, NPS, response rates, trends and the likert distribution; the headline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analysis.metrics.engine import (
    LIKERT_MAX,
    LIKERT_MIN,
    SCORE_COLUMNS,
    empty_table,
    group_rows,
    likert_answers,
    nps_answers,
    plain_keys,
    protect,
    respondents_per_group,
    score_rows,
    value_codes,
)

NPS_PROMOTER_MIN, NPS_DETRACTOR_MAX = 9, 6
NPS_COLUMNS = ["n", "respondents", "promoters", "passives", "detractors", "nps", "protected"]


RATE_COLUMNS = ["campaigns", "invited", "reminded", "answered", "rate"]


def groups_of(frame: pd.DataFrame, keys: Sequence[str], **options: Any) -> Any:
    """`frame` grouped by `keys` (pandas options in `options`), or as one group without keys."""
    if keys:
        return frame.groupby(keys, observed=True, **options)
    return frame.groupby(np.zeros(len(frame)))


def score_table(answers: pd.DataFrame, by: Sequence[str], *, small_group_min: int) -> pd.DataFrame:
    """n, respondents, mean (1-5), top-2 share, 95 % CI per group of likert answers."""
    likert = likert_answers(answers)
    if likert.empty:
        return empty_table(list(by), SCORE_COLUMNS)
    return score_rows(respondents_per_group(likert, by), list(by), small_group_min=small_group_min)


def theme_scores(
    answers: pd.DataFrame, *, small_group_min: int, by: Sequence[str] = ("audience", "timing")
) -> pd.DataFrame:
    return score_table(answers, [*by, "theme"], small_group_min=small_group_min)


def question_scores(
    answers: pd.DataFrame, *, small_group_min: int, by: Sequence[str] = ("audience", "timing")
) -> pd.DataFrame:
    keys = [*by, "theme", "question_id"]
    table = score_table(answers, keys, small_group_min=small_group_min)
    codes, _ = value_codes(answers["question_id"])
    first = np.full(int(codes.max(initial=-1)) + 2, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # each question's first answer
    wording = answers[["question_id", "question_fr", "question_en"]].iloc[first[first >= 0]]
    wording = plain_keys(wording.copy(), ["question_id", "question_fr", "question_en"])
    return table.merge(wording.drop_duplicates("question_id"), on="question_id", how="left")


def nps(
    answers: pd.DataFrame, *, small_group_min: int, by: Sequence[str] = ("audience", "timing")
) -> pd.DataFrame:
    """Net promoter score: % promoters (9-10) minus % detractors (0-6), from -100 to 100."""
    by = list(by)
    scores = nps_answers(answers)
    if scores.empty:
        return empty_table(by, NPS_COLUMNS)
    work = scores[[*by, "response_id"]].assign(
        promoter=scores["number"] >= NPS_PROMOTER_MIN,
        detractor=scores["number"] <= NPS_DETRACTOR_MAX,
    )
    table = groups_of(work, by).agg(
        n=("promoter", "size"),
        respondents=("response_id", "nunique"),
        promoters=("promoter", "sum"),
        detractors=("detractor", "sum"),
    )
    table["passives"] = table["n"] - table["promoters"] - table["detractors"]
    table["nps"] = 100.0 * (table["promoters"] - table["detractors"]) / table["n"]
    table = table.reset_index(drop=not by)[[*by, *NPS_COLUMNS[:-1]]]
    return plain_keys(protect(table, small_group_min=small_group_min, results=("nps",)), by)


def response_rates(
    campaigns: pd.DataFrame, by: Sequence[str] = ("audience", "timing"), *, freq: str | None = None
) -> pd.DataFrame:
    """Invited, reminded (at least once), answered and rate per group of campaigns; with
    `freq`, a `period` column (month "M" or quarter "Q" of the sending, Paris time) is added to
    the groups."""
    by = list(by)
    if freq:
        campaigns = campaigns.assign(period=period_labels(campaigns["scheduled_on"], freq))
        by = [*by, "period"]
    if campaigns.empty:
        return empty_table(by, RATE_COLUMNS)
    table = groups_of(campaigns, by, dropna=False).agg(
        campaigns=("campaign_id", "size"),
        invited=("invited", "sum"),
        reminded=("reminded", "sum"),
        answered=("answered", "sum"),
    )
    table["rate"] = (table["answered"] / table["invited"].where(table["invited"] > 0)).astype(float)
    return plain_keys(table.reset_index(drop=not by)[[*by, *RATE_COLUMNS]], by)


def period_labels(days: pd.Series, freq: str) -> pd.Series:
    """ "2026-03" for a month, "2026-T1" for a quarter (T for trimestre, read in both
    languages); days are already Paris calendar days. Labelled once per distinct day."""
    codes, uniques = pd.factorize(pd.to_datetime(days))
    periods = pd.DatetimeIndex(uniques).to_period("Q" if freq == "Q" else "M")
    if freq == "Q":
        labels = [f"{period.year}-T{period.quarter}" for period in periods]
    else:
        labels = [str(period) for period in periods]
    names = sorted(set(labels))
    position = {name: index for index, name in enumerate(names)}
    label_codes = np.array([position[label] for label in labels] + [-1], dtype=np.int64)
    return pd.Series(
        pd.Categorical.from_codes(label_codes.take(codes), categories=names), index=days.index
    )


def trends(
    answers: pd.DataFrame,
    *,
    small_group_min: int,
    freq: str = "M",
    by: Sequence[str] = ("audience",),
) -> pd.DataFrame:
    """Scores per month or quarter of the responses."""
    likert = likert_answers(answers)
    keys = [*by, "period"]
    if likert.empty:
        return empty_table(keys, SCORE_COLUMNS)

    def with_period(rows: pd.DataFrame) -> pd.DataFrame:
        return rows.assign(period=period_labels(rows["submitted_on"], freq))

    people = respondents_per_group(likert, keys, derive=with_period)
    return score_rows(people, keys, small_group_min=small_group_min)


def likert_distribution(
    answers: pd.DataFrame, *, small_group_min: int, by: Sequence[str] = ("theme",)
) -> pd.DataFrame:
    """How many answers took each value 1-5, and their share, per group (for diverging bars);
    groups with fewer respondents than the threshold are left out entirely."""
    by = list(by)
    likert = likert_answers(answers)
    if likert.empty:
        return empty_table(by, ["value", "count", "share"])
    group, groups = group_rows(likert, by)
    valid = group >= 0
    values = likert["number"].to_numpy(float)[valid].astype(np.int64)
    cells = np.bincount(
        group[valid] * LIKERT_MAX + values - 1, minlength=len(groups) * LIKERT_MAX
    ).reshape(len(groups), LIKERT_MAX)
    people = respondents_per_group(likert, by)
    shown = np.bincount(people.owner, minlength=len(groups)) >= small_group_min
    table = groups.loc[groups.index.repeat(LIKERT_MAX)].reset_index(drop=True)
    table["value"] = np.tile(np.arange(LIKERT_MIN, LIKERT_MAX + 1), len(groups))
    table["count"] = cells.reshape(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share"] = (cells / cells.sum(axis=1, keepdims=True)).reshape(-1)
    table = table[np.repeat(shown, LIKERT_MAX)]
    return table[[*by, "value", "count", "share"]].reset_index(drop=True)


HEADLINE_FIGURES = ("responses", "rate", "mean", "top2", "nps")


def _first(table: pd.DataFrame, column: str) -> float | None:
    if table.empty or pd.isna(table[column].iloc[0]):
        return None
    return float(table[column].iloc[0])


def answer_headline(
    answers: pd.DataFrame, *, small_group_min: int, likert: pd.DataFrame | None = None
) -> dict[str, float | int | None]:
    """The dashboard's figures drawn from the answers: responses, mean, favourable share,
    NPS (`likert`: the likert answers, when they were already picked out)."""
    scores = score_table(answers if likert is None else likert, [], small_group_min=small_group_min)
    promoters = nps(answers, by=(), small_group_min=small_group_min)
    return {
        "responses": int(answers["response_id"].nunique()),
        "mean": _first(scores, "mean"),
        "top2": _first(scores, "top2"),
        "nps": _first(promoters, "nps"),
    }


def rate_headline(campaigns: pd.DataFrame) -> dict[str, float | None]:
    """The dashboard's response rate, over every campaign of `campaigns`."""
    return {"rate": _first(response_rates(campaigns, by=()), "rate")}


def headline(
    answers: pd.DataFrame,
    campaigns: pd.DataFrame,
    *,
    small_group_min: int,
    likert: pd.DataFrame | None = None,
) -> dict[str, float | int | None]:
    """The four figures at the top of the dashboard (`likert`: the likert answers, when they
    were already picked out), in `HEADLINE_FIGURES` order."""
    figures = {
        **answer_headline(answers, small_group_min=small_group_min, likert=likert),
        **rate_headline(campaigns),
    }
    return {name: figures[name] for name in HEADLINE_FIGURES}
