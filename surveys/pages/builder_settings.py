"""Builder part: the survey's texts, languages, audience, timing, named or anonymous answers
(not a page)."""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlmodel import Session

from question_banks.schema import AUDIENCES, TIMINGS
from surveys.builder import drafts
from surveys.builder.composition import change_draft, update_survey_settings
from surveys.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES
from surveys.models import Survey
from surveys.pages.builder_parts import Loaded, privacy_choice, run_action, text_inputs
from surveys.pages.common import choose, choose_many, tr

PARTS = ("title", "intro", "closing")


SETTINGS = ("audience", "timing", "anonymous")  # update_survey_settings' own arguments


def _save(
    *,
    session: Session,
    actor: str,
    survey: Survey,
    texts: dict[str, dict[str, str]],
    languages: list[str],
    allow_edit: bool,
    settings: dict[str, Any],
) -> Any:
    update_survey_settings(session=session, survey=survey, actor=actor, **settings)
    return change_draft(
        session=session,
        survey=survey,
        actor=actor,
        change=lambda draft: drafts.set_allow_edit(
            drafts.set_languages(drafts.set_texts(draft, **texts), languages), allow_edit
        ),
    )


def _submitted(survey_id: int, key: str) -> None:
    state = st.session_state
    texts = {
        part: {language: state[f"{key}_{part}_{language}"] for language in SUPPORTED_LANGUAGES}
        for part in PARTS
    }
    run_action(
        _save,
        "builder.saved",
        survey_id=survey_id,
        texts=texts,
        languages=state[f"{key}_languages"],
        allow_edit=state[f"{key}_allow_edit"],
        settings={name: state[f"{key}_{name}"] for name in SETTINGS},
    )


def show_settings(loaded: Loaded) -> None:
    survey, draft = loaded.survey, loaded.survey.draft
    key = f"builder_settings_{survey.id}"
    with st.form(key):
        left, middle, right = st.columns(3)
        choose(
            left,
            tr("builder.audience"),
            AUDIENCES,
            f"{key}_audience",
            "vocab.role",
            index=AUDIENCES.index(survey.audience),
        )
        choose(
            middle,
            tr("builder.timing"),
            TIMINGS,
            f"{key}_timing",
            "vocab.timing",
            index=TIMINGS.index(survey.timing),
            help=tr("builder.timing_help"),
        )
        choose_many(
            right,
            tr("builder.languages"),
            SUPPORTED_LANGUAGES,
            f"{key}_languages",
            LANGUAGE_NAMES.__getitem__,
            default=draft.get("languages", []),
        )
        text_inputs("builder.survey_title", draft.get("title"), f"{key}_title")
        text_inputs("builder.survey_intro", draft.get("intro"), f"{key}_intro", area=True)
        text_inputs("builder.survey_closing", draft.get("closing"), f"{key}_closing", area=True)
        privacy_choice(f"{key}_anonymous", survey.anonymous)
        st.checkbox(
            tr("builder.allow_edit"),
            value=bool(draft.get(drafts.ALLOW_EDIT_KEY, False)),
            key=f"{key}_allow_edit",
            help=tr("builder.allow_edit_help"),
        )
        st.form_submit_button(
            tr("builder.save"),
            type="primary",
            key=f"{key}_submit",
            on_click=_submitted,
            args=(survey.id, key),
        )
