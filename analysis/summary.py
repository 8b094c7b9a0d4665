"""Every dashboard table from the frames, and the JSON document of `python -m analysis summary`.

`DASHBOARD_METRICS` names each table the dashboard (and the benchmark) computes; the pages, the
command line and the benchmark all go through it, so they show the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from analysis import metrics
from analysis.frames import PARIS, AnalysisFilters, AnalysisFrames, apply_filters
from analysis.frames.cache import FRAMES, VersionedMemo, frames_version
from surveys.config import default_period


@dataclass(frozen=True)
class MetricOptions:
    now: datetime
    small_group_min: int
    start: date | None = None
    end: date | None = None
    freq: str = "M"
    # work shared by several tables of one computation (e.g. the hot/cold pairs)
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def _hot_cold_pairs(likert: pd.DataFrame, options: MetricOptions) -> pd.DataFrame:
    """The hot/cold pairs of `likert`, once for the two hot/cold tables of one computation."""
    key = f"hot_cold_pairs:{id(likert)}"
    if key not in options.shared:
        options.shared[key] = metrics.hot_cold_pairs(likert, by=("programme",))
    return options.shared[key]


MetricFunction = Callable[[AnalysisFrames, MetricOptions], pd.DataFrame]


def _coverage(frames: AnalysisFrames, options: MetricOptions) -> pd.DataFrame:
    if "coverage" not in options.shared:  # the table and its alerts
        options.shared["coverage"] = metrics.coverage(
            frames.solicitations,
            frames.financers,
            now=options.now,
            start=options.start,
            end=options.end,
        )
    return options.shared["coverage"]


def _likert(frames: AnalysisFrames, options: MetricOptions) -> pd.DataFrame:
    """The likert answers, picked out once for all the score tables of one computation."""
    key = f"likert:{id(frames.answers)}"
    if key not in options.shared:
        options.shared[key] = metrics.likert_answers(frames.answers)
    return options.shared[key]


def _scores(compute: Callable[[pd.DataFrame, AnalysisFrames, MetricOptions], pd.DataFrame]):
    """A table of the likert answers: `compute(likert, frames, options)`."""
    return lambda f, o: compute(_likert(f, o), f, o)


def _breakdown(dimension: str) -> MetricFunction:
    def compute(likert: pd.DataFrame, frames: AnalysisFrames, options: MetricOptions):
        return metrics.breakdown(
            likert,
            dimension,
            session_people=frames.session_people,
            small_group_min=options.small_group_min,
            by=("theme",),
        )

    return _scores(compute)


def _hot_cold(**options: Any) -> MetricFunction:
    def compute(likert: pd.DataFrame, frames: AnalysisFrames, o: MetricOptions):
        pairs = _hot_cold_pairs(likert, o)
        return metrics.hot_cold(likert, small_group_min=o.small_group_min, pairs=pairs, **options)

    return _scores(compute)


def _answer_headline(frames: AnalysisFrames, options: MetricOptions) -> pd.DataFrame:
    figures = metrics.answer_headline(
        frames.answers, small_group_min=options.small_group_min, likert=_likert(frames, options)
    )
    return pd.DataFrame([figures])


def _rate_headline(frames: AnalysisFrames, options: MetricOptions) -> pd.DataFrame:
    return pd.DataFrame([metrics.rate_headline(frames.campaigns)])


# The tables, in groups by the frames they are computed from: when the data version moves,
# a group is computed again only when one of its frames was read again. While mail goes out
# (each message sent moves the invitations), the rates, not the scores.
METRIC_GROUPS: dict[str, tuple[tuple[str, ...], dict[str, MetricFunction]]] = {
    "scores": (
        ("answers", "session_people"),
        {
            "theme_scores": _scores(
                lambda a, f, o: metrics.theme_scores(a, small_group_min=o.small_group_min)
            ),
            "question_scores": _scores(
                lambda a, f, o: metrics.question_scores(a, small_group_min=o.small_group_min)
            ),
            "nps": lambda f, o: metrics.nps(f.answers, small_group_min=o.small_group_min),
            "likert_distribution": _scores(
                lambda a, f, o: metrics.likert_distribution(a, small_group_min=o.small_group_min)
            ),
            "hot_cold": _hot_cold(),
            "hot_cold_by_programme": _hot_cold(by=("programme",), per_theme=False),
            "trends": _scores(
                lambda a, f, o: metrics.trends(a, small_group_min=o.small_group_min, freq=o.freq)
            ),
            **{f"by_{name}": _breakdown(name) for name in metrics.BREAKDOWN_DIMENSIONS},
            "headline_answers": _answer_headline,
        },
    ),
    # the trainer filter selects campaigns through the session people
    "rates": (
        ("campaigns", "session_people"),
        {
            "response_rates": lambda f, o: metrics.response_rates(f.campaigns),
            "response_rates_by_period": lambda f, o: metrics.response_rates(
                f.campaigns, by=("audience",), freq=o.freq
            ),
            "headline_rate": _rate_headline,
        },
    ),
    "coverage": (
        ("solicitations", "financers"),
        {
            "coverage": _coverage,
            "coverage_alerts": lambda f, o: metrics.coverage_alerts(_coverage(f, o), now=o.now),
        },
    ),
}
DASHBOARD_METRICS: dict[str, MetricFunction] = {
    name: compute for _frames, group in METRIC_GROUPS.values() for name, compute in group.items()
}
HEADLINE_PARTS = ("headline_answers", "headline_rate")


def _with_headline(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with the dashboard's four figures ("headline") put together from its two
    parts (the answers' figures and the response rate), when both were computed."""
    if not all(name in tables for name in HEADLINE_PARTS):
        return {k: v for k, v in tables.items() if k not in HEADLINE_PARTS}
    answers, rate = (tables[name] for name in HEADLINE_PARTS)
    headline = pd.concat([answers, rate], axis=1)[list(metrics.HEADLINE_FIGURES)]
    return {**{k: v for k, v in tables.items() if k not in HEADLINE_PARTS}, "headline": headline}


