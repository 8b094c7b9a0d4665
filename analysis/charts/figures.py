"""The dashboard's charts: each builder returns a `Figure` (no streamlit here: pages show it).

A `Figure` holds the chart and the table of the numbers it draws (for screen readers and for
people who prefer numbers). Protected small groups are left out of charts and marked in
tables. Labels are French by default, English with `language="en"`.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from analysis.charts.render import FONT, WIDTH, share_axis
from analysis.labels import display_table, localise_values, theme_label, vocabulary_label
from surveys.i18n import t

LIKERT_COLOURS = ("#b2182b", "#ef8a62", "#bababa", "#67a9cf", "#2166ac")  # colour-blind safe
TIMING_COLOURS = {"hot": "#d95f02", "cold": "#1b9e77", "annual": "#7570b3"}


@dataclass(frozen=True)
class Figure:
    title: str
    chart: alt.TopLevelMixin
    table: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.table.empty


def _tr(key: str, language: str, **params: object) -> str:
    return t(f"analysis.charts.{key}", language, **params)


def _finish(chart: alt.Chart, title: str) -> alt.TopLevelMixin:
    return (
        chart.properties(title=title, width=WIDTH)
        .configure(font=FONT)
        .configure_axis(labelLimit=260, labelFontSize=12, titleFontSize=12)
        .configure_legend(
            labelFontSize=12, titleFontSize=12, orient="bottom", columns=3, labelLimit=240
        )
    )


def _blank(title: str, table: pd.DataFrame) -> Figure:
    """A figure without data: an empty chart and the (empty) table, so pages say "no data"."""
    return Figure(title, alt.Chart(pd.DataFrame({"x": []})).mark_point(), table)


def _data(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Only the columns a chart draws, with missing values as null (JSON has no NaN)."""
    chosen = table[columns].copy()
    for column in columns:
        if chosen[column].dtype == object or isinstance(chosen[column].dtype, pd.StringDtype):
            chosen[column] = chosen[column].astype(object).where(chosen[column].notna(), None)
    return chosen


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    if "protected" not in table:
        return table
    return table[~table["protected"].astype(bool)]


def _group_label(table: pd.DataFrame, language: str) -> pd.Series:
    """ "Apprenants · À chaud" for an audience and timing pair."""
    audience = table["audience"].map(lambda v: vocabulary_label("stakeholder", v, language))
    timing = table["timing"].map(lambda v: vocabulary_label("timing", v, language))
    return audience + " · " + timing


def likert_bars(distribution: pd.DataFrame, *, language: str = "fr") -> Figure:
    """Diverging stacked bars: answers 1-2 and half the neutral ones left of zero, the rest
    right, one bar per theme."""
    title = _tr("likert_title", language)
    if distribution.empty:
        return _blank(title, distribution)
    data = distribution.copy()
    data["label"] = data["theme"].map(lambda v: theme_label(v, language))
    data = data.sort_values(["label", "value"])
    negative = (
        data["share"].where(data["value"] <= 2, 0) + data["share"].where(data["value"] == 3, 0) / 2
    )
    data["offset"] = -negative.groupby(data["label"]).transform("sum")
    data["end"] = data["offset"] + data.groupby("label")["share"].cumsum()
    data["start"] = data["end"] - data["share"]
    data["answer"] = data["value"].map(lambda v: _tr(f"likert_{int(v)}", language))
    order = [_tr(f"likert_{value}", language) for value in range(1, 6)]
    data = _data(data, ["theme", "label", "value", "answer", "share", "count", "start", "end"])
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("start:Q", title=_tr("share_of_answers", language), axis=alt.Axis(format="%")),
            x2="end:Q",
            y=alt.Y("label:N", title=None, sort=None),
            color=alt.Color(
                "answer:N",
                title=None,
                sort=order,
                scale=alt.Scale(domain=order, range=list(LIKERT_COLOURS)),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=_tr("theme", language)),
                alt.Tooltip("answer:N", title=_tr("answer", language)),
                alt.Tooltip("share:Q", format=".0%", title=_tr("share", language)),
                alt.Tooltip("count:Q", title=_tr("count", language)),
            ],
        )
    )
    table = distribution.pivot_table(
        index="theme", columns="value", values="share", observed=True
    ).reset_index()
    table = localise_values(table, language)
    table.columns = [
        column if isinstance(column, str) else _tr(f"likert_{int(column)}", language)
        for column in table.columns
    ]
    for column in table.columns[1:]:
        table[column] = (table[column] * 100).round(1)
    table = table.rename(columns={"theme": _tr("theme", language)})
    return Figure(title, _finish(chart, title), table)


