import streamlit as st

from question_banks.schema import AUDIENCES, INDICATORS, QUESTION_TYPES, TIMINGS
from surveys.custom_questions import CustomQuestionError, create_custom_question, full_catalog
from surveys.db import read_session, write_session
from surveys.pages.common import context, lang, require_role, tr, vocab

me = require_role("admin", "quality")
st.title(tr("banks.title"))
st.caption(tr("banks.intro"))
with read_session(context().engine) as session:
    catalog = full_catalog(session=session)
themes = {theme.id: theme.label.get(lang()) for theme in catalog.themes}
browse_tab, create_tab = st.tabs([tr("banks.browse_tab"), tr("banks.custom_tab")])

with browse_tab:
    left, middle, right, far = st.columns(4)
    theme = left.selectbox(tr("banks.theme"), [None, *themes], key="banks_theme",
                           format_func=lambda value: "—" if value is None else themes[value])
    audience = middle.selectbox(tr("banks.audience"), [None, *AUDIENCES], key="banks_audience",
                                format_func=lambda v: "—" if v is None else vocab("role", v))
    timing = right.selectbox(tr("banks.timing"), [None, *TIMINGS], key="banks_timing",
                             format_func=lambda v: "—" if v is None else vocab("timing", v))
    indicator = far.selectbox(tr("banks.indicator"), [None, *INDICATORS], key="banks_indicator")
    search = st.text_input(tr("banks.search"), key="banks_search")
    found = catalog.filter(theme=theme, audience=audience, timing=timing, indicator=indicator,
                           text=search or None)
    st.caption(tr("banks.count", count=len(found)))
    st.dataframe(
        [{"id": q.id, tr("banks.theme"): themes.get(q.theme, q.theme), "type": q.type,
          "FR": q.text.fr, "EN": q.text.en,
          tr("banks.audience"): ", ".join(vocab("role", a) for a in q.audiences),
          tr("banks.timing"): ", ".join(vocab("timing", t) for t in q.timings),
          tr("banks.indicator"): ", ".join(str(i) for i in q.indicators)} for q in found],
        hide_index=True, key="banks_table",
    )

with create_tab, st.form("custom_question_form"):
    kind = st.selectbox("Type", QUESTION_TYPES, key="custom_type",
                        format_func=lambda value: tr(f"banks.types.{value}"))
    theme_id = st.selectbox(tr("banks.theme"), list(themes), key="custom_theme",
                            format_func=lambda value: themes[value])
    text_fr = st.text_input(tr("banks.text_fr"), key="custom_text_fr")
    text_en = st.text_input(tr("banks.text_en"), key="custom_text_en")
    audiences = st.multiselect(tr("banks.audience"), AUDIENCES, key="custom_audiences",
                               format_func=lambda value: vocab("role", value))
    timings = st.multiselect(tr("banks.timing"), TIMINGS, key="custom_timings",
                             format_func=lambda value: vocab("timing", value))
    options = st.text_area(tr("banks.options_help"), key="custom_options")
    required = st.checkbox(tr("banks.required"), value=kind != "text", key="custom_required")
    submitted = st.form_submit_button(tr("banks.create"))
if submitted:
    data = {"type": kind, "theme": theme_id, "text": {"fr": text_fr, "en": text_en},
            "audiences": audiences, "timings": timings, "required": required}
    if kind in ("single_choice", "multi_choice"):
        lines = [line.split("|") for line in options.splitlines() if line.strip()]
        data["options"] = [{"value": f"option-{number}", "label": {"fr": parts[0].strip(),
                            "en": parts[-1].strip()}} for number, parts in enumerate(lines, 1)]
    try:
        with write_session(context().engine) as session:
            question = create_custom_question(session=session, data=data, actor=me.email)
        st.success(tr("banks.created", id=question.id))
    except CustomQuestionError as error:
        st.error("\n".join([error.message(lang()), *[f"- {p}" for p in error.problems]]))
