import streamlit as st

from surveys.builder.custom_questions import full_catalog
from surveys.db import read_session
from surveys.pages.common import context, lang, show_table, staff_page, tr, vocab
from surveys.pages.question_filters import question_filters

staff_page("banks.title", "banks.intro")
with read_session(context().engine) as session:
    catalog = full_catalog(session=session)
found, themes = question_filters(catalog, "banks", "banks")
st.caption(tr("banks.count", count=len(found)))
show_table(
    [
        {
            tr("banks.theme"): themes.get(q.theme, q.theme),
            tr("columns.type"): tr(f"improve.vocab.type.{q.type}"),
            tr("banks.question"): q.text.get(lang()),
            tr("banks.audience"): ", ".join(vocab("role", a) for a in q.audiences),
            tr("banks.timing"): ", ".join(vocab("timing", t) for t in q.timings),
            tr("banks.indicator"): ", ".join(str(i) for i in q.indicators),
        }
        for q in found
    ],
    "banks_table",
)
