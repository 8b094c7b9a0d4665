import streamlit as st

from analysis import charts
from analysis.frames import TRAINER_RESULT_ROLES
from analysis.labels import theme_label
from analysis.metrics import BREAKDOWN_DIMENSIONS
from analysis.pages.shared import (
    cached_breakdown,
    filter_bar,
    frames,
    language,
    refresh_button,
    show_figure,
    stop_if_withheld,
    threshold,
)
from surveys.pages.common import require_role, tr

me = require_role("admin", "quality", "director")
st.title(tr("analysis.breakdowns.title"))
st.caption(tr("analysis.breakdowns.intro"))
with st.expander(tr("analysis.filters.title"), expanded=False):
    filters = filter_bar("breakdowns", with_trainers=me.role in TRAINER_RESULT_ROLES)
    refresh_button()
stop_if_withheld(filters)
code = language()
answers = frames().answers
themes = sorted(
    {str(theme) for theme in answers.loc[answers["type"] == "likert5", "theme"]},
    key=lambda value: theme_label(value, code),
)
left, right = st.columns(2)
dimension = left.selectbox(
    tr("analysis.breakdowns.dimension"),
    [
        dimension
        for dimension in BREAKDOWN_DIMENSIONS
        if dimension != "trainer" or me.role in TRAINER_RESULT_ROLES
    ],
    format_func=lambda value: tr(f"analysis.dimensions.{value}"),
    key="breakdowns_dimension",
)
theme = right.selectbox(
    tr("analysis.breakdowns.theme"),
    [None, *themes],
    format_func=lambda value: (
        tr("analysis.breakdowns.all_themes") if value is None else theme_label(value, code)
    ),
    key="breakdowns_theme",
)
table = cached_breakdown(filters, dimension, theme, threshold())
show_figure(charts.breakdown_chart(table, dimension, language=code), "breakdowns_chart")
