"""The evidence pack's charts: static pictures for print, drawn from the same tables.

Each builder returns an Altair chart (or None when there is nothing to draw); `picture` sets
the print font and turns it into a PNG data URI that the HTML embeds.
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from analysis.charts.render import FONT, WIDTH, png_data_uri, share_axis
from analysis.labels import theme_label
from surveys.i18n import label, t

LABEL_LIMIT = 300  # points: long theme names stay readable


def _configured(chart: alt.Chart) -> alt.Chart:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFont=FONT, titleFont=FONT)
        .configure_legend(labelFont=FONT, titleFont=FONT)
        .configure_view(stroke=None)
    )


def theme_chart(scores: pd.DataFrame, language: str) -> alt.Chart | None:
    shown = scores[~scores["protected"].astype(bool)].copy()
    if shown.empty:
        return None
    shown["label"] = [
        f"{label('stakeholder', a, language)} · {theme_label(th, language)}"
        for a, th in zip(shown["audience"], shown["theme"], strict=True)
    ]
    shown = shown.sort_values(["audience", "mean", "theme"])
    base = alt.Chart(shown[["label", "mean", "ci_low", "ci_high"]]).encode(
        y=alt.Y(
            "label:N", sort=list(shown["label"]), title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)
        )
    )
    bars = base.mark_bar(clip=True, color="#2f6f9f").encode(
        x=alt.X(
            "mean:Q",
            scale=alt.Scale(domain=[1, 5]),
            title=t("improve.evidence.chart_mean", language),
        )
    )
    interval = base.mark_rule(color="#1b1b1b").encode(x="ci_low:Q", x2="ci_high:Q")
    return (bars + interval).properties(width=WIDTH - LABEL_LIMIT, height=max(60, 16 * len(shown)))


def rates_chart(rates: pd.DataFrame, language: str) -> alt.Chart | None:
    if rates.empty:
        return None
    shown = rates.assign(
        label=[
            f"{label('stakeholder', a, language)} · {label('timing', tm, language)}"
            for a, tm in zip(rates["audience"], rates["timing"], strict=True)
        ]
    )
    return (
        alt.Chart(shown[["label", "rate"]])
        .mark_bar(color="#3f8f5f")
        .encode(
            x=share_axis("rate", t("improve.evidence.chart_rate", language)),
            y=alt.Y("label:N", sort=list(shown["label"]), title=None),
        )
        .properties(width=WIDTH - 200, height=max(60, 18 * len(shown)))
    )


def hot_cold_chart(table: pd.DataFrame, language: str) -> alt.Chart | None:
    shown = table[~table["protected"].astype(bool)]
    if shown.empty:
        return None
    hot, cold = label("timing", "hot", language), label("timing", "cold", language)
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "programme": shown["programme"].astype(str),
                    "when": hot,
                    "mean": shown["hot_mean"],
                }
            ),
            pd.DataFrame(
                {
                    "programme": shown["programme"].astype(str),
                    "when": cold,
                    "mean": shown["cold_mean"],
                }
            ),
        ],
        ignore_index=True,
    )
    return (
        alt.Chart(long)
        .mark_bar(clip=True)
        .encode(
            y=alt.Y("programme:N", title=None, sort=sorted(shown["programme"].astype(str))),
            yOffset=alt.YOffset("when:N", sort=[hot, cold]),
            x=alt.X(
                "mean:Q",
                scale=alt.Scale(domain=[1, 5]),
                title=t("improve.evidence.chart_mean", language),
            ),
            color=alt.Color(
                "when:N",
                sort=[hot, cold],
                title=None,
                scale=alt.Scale(range=["#d9822b", "#2f6f9f"]),
            ),
        )
        .properties(width=WIDTH - 160, height=max(60, 34 * len(shown)))
    )


def trend_chart(trend: pd.DataFrame, language: str) -> alt.Chart | None:
    shown = trend[~trend["protected"].astype(bool)].copy()
    if shown.empty:
        return None
    shown["who"] = [label("stakeholder", value, language) for value in shown["audience"]]
    return (
        alt.Chart(shown[["period", "who", "mean"]])
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "period:O",
                title=None,
                sort=sorted(shown["period"].astype(str)),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y(
                "mean:Q",
                scale=alt.Scale(domain=[1, 5]),
                title=t("improve.evidence.chart_mean", language),
            ),
            color=alt.Color("who:N", title=None, sort=sorted(shown["who"])),
        )
        .properties(width=WIDTH - 120, height=180)
    )


def picture(
    chart: alt.Chart | None, render: Callable[[alt.TopLevelMixin], str | None] = png_data_uri
) -> str | None:
    """The chart as a `data:image/png;base64,...` URI (None when there is nothing to draw);
    `render` turns the configured chart into that URI (the evidence pack passes a cached one)."""
    return None if chart is None else render(_configured(chart))
