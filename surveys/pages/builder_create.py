"""Builder part: create a survey from a ready-made template or from scratch (not a page)."""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlmodel import Session

from question_banks.loader import get_template, load_templates
from question_banks.schema import AUDIENCES, TIMINGS
from surveys.builder.composition import create_survey, create_survey_from_template
from surveys.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES
from surveys.pages.builder_parts import (
    SURVEY_KEY,
    catalog_for,
    privacy_choice,
    run_action,
    text_inputs,
)
from surveys.pages.common import choose, choose_many, lang, tr, vocab

# The most common survey first, so a new user can often keep the first choice.
AUDIENCE_ORDER = {audience: index for index, audience in enumerate(AUDIENCES)}
TIMING_ORDER = {timing: index for index, timing in enumerate(TIMINGS)}


def _from_template(*, session: Session, actor: str, template_id: str) -> Any:
    template = get_template(template_id, catalog=catalog_for(session))
    return create_survey_from_template(session=session, template=template, actor=actor)


def _create(source: str) -> None:
    state = st.session_state
    if source == "template":
        survey = run_action(
            _from_template, "builder.created", template_id=state["builder_new_template"]
        )
    else:
        survey = run_action(
            create_survey,
            "builder.created",
            audience=state["builder_new_audience"],
            timing=state["builder_new_timing"],
            anonymous=state["builder_new_anonymous"],
            languages=state["builder_new_languages"],
            **{
                part: {
                    language: state[f"builder_new_{part}_{language}"]
                    for language in SUPPORTED_LANGUAGES
                }
                for part in ("title", "intro", "closing")
            },
        )
    if survey is not None:
        state[SURVEY_KEY] = survey


def show_create() -> None:
    st.subheader(tr("builder.create_title"))
    source = st.radio(
        tr("builder.source"),
        ["template", "scratch"],
        horizontal=True,
        key="builder_new_source",
        format_func=lambda v: tr(f"builder.source_{v}"),
    )
    templates = sorted(
        load_templates(),
        # the standard survey of each audience and timing (e.g. learner_hot) before the
        # special ones (the dropout survey, the skills assessment)
        key=lambda item: (
            AUDIENCE_ORDER[item.audience],
            TIMING_ORDER[item.timing],
            item.id != f"{item.audience}_{item.timing}",
            item.id,
        ),
    )
    with st.form("builder_create_form"):
        if source == "template":
            names = {
                item.id: f"{item.title.get(lang())} · {vocab('role', item.audience)} · "
                f"{vocab('timing', item.timing)} · "
                f"{tr('builder.question_count', count=len(item.question_ids))}"
                for item in templates
            }
            choose(
                st, tr("builder.template"), list(names), "builder_new_template", names.__getitem__
            )
        else:
            choose(st, tr("builder.audience"), AUDIENCES, "builder_new_audience", "vocab.role")
            choose(
                st,
                tr("builder.timing"),
                TIMINGS,
                "builder_new_timing",
                "vocab.timing",
                help=tr("builder.timing_help"),
            )
            choose_many(
                st,
                tr("builder.languages"),
                SUPPORTED_LANGUAGES,
                "builder_new_languages",
                LANGUAGE_NAMES.__getitem__,
                default=list(SUPPORTED_LANGUAGES),
            )
            text_inputs("builder.survey_title", None, "builder_new_title")
            text_inputs("builder.survey_intro", None, "builder_new_intro", area=True)
            text_inputs("builder.survey_closing", None, "builder_new_closing", area=True)
            privacy_choice("builder_new_anonymous", anonymous=False)
        st.form_submit_button(
            tr("builder.create"),
            type="primary",
            key="builder_create",
            on_click=_create,
            args=(source,),
        )
