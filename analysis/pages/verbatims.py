import streamlit as st

from analysis.frames import TRAINER_RESULT_ROLES
from analysis.labels import display_table, theme_label
from analysis.pages.shared import (
    cached_verbatims,
    downloads,
    filter_bar,
    frames,
    language,
    refresh_button,
    stop_if_withheld,
    threshold,
)
from surveys.pages.common import require_role, tr

me = me = require_role("admin", "quality", "director")
st.title(tr("analysis.verbatims.title"))
st.caption(tr("analysis.verbatims.intro", threshold=threshold()))
with st.expander(tr("analysis.filters.title"), expanded=False):
    filters = filter_bar("verbatims", with_trainers=me.role in TRAINER_RESULT_ROLES)
    refresh_button()
stop_if_withheld(filters)
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
found, hidden = cached_verbatims(filters, search.strip(), tuple(themes), int(limit), with_names)
table = display_table(found if with_names else found.drop(columns="respondent"), code)
st.caption(tr("analysis.verbatims.count", count=len(found)))
if hidden:
    st.caption(tr("analysis.withheld.rows_hidden", count=hidden, threshold=threshold()))
if found.empty:
    st.info(tr("analysis.no_data"))
else:
    st.dataframe(table, hide_index=True, key="verbatims_table")
    downloads("verbatims", table, "verbatims_downloads")
