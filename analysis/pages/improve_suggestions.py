import streamlit as st

from analysis.pages.improve_forms import register_offer_form, suggestion_action_form
from analysis.pages.improve_shared import (
    evidence_rows,
    figures_table,
    improve_page,
    suggestions_and_candidates,
)
from surveys.pages.common import lang, plain, show_table, tr

me, start, end = improve_page("suggestions", "suggest_period")
found, candidates = suggestions_and_candidates(start, end)
if not found:
    st.info(tr("improve.suggestions.none"))
for index, item in enumerate(found):
    with st.expander(f"{tr(f'improve.severity.{item.severity}')} — {item.title(lang())}"):
        st.write(item.explanation(lang()))
        st.caption(tr("improve.pages.indicators", values=", ".join(map(str, item.indicators))))
        show_table(figures_table(item.evidence.figures), f"sg_figures_{index}")
        if item.evidence.rows:
            show_table(evidence_rows(list(item.evidence.rows)), f"sg_rows_{index}")
        for quote in item.evidence.verbatims:
            st.markdown("> " + plain(quote))
        suggestion_action_form(me, item, index)
st.header(tr("improve.pages.flagged_title"))
st.caption(tr("improve.pages.flagged_intro", count=len(candidates)))
if not candidates.empty:
    register_offer_form(me, candidates)
