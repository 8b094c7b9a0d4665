"""Builder part: pick questions from the banks and the custom questions, with the bank
browser's filters, or write a custom question inline (not a page)."""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlmodel import Session

from question_banks.schema import AUDIENCES, CHOICE_TYPES, INDICATORS, QUESTION_TYPES, TIMINGS
from surveys.builder import drafts
from surveys.builder.composition import change_draft
from surveys.builder.custom_questions import choice_options, create_custom_question, full_catalog
from surveys.models import Survey
from surveys.pages.builder_parts import Loaded, run_action
from surveys.pages.common import lang, tr, vocab


def _add_picked(*, session: Session, actor: str, survey: Survey, question_ids: list[str]) -> Any:
    catalog = full_catalog(session=session)
    return change_draft(
        session=session,
        survey=survey,
        actor=actor,
        change=lambda draft: drafts.add_questions(
            draft, catalog.select(question_ids), catalog=catalog
        ),
    )


def _add_custom(*, session: Session, actor: str, survey: Survey, data: dict[str, Any]) -> Any:
    question = create_custom_question(session=session, data=data, actor=actor)
    catalog = full_catalog(session=session)
    return change_draft(
        session=session,
        survey=survey,
        actor=actor,
        change=lambda draft: drafts.add_question(draft, question, catalog=catalog),
    )


def _picked(survey_id: int) -> None:
    key = f"builder_pick_{survey_id}"
    if run_action(
        _add_picked,
        "builder.questions_added",
        survey_id=survey_id,
        question_ids=st.session_state[key],
    ):
        st.session_state[key] = []


def show_picker(loaded: Loaded) -> None:
    survey, catalog = loaded.survey, loaded.catalog
    themes = {theme.id: theme.label.get(lang()) for theme in catalog.themes}
    key = f"builder_pick_{survey.id}"
    theme_col, audience_col, timing_col, indicator_col = st.columns(4)
    theme = theme_col.selectbox(
        tr("builder.theme"),
        [None, *themes],
        key=f"{key}_theme",
        format_func=lambda v: "—" if v is None else themes[v],
        placeholder=tr("common.choose"),
    )
    audience = audience_col.selectbox(
        tr("builder.audience"),
        [None, *AUDIENCES],
        key=f"{key}_audience",
        index=1 + AUDIENCES.index(survey.audience),
        format_func=lambda v: "—" if v is None else vocab("role", v),
        placeholder=tr("common.choose"),
    )
    timing = timing_col.selectbox(
        tr("builder.timing"),
        [None, *TIMINGS],
        key=f"{key}_timing",
        index=1 + TIMINGS.index(survey.timing),
        format_func=lambda v: "—" if v is None else vocab("timing", v),
        placeholder=tr("common.choose"),
    )
    indicator = indicator_col.selectbox(
        tr("builder.indicator"),
        [None, *INDICATORS],
        key=f"{key}_indicator",
        placeholder=tr("common.choose"),
    )
    search = st.text_input(tr("builder.search"), key=f"{key}_search")
    used = set(drafts.question_ids(survey.draft))
    found = [
        question
        for question in catalog.filter(
            theme=theme, audience=audience, timing=timing, indicator=indicator, text=search or None
        )
        if question.id not in used
    ]
    labels = {
        question.id: f"{question.text.get(lang())} ({themes.get(question.theme, question.theme)})"
        for question in found
    }
    st.multiselect(
        tr("builder.pick_questions", count=len(found)),
        list(labels),
        key=key,
        format_func=labels.__getitem__,
        placeholder=tr("common.choose_many"),
        select_all=False,
    )
    st.button(
        tr("builder.add_questions"),
        key=f"{key}_add",
        on_click=_picked,
        args=(survey.id,),
        disabled=not found,
    )


def _custom_submitted(survey_id: int, audience: str, timing: str, key: str) -> None:
    state = st.session_state
    kind = state[f"{key}_type"]
    data: dict[str, Any] = {
        "type": kind,
        "theme": state[f"{key}_theme"],
        "text": {"fr": state[f"{key}_fr"], "en": state[f"{key}_en"]},
        "audiences": [audience],
        "timings": [timing],
        "required": state[f"{key}_required"],
    }
    if kind in CHOICE_TYPES:
        data["options"] = choice_options(state[f"{key}_options"])
    if run_action(_add_custom, "builder.custom_added", survey_id=survey_id, data=data):
        for name in ("fr", "en", "options"):
            state[f"{key}_{name}"] = ""


def show_custom_form(loaded: Loaded) -> None:
    survey, catalog = loaded.survey, loaded.catalog
    themes = {theme.id: theme.label.get(lang()) for theme in catalog.themes}
    key = f"builder_custom_{survey.id}"
    with st.form(key):
        st.caption(
            tr(
                "builder.custom_for",
                audience=vocab("role", survey.audience),
                timing=vocab("timing", survey.timing),
            )
        )
        left, right = st.columns(2)
        left.selectbox(
            tr("builder.question_type"),
            QUESTION_TYPES,
            key=f"{key}_type",
            format_func=lambda value: tr(f"builder.types.{value}"),
            placeholder=tr("common.choose"),
        )
        right.selectbox(
            tr("builder.theme"),
            list(themes),
            key=f"{key}_theme",
            format_func=themes.__getitem__,
            placeholder=tr("common.choose"),
        )
        st.text_input(tr("builder.question_text_fr"), key=f"{key}_fr")
        st.text_input(tr("builder.question_text_en"), key=f"{key}_en")
        st.text_area(tr("builder.options_help"), key=f"{key}_options")
        st.checkbox(tr("builder.required"), value=True, key=f"{key}_required")
        st.form_submit_button(
            tr("builder.add_custom"),
            key=f"{key}_submit",
            on_click=_custom_submitted,
            args=(survey.id, survey.audience, survey.timing, key),
        )
