from functools import partial

import streamlit as st

from analysis.labels import display_table, theme_label
from analysis.pages.figures import downloads
from analysis.pages.shared import cached_verbatims, frames, language, results_page, threshold
from surveys.pages.common import choose_many, show_table, tr

me, filters = results_page("verbatims", threshold=threshold())
code = language()
answers = frames().answers
texts = answers.loc[answers["type"] == "text", "theme"]
theme_name = partial(theme_label, language=code)
options = sorted({str(theme) for theme in texts.dropna().unique()}, key=theme_name)
left, middle, right = st.columns([3, 2, 1])
search = left.text_input(tr("analysis.verbatims.search"), key="verbatims_search")
themes = choose_many(
    middle, tr("analysis.verbatims.themes"), options, "verbatims_themes", theme_name
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
    show_table(table, "verbatims_table")
    downloads("verbatims", table, "verbatims_downloads")
