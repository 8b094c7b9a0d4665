"""The evidence pack's dropout section (indicators 12 and 32): the dropout rate per programme
and per session held during the period, the dropout survey's own response rate, and the causes
its respondents gave (under the small-group rule), every value in the reader's words."""

from __future__ import annotations

from typing import Any

from analysis.charts.dropouts import dropout_causes_chart
from analysis.dropouts import DropoutFigures, dropout_figures
from analysis.evidence.cache import ContentCache, cached_picture
from analysis.frames import AnalysisFilters, AnalysisFrames, withheld_sentence
from analysis.labels import cause_label


def _rows(figures: DropoutFigures, by: str) -> list[dict[str, Any]]:
    table = figures.by_programme if by == "programme" else figures.by_session
    if by == "session":
        table = table[table["dropouts"] > 0]
    return [
        {
            "name": str(row[by] if by == "session" else row["programme_name"]),
            "programme": str(row["programme_name"]),
            "learners": int(row["learners"]),
            "dropouts": int(row["dropouts"]),
            "rate": float(row["rate"]),
        }
        for row in table.to_dict("records")
    ]


def dropout_section(
    frames: AnalysisFrames,
    filters: AnalysisFilters,
    *,
    small_group_min: int,
    language: str,
    cache: ContentCache | None = None,
) -> dict[str, Any]:
    """What the section shows; `frames` unfiltered (the small-group rule compares)."""
    figures = dropout_figures(frames, filters, small_group_min=small_group_min)
    causes = [
        {"label": cause_label(row["cause"], language), "people": int(row["people"]),
         "share": float(row["share"])}
        for row in figures.causes.to_dict("records")
    ]  # fmt: skip
    chart = None
    if causes:
        figure = dropout_causes_chart(figures.causes, language=language)
        chart = cached_picture(cache)(figure.chart)
    return {
        "learners": figures.learners,
        "dropouts": figures.dropouts,
        "rate": figures.rate,
        "invited": figures.invited,
        "answered": min(figures.answered, figures.invited),
        "survey_rate": figures.survey_rate,
        "by_programme": _rows(figures, "programme"),
        "by_session": _rows(figures, "session"),
        "causes": causes,
        "withheld": (
            withheld_sentence(figures.withheld, small_group_min, language)
            if figures.withheld
            else ""
        ),
        "chart": chart,
    }
