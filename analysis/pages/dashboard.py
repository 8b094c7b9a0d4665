import streamlit as st

from analysis import charts
from analysis.exports import responses_for_export
from analysis.frames import apply_filters
from analysis.pages.dropouts import show_dropouts
from analysis.pages.figures import downloads, show_figure
from analysis.pages.shared import frames, language, results_page, show_headline, tables, threshold
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
numbers = tables(filters, frequency or "M")
head = numbers["headline"].iloc[0]
show_headline(head)
if not head["responses"]:
    st.info(tr("analysis.no_answers_yet"))

code = language()
themes, likert, rates, hot_cold, trends, dropouts = st.tabs(
    [
        tr("analysis.dashboard.tab_themes"),
        tr("analysis.dashboard.tab_likert"),
        tr("analysis.dashboard.tab_rates"),
        tr("analysis.dashboard.tab_hot_cold"),
        tr("analysis.dashboard.tab_trends"),
        tr("analysis.dashboard.tab_dropouts"),
    ]
)
with themes:
    show_figure(
        charts.theme_scores_chart(numbers["theme_scores"], language=code), "dashboard_themes"
    )
with likert:
    show_figure(
        charts.likert_bars(numbers["likert_distribution"], language=code), "dashboard_likert"
    )
with rates:
    show_figure(
        charts.response_rates_chart(numbers["response_rates"], language=code), "dashboard_rates"
    )
with hot_cold:
    show_figure(charts.hot_cold_chart(numbers["hot_cold"], language=code), "dashboard_hot_cold")
    show_figure(
        charts.hot_cold_chart(
            numbers["hot_cold_by_programme"],
            group="programme",
            language=code,
            title=tr("analysis.dashboard.hot_cold_programmes"),
        ),
        "dashboard_hot_cold_programmes",
    )
with trends:
    show_figure(charts.trends_chart(numbers["trends"], language=code), "dashboard_trends")
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
