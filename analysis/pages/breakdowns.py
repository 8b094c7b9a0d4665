import streamlit as st

from analysis import charts
from analysis.charts.memo import figure_of
from analysis.frames import TRAINER_RESULT_ROLES
from analysis.labels import theme_label
from analysis.metrics import BREAKDOWN_DIMENSIONS
from analysis.pages.figures import show_figure
from analysis.pages.shared import cached_breakdown, frames, language, results_page, threshold
from surveys.pages.common import choose, tr

me, filters = results_page("breakdowns")
code = language()
answers = frames().answers
themes = sorted(
    {str(theme) for theme in answers.loc[answers["type"] == "likert5", "theme"]},
    key=lambda value: theme_label(value, code),
)
left, right = st.columns(2)
dimension = choose(
    left,
    tr("analysis.breakdowns.dimension"),
    [
        dimension
        for dimension in BREAKDOWN_DIMENSIONS
        if dimension != "trainer" or me.role in TRAINER_RESULT_ROLES
    ],
    "breakdowns_dimension",
    "analysis.dimensions",
)
theme = choose(
    right,
    tr("analysis.breakdowns.theme"),
    [None, *themes],
    "breakdowns_theme",
    lambda value: (
        tr("analysis.breakdowns.all_themes") if value is None else theme_label(value, code)
    ),
)
table = cached_breakdown(filters, dimension, theme, threshold())
show_figure(
    figure_of(charts.breakdown_chart, table, dimension=dimension, language=code),
    "breakdowns_chart",
)
