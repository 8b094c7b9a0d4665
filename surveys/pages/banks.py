import streamlit as st

from question_banks.schema import AUDIENCES, INDICATORS, TIMINGS
from surveys.builder.custom_questions import full_catalog
from surveys.db import read_session
from surveys.pages.common import context, lang, require_role, show_table, tr, vocab

require_role("admin", "quality")
st.title(tr("banks.title"))
st.caption(tr("banks.intro"))
with read_session(context().engine) as session:
    catalog = full_catalog(session=session)
themes = {theme.id: theme.label.get(lang()) for theme in catalog.themes}
left, middle, right, far = st.columns(4)
theme = left.selectbox(
    tr("banks.theme"),
    [None, *themes],
    key="banks_theme",
    format_func=lambda value: "—" if value is None else themes[value],
    placeholder=tr("common.choose"),
)
audience = middle.selectbox(
    tr("banks.audience"),
    [None, *AUDIENCES],
    key="banks_audience",
    format_func=lambda v: "—" if v is None else vocab("role", v),
    placeholder=tr("common.choose"),
)
timing = right.selectbox(
    tr("banks.timing"),
    [None, *TIMINGS],
    key="banks_timing",
    format_func=lambda v: "—" if v is None else vocab("timing", v),
    placeholder=tr("common.choose"),
)
indicator = far.selectbox(
    tr("banks.indicator"),
    [None, *INDICATORS],
    key="banks_indicator",
    format_func=lambda v: "—" if v is None else str(v),
    placeholder=tr("common.choose"),
)
search = st.text_input(tr("banks.search"), key="banks_search")
found = catalog.filter(
    theme=theme, audience=audience, timing=timing, indicator=indicator, text=search or None
)
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
