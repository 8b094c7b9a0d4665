import streamlit as st

from question_banks.schema import AUDIENCES, CHOICE_TYPES, QUESTION_TYPES, TIMINGS
from surveys.builder.custom_questions import (
    CustomQuestionError,
    choice_options,
    create_custom_question,
    edit_custom_question,
    full_catalog,
    list_custom_questions,
)
from surveys.db import read_session, write_session
from surveys.pages.common import choose, choose_many, context, lang, staff_page, tr

me = staff_page("banks.custom_title", "banks.custom_intro")
with read_session(context().engine) as session:
    themes = {theme.id: theme.label.get(lang()) for theme in full_catalog(session=session).themes}
    mine = list_custom_questions(session=session)
editing = choose(
    st,
    tr("banks.edit_which"),
    [None, *[q.id for q in mine]],
    "custom_edit",
    lambda value: tr("banks.new_question") if value is None else value,
)
current = next((q for q in mine if q.id == editing), None)


def default(attribute: str, fallback):
    return getattr(current, attribute) if current is not None else fallback


with st.form("custom_question_form"):
    kind = choose(
        st,
        "Type",
        QUESTION_TYPES,
        "custom_type",
        "banks.types",
        index=QUESTION_TYPES.index(default("type", "likert5")),
    )
    theme_id = choose(
        st, tr("banks.theme"), list(themes), "custom_theme", lambda value: themes[value]
    )
    text_fr = st.text_input(
        tr("banks.text_fr"), value=current.text.fr if current else "", key="custom_text_fr"
    )
    text_en = st.text_input(
        tr("banks.text_en"), value=current.text.en if current else "", key="custom_text_en"
    )
    audiences = choose_many(
        st,
        tr("banks.audience"),
        AUDIENCES,
        "custom_audiences",
        "vocab.role",
        default=default("audiences", ()),
    )
    timings = choose_many(
        st,
        tr("banks.timing"),
        TIMINGS,
        "custom_timings",
        "vocab.timing",
        default=default("timings", ()),
    )
    options = st.text_area(
        tr("banks.options_help"),
        key="custom_options",
        value="\n".join(f"{o.label.fr} | {o.label.en}" for o in default("options", ())),
    )
    required = st.checkbox(
        tr("banks.required"), value=default("required", True), key="custom_required"
    )
    submitted = st.form_submit_button(tr("banks.save") if current else tr("banks.create"))
if submitted:
    data = {
        "type": kind,
        "theme": theme_id,
        "text": {"fr": text_fr, "en": text_en},
        "audiences": audiences,
        "timings": timings,
        "required": required,
    }
    if kind in CHOICE_TYPES:
        data["options"] = choice_options(options)
    try:
        with write_session(context().engine) as session:
            if current is None:
                saved = create_custom_question(session=session, data=data, actor=me.email)
            else:
                saved = edit_custom_question(
                    session=session, question_id=current.id, data=data, actor=me.email
                )
        st.success(tr("banks.created", id=saved.id))
    except CustomQuestionError as error:
        st.error("\n".join([error.message(lang()), *[f"- {p}" for p in error.problems]]))
