from collections.abc import Callable

import streamlit as st

from analysis import charts
from analysis.charts import Figure
from analysis.charts.memo import figure_of
from analysis.exports import responses_for_export
from analysis.frames import apply_filters
from analysis.pages.dropouts import show_dropouts
from analysis.pages.figures import downloads, show_figure
from analysis.pages.shared import (
    DASHBOARD_TAB_KEY,
    frames,
    language,
    results_page,
    show_headline,
    tables,
    threshold,
)
from surveys.pages.common import tr

me, filters = results_page("dashboard")
frequency = st.segmented_control(
    tr("analysis.dashboard.frequency"),
    ["M", "Q"],
    default="M",
    key="dashboard_frequency",
    format_func=lambda value: tr(
        "analysis.dashboard.month" if value == "M" else "analysis.dashboard.quarter"
    ),
)
numbers = tables(filters, frequency or "M", groups=("scores", "rates"))
head = numbers["headline"].iloc[0]
show_headline(head)
if not head["responses"]:
    st.info(tr("analysis.no_answers_yet"))

code = language()
# Only the open tab is drawn (`on_change="rerun"`): a reload, or a rerun after a send that
# moved the response rates, draws one tab's charts, not six.
themes, likert, rates, hot_cold, trends, dropouts = st.tabs(
    [
        tr("analysis.dashboard.tab_themes"),
        tr("analysis.dashboard.tab_likert"),
        tr("analysis.dashboard.tab_rates"),
        tr("analysis.dashboard.tab_hot_cold"),
        tr("analysis.dashboard.tab_trends"),
        tr("analysis.dashboard.tab_dropouts"),
    ],
    key=DASHBOARD_TAB_KEY,
    on_change="rerun",
)


def show_chart(build: Callable[..., Figure], table: str, key: str, **options: object) -> None:
    """The figure `build` draws from the dashboard table `table` (built again only when its
    numbers changed: `analysis.charts.memo`)."""
    show_figure(figure_of(build, numbers[table], language=code, **options), f"dashboard_{key}")


for tab, build, table, key in (
    (themes, charts.theme_scores_chart, "theme_scores", "themes"),
    (likert, charts.likert_bars, "likert_distribution", "likert"),
    (rates, charts.response_rates_chart, "response_rates", "rates"),
    (trends, charts.trends_chart, "trends", "trends"),
):
    if tab.open:
        with tab:
            show_chart(build, table, key)
if hot_cold.open:
    with hot_cold:
        show_chart(charts.hot_cold_chart, "hot_cold", "hot_cold")
        show_chart(
            charts.hot_cold_chart,
            "hot_cold_by_programme",
            "hot_cold_programmes",
            group="programme",
            title=tr("analysis.dashboard.hot_cold_programmes"),
        )
if dropouts.open:
    with dropouts:
        show_dropouts(filters)

st.subheader(tr("analysis.dashboard.export_title"))
st.caption(tr("analysis.dashboard.export_help", threshold=threshold()))
downloads(
    "reponses",
    lambda: responses_for_export(
        apply_filters(frames(), filters).answers, small_group_min=threshold()
    ),
    "dashboard_responses",
)