def _group_tables(
    frames: AnalysisFrames, options: MetricOptions, group: dict[str, MetricFunction]
) -> dict[str, pd.DataFrame]:
    options = replace(options, shared={})  # shared by this computation only
    return {name: compute(frames, options) for name, compute in group.items()}


def dashboard_tables(frames: AnalysisFrames, options: MetricOptions) -> dict[str, pd.DataFrame]:
    """Every table of the dashboard, "headline" (its four figures) included."""
    return _with_headline(_group_tables(frames, options, DASHBOARD_METRICS))


TABLES = {group: VersionedMemo(max_entries=32) for group in METRIC_GROUPS}


def clear_tables() -> None:
    for memo in TABLES.values():
        memo.clear()


def versioned_dashboard_tables(
    engine: sa.Engine,
    filters: AnalysisFilters,
    *,
    today: date,
    small_group_min: int,
    freq: str,
    version: str,
    groups: Sequence[str] = tuple(METRIC_GROUPS),
) -> dict[str, pd.DataFrame]:
    """The tables of `groups` (of `METRIC_GROUPS`; all by default, "headline" when both
    "scores" and "rates" are in) of the frames of `version`, each group once per (filters,
    day, threshold, frequency, version of the group's frames); each caller gets its own
    copies of the (small) tables."""
    options = MetricOptions(
        now=datetime.combine(today, time(12), tzinfo=PARIS),
        small_group_min=small_group_min,
        start=filters.start,
        end=filters.end,
        freq=freq,
    )

    @cache  # filtered once, and only when a group is computed
    def frames() -> AnalysisFrames:
        return apply_filters(FRAMES.get(engine, version), filters)

    key = (engine.url.render_as_string(), filters, today, small_group_min, freq)
    tables: dict[str, pd.DataFrame] = {}
    for name in groups:
        frame_names, group = METRIC_GROUPS[name]
        computed = TABLES[name].get(
            key,
            frames_version(version, frame_names),
            lambda group=group: _group_tables(frames(), options, group),
        )
        tables.update(computed)  # type: ignore[arg-type]
    return {name: table.copy() for name, table in _with_headline(tables).items()}


def default_filters(today: date) -> AnalysisFilters:
    """The dashboard's filters as a page first shows them: the default period of every page
    (`surveys.config.default_period`), everything."""
    start, end = default_period(today)
    return AnalysisFilters(start=start, end=end)


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
