"""Page-layer helpers shared by the survey builder's parts (not a page itself).

Buttons call `run_action` as their `on_click` callback: the domain function runs in a write
transaction before the page reruns, so the page always shows the saved state; a refusal is
kept as a flash message and shown at the top of the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlmodel import Session

from question_banks.loader import QuestionCatalog
from surveys.builder.checks import Problem
from surveys.builder.composition import (
    check_survey,
    get_survey,
    has_unpublished_changes,
    list_surveys,
    list_versions,
)
from surveys.builder.custom_questions import full_catalog
from surveys.db import read_session, write_session
from surveys.i18n import SUPPORTED_LANGUAGES, TranslatableError
from surveys.models import Survey, SurveyVersion
from surveys.pages.common import choose, context, identity, lang, tr, vocab

FLASH_KEY = "builder_flash"
SURVEY_KEY = "builder_survey"


@dataclass(frozen=True)
class Loaded:
    """What the builder shows about one survey, read in one transaction."""

    survey: Survey
    catalog: QuestionCatalog
    versions: list[SurveyVersion]
    problems: list[Problem]
    changed: bool


def flash(kind: str, message: str) -> None:
    st.session_state.setdefault(FLASH_KEY, []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop(FLASH_KEY, []):
        (st.success if kind == "success" else st.error)(message)


def run_action(action: Callable[..., Any], success_key: str | None = None, **kwargs: Any) -> Any:
    """Run `action(session=..., actor=..., **kwargs)` in a write transaction and flash the
    outcome; return the id of the row it returns (None when refused). A `survey_id` argument
    is turned into the `survey` row first."""
    try:
        with write_session(context().engine) as session:
            if "survey_id" in kwargs:
                kwargs["survey"] = get_survey(session=session, survey_id=kwargs.pop("survey_id"))
            result = action(session=session, actor=identity().email, **kwargs)
            result_id = getattr(result, "id", None)  # read before the commit expires the row
        if success_key:
            flash("success", tr(success_key))
        return result_id
    except TranslatableError as error:
        # Custom question refusals carry their details as plain strings (field: reason).
        details = [f"- {p}" for p in getattr(error, "problems", []) if isinstance(p, str)]
        flash("error", "\n".join([error.message(lang()), *details]))
        return None


def catalog_for(session: Session) -> QuestionCatalog:
    return full_catalog(session=session)


def load(survey_id: int) -> Loaded:
    with read_session(context().engine) as session:
        survey = get_survey(session=session, survey_id=survey_id)
        catalog = catalog_for(session)
        loaded = Loaded(
            survey,
            catalog,
            list_versions(session=session, survey_id=survey_id),
            check_survey(survey, catalog=catalog),
            has_unpublished_changes(session=session, survey=survey, catalog=catalog),
        )
        session.expunge_all()
    return loaded


def survey_label(survey: Survey) -> str:
    """Title, audience and timing; the number tells apart two surveys with the same title."""
    label = (
        f"{survey.title} · {vocab('role', survey.audience)} · "
        f"{vocab('timing', survey.timing)} · {tr('builder.number', number=survey.id)}"
    )
    return f"{label} ({tr('builder.archived')})" if survey.status == "archived" else label


def pick_survey() -> int | None:
    """The survey being edited; None means "create a new survey" (the default)."""
    show_archived = st.toggle(tr("builder.show_archived"), key="builder_show_archived")
    with read_session(context().engine) as session:
        surveys = {
            s.id: survey_label(s)
            for s in list_surveys(session=session, include_archived=show_archived)
        }
    if st.session_state.get(SURVEY_KEY) not in surveys:
        st.session_state[SURVEY_KEY] = None
    return choose(
        st,
        tr("builder.pick"),
        [None, *surveys],
        SURVEY_KEY,
        lambda i: tr("builder.new") if i is None else surveys[i],
    )


def text(texts: Mapping[str, str] | None) -> str:
    """A {language: text} value in the reader's language (French when missing)."""
    texts = texts or {}
    return texts.get(lang()) or texts.get("fr") or next(iter(texts.values()), "")


def text_inputs(
    label_key: str, texts: Mapping[str, str] | None, key: str, area: bool = False
) -> dict[str, str]:
    """One input per language for a translatable text."""
    widget = st.text_area if area else st.text_input
    return {
        language: widget(
            f"{tr(label_key)} ({language.upper()})",
            value=(texts or {}).get(language, ""),
            key=f"{key}_{language}",
        )
        for language in SUPPORTED_LANGUAGES
    }


def privacy_choice(key: str, anonymous: bool) -> bool:
    """Named or anonymous answers, each explained in one sentence."""
    return st.radio(
        tr("builder.privacy"),
        [False, True],
        index=int(anonymous),
        key=key,
        format_func=lambda value: tr(f"builder.privacy_{'anonymous' if value else 'named'}"),
        captions=[tr("builder.privacy_named_help"), tr("builder.privacy_anonymous_help")],
    )


def show_problems(problems: list[Problem]) -> None:
    for problem in problems:
        (st.error if problem.blocking else st.warning)(problem.message(lang()))
