import streamlit as st

from analysis.labels import display_table, theme_label
from analysis.pages.shared import (
    cached_verbatims,
    downloads,
    filter_bar,
    frames,
    language,
    refresh_button,
)
from surveys.pages.common import require_role, show_table, tr

me = require_role("admin", "quality", "director")
st.title(tr("analysis.verbatims.title"))
st.caption(tr("analysis.verbatims.intro"))
with st.expander(tr("analysis.filters.title"), expanded=False):
    filters = filter_bar("verbatims")
    refresh_button()
code = language()
answers = frames().answers
texts = answers.loc[answers["type"] == "text", "theme"]
options = sorted(
    {str(theme) for theme in texts.dropna().unique()}, key=lambda value: theme_label(value, code)
)
left, middle, right = st.columns([3, 2, 1])
search = left.text_input(tr("analysis.verbatims.search"), key="verbatims_search")
themes = middle.multiselect(
    tr("analysis.verbatims.themes"),
    options,
    format_func=lambda value: theme_label(value, code),
    key="verbatims_themes",
    placeholder=tr("common.choose_many"),
    select_all=False,
)
limit = right.number_input(
    tr("analysis.verbatims.limit"),
    min_value=10,
    max_value=2000,
    value=200,
    step=50,
    key="verbatims_limit",
)
with_names = me.role in ("admin", "quality")  # learners are told only quality reads them
found = cached_verbatims(filters, search.strip(), tuple(themes), int(limit), with_names)
table = display_table(found if with_names else found.drop(columns="respondent"), code)
st.caption(tr("analysis.verbatims.count", count=len(found)))
if found.empty:
    st.info(tr("analysis.no_data"))
else:
    show_table(table, "verbatims_table")
    downloads("verbatims", table, "verbatims_downloads")
