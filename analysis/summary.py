"""Every dashboard table from the frames, and the JSON document of `python -m analysis summary`.

`DASHBOARD_METRICS` names each table the dashboard (and the benchmark) computes; the pages, the
command line and the benchmark all go through it, so they show the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from analysis import metrics
from analysis.frames import PARIS, AnalysisFilters, AnalysisFrames, apply_filters
from analysis.frames.cache import FRAMES, VersionedMemo


@dataclass(frozen=True)
class MetricOptions:
    now: datetime
    small_group_min: int
    start: date | None = None
    end: date | None = None
    freq: str = "M"
    # work shared by several tables of one computation (e.g. the hot/cold pairs)
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def _hot_cold_pairs(frames: AnalysisFrames, options: MetricOptions) -> pd.DataFrame:
    key = f"hot_cold_pairs:{id(frames.answers)}"
    if key not in options.shared:
        options.shared[key] = metrics.hot_cold_pairs(frames.answers, by=("programme",))
    return options.shared[key]


MetricFunction = Callable[[AnalysisFrames, MetricOptions], pd.DataFrame]


def _breakdown(dimension: str) -> MetricFunction:
    def compute(frames: AnalysisFrames, options: MetricOptions) -> pd.DataFrame:
        return metrics.breakdown(
            frames.answers,
            dimension,
            session_people=frames.session_people,
            small_group_min=options.small_group_min,
            by=("theme",),
        )

    return compute


def _coverage(frames: AnalysisFrames, options: MetricOptions) -> pd.DataFrame:
    return metrics.coverage(
        frames.solicitations,
        frames.financers,
        now=options.now,
        start=options.start,
        end=options.end,
    )


DASHBOARD_METRICS: dict[str, MetricFunction] = {
    "response_rates": lambda f, o: metrics.response_rates(f.campaigns),
    "response_rates_by_period": lambda f, o: metrics.response_rates(
        f.campaigns, by=("audience",), freq=o.freq
    ),
    "theme_scores": lambda f, o: metrics.theme_scores(f.answers, small_group_min=o.small_group_min),
    "question_scores": lambda f, o: metrics.question_scores(
        f.answers, small_group_min=o.small_group_min
    ),
    "nps": lambda f, o: metrics.nps(f.answers, small_group_min=o.small_group_min),
    "likert_distribution": lambda f, o: metrics.likert_distribution(
        f.answers, small_group_min=o.small_group_min
    ),
    "hot_cold": lambda f, o: metrics.hot_cold(
        f.answers, small_group_min=o.small_group_min, pairs=_hot_cold_pairs(f, o)
    ),
    "hot_cold_by_programme": lambda f, o: metrics.hot_cold(
        f.answers,
        small_group_min=o.small_group_min,
        by=("programme",),
        per_theme=False,
        pairs=_hot_cold_pairs(f, o),
    ),
    "trends": lambda f, o: metrics.trends(
        f.answers, small_group_min=o.small_group_min, freq=o.freq
    ),
    **{f"by_{dimension}": _breakdown(dimension) for dimension in metrics.BREAKDOWN_DIMENSIONS},
    "coverage": _coverage,
    "coverage_alerts": lambda f, o: metrics.coverage_alerts(_coverage(f, o), now=o.now),
}


# These read other answers than the likert ones (NPS 0-10, response counts).
ALL_ANSWER_METRICS = ("nps", "headline")


def _headline(frames: AnalysisFrames, options: MetricOptions) -> pd.DataFrame:
    likert = options.shared.get("likert")
    figures = metrics.headline(
        frames.answers, frames.campaigns, small_group_min=options.small_group_min, likert=likert
    )
    return pd.DataFrame([figures])


DASHBOARD_METRICS["headline"] = _headline


def dashboard_tables(frames: AnalysisFrames, options: MetricOptions) -> dict[str, pd.DataFrame]:
    """Every table, the likert answers being picked out once for all the score tables."""
    scored = replace(frames, answers=metrics.likert_answers(frames.answers))
    options = replace(options, shared={"likert": scored.answers})  # shared by this call only
    return {
        name: compute(frames if name in ALL_ANSWER_METRICS else scored, options)
        for name, compute in DASHBOARD_METRICS.items()
    }


DEFAULT_PERIOD_DAYS = 365
TABLES = VersionedMemo(max_entries=32)


def default_filters(today: date) -> AnalysisFilters:
    """The dashboard's filters as a page first shows them: the last year, everything."""
    return AnalysisFilters(start=today - timedelta(days=DEFAULT_PERIOD_DAYS), end=today)


def versioned_dashboard_tables(
    engine: sa.Engine,
    filters: AnalysisFilters,
    *,
    today: date,
    small_group_min: int,
    freq: str,
    version: str,
) -> dict[str, pd.DataFrame]:
    """`dashboard_tables` of the frames of `version`, once per (filters, day, threshold,
    frequency, version); each caller gets its own copies of the (small) tables."""

    def compute() -> dict[str, pd.DataFrame]:
        options = MetricOptions(
            now=datetime.combine(today, time(12), tzinfo=PARIS),
            small_group_min=small_group_min,
            start=filters.start,
            end=filters.end,
            freq=freq,
        )
        return dashboard_tables(apply_filters(FRAMES.get(engine, version), filters), options)

    key = (engine.url.render_as_string(), filters, today, small_group_min, freq)
    tables = TABLES.get(key, version, compute)
    return {name: table.copy() for name, table in tables.items()}  # type: ignore[union-attr]


# --- JSON ----------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return (
            value.date().isoformat()
            if isinstance(value, pd.Timestamp | datetime)
            else value.isoformat()
        )
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else round(float(value), 4)
    if value is pd.NA:
        return None
    return value


def records(table: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (missing values become null, days ISO strings)."""
    chosen = table[columns] if columns else table
    return [
        {key: _json_value(value) for key, value in row.items()}
        for row in chosen.to_dict(orient="records")
    ]


def _trainer_rows(frames: AnalysisFrames, table: pd.DataFrame) -> list[dict[str, Any]]:
    trainers = frames.session_people[frames.session_people["role"] == "trainer"]
    emails = dict(zip(trainers["person_id"], trainers["email"], strict=True))
    table = table.assign(email=table["trainer_id"].map(emails))
    return records(
        table,
        [
            "trainer",
            "email",
            "theme",
            "n",
            "respondents",
            "mean",
            "top2",
            "ci_low",
            "ci_high",
            "protected",
        ],
    )


def summary_document(frames: AnalysisFrames, options: MetricOptions) -> dict[str, Any]:
    """The numbers behind the dashboard, as the `summary --json` command prints them."""
    tables = dashboard_tables(frames, options)
    return {
        "period": {"from": _json_value(options.start), "to": _json_value(options.end)},
        "now": options.now.isoformat(),
        "small_group_min": options.small_group_min,
        "headline": {
            key: _json_value(value)
            for key, value in metrics.headline(
                frames.answers, frames.campaigns, small_group_min=options.small_group_min
            ).items()
        },
        "response_rates": records(tables["response_rates"]),
        "theme_scores": records(tables["theme_scores"]),
        "nps": records(tables["nps"]),
        "hot_cold": records(tables["hot_cold"]),
        "hot_cold_by_programme": records(tables["hot_cold_by_programme"]),
        "trainers": _trainer_rows(frames, tables["by_trainer"]),
        "coverage": records(tables["coverage"]),
        "coverage_alerts": records(tables["coverage_alerts"]),
    }