def theme_scores_chart(scores: pd.DataFrame, *, language: str = "fr") -> Figure:
    """Mean per theme with its 95 % interval, one colour per audience and timing."""
    title = _tr("themes_title", language)
    if _shown(scores).empty:
        return _blank(title, display_table(scores, language))
    data = _shown(scores).copy()
    data["label"] = data["theme"].map(lambda v: theme_label(v, language))
    data["group"] = _group_label(data, language)
    data = _data(data, ["label", "group", "mean", "ci_low", "ci_high", "respondents"])
    base = (
        alt.Chart(data)
        .encode(
            y=alt.Y("label:N", title=None, sort=alt.EncodingSortField("mean", order="ascending")),
            color=alt.Color("group:N", title=None),
            yOffset="group:N",
        )
        .properties(height=alt.Step(34, **{"for": "position"}))
    )  # per theme, not per group
    bars = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title=_tr("mean_score", language), scale=alt.Scale(domain=[1, 5])),
        x2="ci_high:Q",
    )
    points = base.mark_point(filled=True, size=70).encode(
        x="mean:Q",
        tooltip=[
            alt.Tooltip("label:N", title=_tr("theme", language)),
            alt.Tooltip("group:N", title=_tr("group", language)),
            alt.Tooltip("mean:Q", format=".2f", title=_tr("mean", language)),
            alt.Tooltip("ci_low:Q", format=".2f", title=_tr("ci_low", language)),
            alt.Tooltip("ci_high:Q", format=".2f", title=_tr("ci_high", language)),
            alt.Tooltip("respondents:Q", title=_tr("respondents", language)),
        ],
    )
    return Figure(title, _finish(alt.layer(bars, points), title), display_table(scores, language))


def hot_cold_chart(
    hot_cold: pd.DataFrame, *, language: str = "fr", group: str = "theme", title: str | None = None
) -> Figure:
    """Hot and cold means of the same learners, joined by a line (a drop reads right to
    left); one line per theme, or per `group` (e.g. programme)."""
    title = title or _tr("hot_cold_title", language)
    if _shown(hot_cold).empty:
        return _blank(title, display_table(hot_cold, language))
    data = _shown(hot_cold).copy()
    data["label"] = (
        data[group].map(lambda v: theme_label(v, language))
        if group == "theme"
        else data[group].astype(str)
    )
    long = data.melt(
        id_vars=["label", "n", "delta"],
        value_vars=["hot_mean", "cold_mean"],
        var_name="timing",
        value_name="mean",
    )
    long["timing"] = long["timing"].str.replace("_mean", "", regex=False)
    long["moment"] = long["timing"].map(lambda v: vocabulary_label("timing", v, language))
    domain = [vocabulary_label("timing", value, language) for value in ("hot", "cold")]
    long = _data(long, ["label", "n", "delta", "timing", "mean", "moment"])
    line = (
        alt.Chart(long)
        .mark_line(color="#888")
        .encode(
            x=alt.X("mean:Q", title=_tr("mean_score", language), scale=alt.Scale(domain=[1, 5])),
            y=alt.Y("label:N", title=None),
            detail="label:N",
        )
    )
    points = (
        alt.Chart(long)
        .mark_point(filled=True, size=90)
        .encode(
            x="mean:Q",
            y="label:N",
            color=alt.Color(
                "moment:N",
                title=None,
                scale=alt.Scale(
                    domain=domain, range=[TIMING_COLOURS["hot"], TIMING_COLOURS["cold"]]
                ),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=_tr("group", language)),
                alt.Tooltip("moment:N", title=_tr("timing", language)),
                alt.Tooltip("mean:Q", format=".2f", title=_tr("mean", language)),
                alt.Tooltip("delta:Q", format="+.2f", title=_tr("delta", language)),
                alt.Tooltip("n:Q", title=_tr("pairs", language)),
            ],
        )
    )
    return Figure(title, _finish(alt.layer(line, points), title), display_table(hot_cold, language))


def trends_chart(trends: pd.DataFrame, *, language: str = "fr") -> Figure:
    """Mean score per period, one line per audience."""
    title = _tr("trends_title", language)
    if _shown(trends).empty:
        return _blank(title, display_table(trends, language))
    data = _shown(trends).copy()
    data["group"] = data["audience"].map(lambda v: vocabulary_label("stakeholder", v, language))
    data = _data(data, ["period", "group", "mean", "respondents"])
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=_tr("period", language), sort="ascending"),
            y=alt.Y("mean:Q", title=_tr("mean_score", language), scale=alt.Scale(domain=[1, 5])),
            color=alt.Color("group:N", title=None),
            tooltip=[
                alt.Tooltip("period:O", title=_tr("period", language)),
                alt.Tooltip("group:N", title=_tr("group", language)),
                alt.Tooltip("mean:Q", format=".2f", title=_tr("mean", language)),
                alt.Tooltip("respondents:Q", title=_tr("respondents", language)),
            ],
        )
    )
    return Figure(title, _finish(chart, title), display_table(trends, language))


