"""Altair charts of the analysis tables, for the dashboard pages and the evidence PDF.

`figures` builds the dashboard's `Figure`s (a chart and the table of its numbers), `printed`
the evidence pack's static charts, `render` turns either into a picture (vl-convert, no
browser). This face hands on what the pages use.
"""

from analysis.charts.figures import (
    Figure,
    breakdown_chart,
    coverage_chart,
    hot_cold_chart,
    likert_bars,
    response_rates_chart,
    theme_scores_chart,
    trends_chart,
)
from analysis.charts.render import chart_png, share_axis

__all__ = [
    "Figure",
    "breakdown_chart",
    "chart_png",
    "coverage_chart",
    "hot_cold_chart",
    "likert_bars",
    "response_rates_chart",
    "share_axis",
    "theme_scores_chart",
    "trends_chart",
]
