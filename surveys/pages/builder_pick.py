"""Builder part: pick questions from the banks and the custom questions, with the bank
browser's filters, or write a custom question inline (not a page)."""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlmodel import Session

from question_banks.schema import CHOICE_TYPES, QUESTION_TYPES
from surveys.builder import drafts
from surveys.builder.composition import change_draft
from surveys.builder.custom_questions import choice_options, create_custom_question, full_catalog
from surveys.models import Survey
from surveys.pages.builder_parts import Loaded, run_action
from surveys.pages.common import choose, choose_many, lang, tr, vocab
from surveys.pages.question_filters import question_filters


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
    key = f"builder_pick_{survey.id}"
    matching, themes = question_filters(
        catalog, "builder", key, audience=survey.audience, timing=survey.timing
    )
    used = set(drafts.question_ids(survey.draft))
    found = [question for question in matching if question.id not in used]
    labels = {
        question.id: f"{question.text.get(lang())} ({themes.get(question.theme, question.theme)})"
        for question in found
    }
    choose_many(
        st, tr("builder.pick_questions", count=len(found)), list(labels), key, labels.__getitem__
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
        choose(left, tr("builder.question_type"), QUESTION_TYPES, f"{key}_type", "builder.types")
        choose(right, tr("builder.theme"), list(themes), f"{key}_theme", themes.__getitem__)
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