def response_rates_chart(rates: pd.DataFrame, *, language: str = "fr") -> Figure:
    """Response rate per audience and timing."""
    title = _tr("rates_title", language)
    if rates.empty:
        return _blank(title, display_table(rates, language))
    data = rates.copy()
    data["group"] = _group_label(data, language)
    data = _data(data, ["group", "rate", "invited", "reminded", "answered"])
    chart = (
        alt.Chart(data)
        .mark_bar(color="#2166ac")
        .encode(
            x=share_axis("rate", _tr("rate", language)),
            y=alt.Y("group:N", title=None),
            tooltip=[
                alt.Tooltip("group:N", title=_tr("group", language)),
                alt.Tooltip("invited:Q", title=_tr("invited", language)),
                alt.Tooltip("reminded:Q", title=_tr("reminded", language)),
                alt.Tooltip("answered:Q", title=_tr("answered", language)),
                alt.Tooltip("rate:Q", format=".0%", title=_tr("rate", language)),
            ],
        )
        .properties(height=alt.Step(34))  # room for two-line labels ("Hot (end of training)")
    )
    return Figure(title, _finish(chart, title), display_table(rates, language))


def breakdown_chart(table: pd.DataFrame, dimension: str, *, language: str = "fr") -> Figure:
    """Mean and 95 % interval per programme, session, trainer, modality or financer."""
    dimension_name = t(f"analysis.dimensions.{dimension}", language).lower()
    title = _tr("breakdown_title", language, dimension=dimension_name)
    if _shown(table).empty:
        return _blank(title, display_table(table, language))
    data = _shown(table).copy()
    data["label"] = (
        data[dimension].map(lambda v: vocabulary_label("modality", v, language))
        if dimension == "modality"
        else data[dimension].astype(str)
    )
    data = _data(data, ["label", "mean", "ci_low", "ci_high", "respondents"])
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title=None, sort=alt.EncodingSortField("mean", order="ascending"))
    )
    rules = base.mark_rule(strokeWidth=2, color="#2166ac").encode(
        x=alt.X("ci_low:Q", title=_tr("mean_score", language), scale=alt.Scale(domain=[1, 5])),
        x2="ci_high:Q",
    )
    points = base.mark_point(filled=True, size=70, color="#2166ac").encode(
        x="mean:Q",
        tooltip=[
            alt.Tooltip("label:N", title=_tr("group", language)),
            alt.Tooltip("mean:Q", format=".2f", title=_tr("mean", language)),
            alt.Tooltip("respondents:Q", title=_tr("respondents", language)),
        ],
    )
    return Figure(title, _finish(alt.layer(rules, points), title), display_table(table, language))


def coverage_chart(matrix: pd.DataFrame, *, now: pd.Timestamp, language: str = "fr") -> Figure:
    """Days since each stakeholder type (and financer) was last solicited; never = empty bar
    marked in the table."""
    title = _tr("coverage_title", language)
    if matrix.empty:
        return _blank(title, display_table(matrix, language))
    data = matrix.copy()
    data["label"] = [
        financer if isinstance(financer, str) else vocabulary_label("stakeholder", kind, language)
        for kind, financer in zip(data["stakeholder_type"], data["financer"], strict=True)
    ]
    data["days"] = (pd.Timestamp(now).normalize() - pd.to_datetime(data["last_solicited"])).dt.days
    data["never"] = data["days"].isna().map(lambda never: _tr("never", language) if never else "")
    data = _data(data, ["label", "days", "solicited", "answered", "never"])
    y = alt.Y("label:N", title=None, sort=None)
    chart = (
        alt.Chart(data)
        .mark_bar(color="#7570b3")
        .encode(
            x=alt.X("days:Q", title=_tr("days_since", language)),
            y=y,
            tooltip=[
                alt.Tooltip("label:N", title=_tr("group", language)),
                alt.Tooltip("days:Q", title=_tr("days_since", language)),
                alt.Tooltip("solicited:Q", title=_tr("solicited", language)),
                alt.Tooltip("answered:Q", title=_tr("answered", language)),
            ],
        )
    )
    never = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, color="#b2182b", fontWeight="bold")
        .encode(x=alt.datum(0), y=y, text="never:N")
    )
    rule = (
        alt.Chart(pd.DataFrame({"days": [365]}))
        .mark_rule(color="#b2182b", strokeDash=[4, 3])
        .encode(x="days:Q")
    )
    return Figure(
        title, _finish(alt.layer(chart, never, rule), title), display_table(matrix, language)
    )
