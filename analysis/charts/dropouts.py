"""The dropout charts: dropout rate per programme, causes from the dropout survey. Each builder
returns a `Figure` (the chart and the table of its numbers, in the reader's words); the
evidence pack prints the same charts (`chart` without the `Figure`, through `picture`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.figures import Figure
from analysis.charts.render import FONT, WIDTH
from analysis.labels import cause_label
from surveys.i18n import t

BAR_COLOUR = "#b2182b"


def _tr(key: str, language: str) -> str:
    return t(f"analysis.dropouts.{key}", language)


def _percent(value: float) -> float:
    return round(float(value) * 100, 1)


def _bars(data: pd.DataFrame, label: str, value: str, title: str, language: str) -> alt.Chart:
    return (
        alt.Chart(data)
        .mark_bar(color=BAR_COLOUR)
        .encode(
            x=alt.X(f"{value}:Q", title=_tr(value, language), axis=alt.Axis(format="%")),
            y=alt.Y(f"{label}:N", title=None, sort="-x"),
            tooltip=[
                alt.Tooltip(f"{label}:N", title=_tr(label, language)),
                alt.Tooltip(f"{value}:Q", format=".0%", title=_tr(value, language)),
            ],
        )
        .properties(title=title, width=WIDTH, height=alt.Step(34))  # room for two-line labels
        .configure(font=FONT)
        .configure_axis(labelLimit=300, labelFontSize=12, titleFontSize=12)
    )


def dropout_rate_chart(by_programme: pd.DataFrame, *, language: str = "fr") -> Figure:
    """Dropout rate per programme (learners who started)."""
    title = _tr("rate_title", language)
    table = pd.DataFrame(
        {
            _tr("programme", language): by_programme["programme_name"].astype(str),
            _tr("learners", language): by_programme["learners"].astype(int),
            _tr("dropouts", language): by_programme["dropouts"].astype(int),
            _tr("rate", language) + " (%)": by_programme["rate"].map(_percent),
        }
    )
    data = pd.DataFrame(
        {"programme": by_programme["programme_name"].astype(str), "rate": by_programme["rate"]}
    )
    chart = _bars(data.astype({"rate": float}), "programme", "rate", title, language)
    return Figure(title, chart, table)


def dropout_causes_chart(causes: pd.DataFrame, *, language: str = "fr") -> Figure:
    """The causes ticked in the dropout survey, as a share of its respondents."""
    title = _tr("causes", language)
    names = causes["cause"].map(lambda value: cause_label(value, language))
    table = pd.DataFrame(
        {
            _tr("cause", language): names,
            _tr("people", language): causes["people"].astype(int),
            _tr("share", language) + " (%)": causes["share"].map(_percent),
        }
    )
    data = pd.DataFrame({"cause": names, "share": causes["share"].astype(float)})
    return Figure(title, _bars(data, "cause", "share", title, language), table)
