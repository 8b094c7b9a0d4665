"""Builder part: preview (the respondent's own HTML), publish, versions, duplicate, archive
(not a page)."""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlmodel import Session

from surveys import formatting
from surveys.builder.checks import blocking
from surveys.builder.composition import (
    archive_survey,
    duplicate_survey,
    preview_definition,
    publish_survey,
    restore_survey,
    version_questions,
)
from surveys.builder.preview import draft_preview_url, render_preview, version_preview_url
from surveys.db import read_session
from surveys.frozen import FrozenSurvey
from surveys.i18n import LANGUAGE_NAMES, TranslatableError
from surveys.models import Survey
from surveys.pages.builder_parts import (
    SURVEY_KEY,
    Loaded,
    catalog_for,
    run_action,
    show_problems,
    text,
)
from surveys.pages.common import choose, context, explained_button, lang, tr


def _publish(*, session: Session, actor: str, survey: Survey) -> Any:
    return publish_survey(session=session, survey=survey, catalog=catalog_for(session), actor=actor)


def _duplicate(survey_id: int) -> None:
    copy_id = run_action(duplicate_survey, "builder.duplicated", survey_id=survey_id)
    if copy_id is not None:
        st.session_state[SURVEY_KEY] = copy_id


def show_preview(loaded: Loaded) -> None:
    """The survey as respondents will get it: the answer page's own HTML, section by section.
    The buttons and language links inside the preview page through it on the preview route."""
    versions = {version.number: version for version in loaded.versions}
    sources = {0: tr("builder.preview_draft")} | {
        number: tr("builder.version_label", number=number) for number in reversed(versions)
    }
    key = f"builder_preview_{loaded.survey.id}"
    source_col, language_col, section_col = st.columns(3)
    source = choose(
        source_col,
        tr("builder.preview_source"),
        list(sources),
        f"{key}_source",
        sources.__getitem__,
    )
    try:
        definition = (
            preview_definition(loaded.survey, catalog=loaded.catalog)
            if source == 0
            else versions[source].definition
        )
    except TranslatableError as error:
        st.warning(error.message(lang()))
        return
    url = (
        draft_preview_url(loaded.survey.id)
        if source == 0
        else version_preview_url(versions[source].id)
    )
    language = language_col.radio(
        tr("builder.preview_language"),
        definition["languages"],
        key=f"{key}_language",
        horizontal=True,
        format_func=LANGUAGE_NAMES.__getitem__,
    )
    sections = FrozenSurvey(definition).sections()
    index = choose(
        section_col,
        tr("builder.preview_section"),
        range(len(sections)),
        f"{key}_section",
        lambda i: f"{i + 1}. {text(sections[i]['title'])}",
    )
    with read_session(context().engine) as session:
        html = render_preview(
            session=session,
            definition=definition,
            language=language,
            section_index=index or 0,
            preview_url=url,
        )
    st.iframe(html, height=900, alt=tr("builder.preview_alt"))
    st.link_button(
        tr("builder.preview_open"),
        f"{url}?lang={language}&section={index or 0}",
        icon=":material/open_in_new:",
    )


def _versions_table(loaded: Loaded) -> None:
    rows = [
        {
            "version": version.number,
            "published_at": formatting.moment(version.published_at, lang()),
            "published_by": version.published_by,
            "questions": len(version_questions(version.definition)),
            "anonymous": tr("builder.answer_yes") if version.anonymous else tr("builder.answer_no"),
        }
        for version in reversed(loaded.versions)
    ]
    st.dataframe(
        [{tr(f"builder.columns.{name}"): value for name, value in row.items()} for row in rows],
        hide_index=True,
        key=f"builder_versions_{loaded.survey.id}",
    )


def show_publication(loaded: Loaded) -> None:
    survey, versions = loaded.survey, loaded.versions
    archived = survey.status == "archived"
    if versions:
        last = versions[-1]
        st.markdown(
            tr(
                "builder.last_version",
                number=last.number,
                date=formatting.day(last.published_at, lang()),
            )
        )
    st.markdown(
        tr("builder.draft_changed")
        if loaded.changed and versions
        else tr("builder.draft_same")
        if versions
        else tr("builder.never_published")
    )
    show_problems(loaded.problems)
    next_number = (versions[-1].number if versions else 0) + 1
    st.button(
        tr("builder.publish", number=next_number),
        type="primary",
        key=f"builder_publish_{survey.id}",
        help=tr("builder.publish_help"),
        disabled=archived or not loaded.changed or bool(blocking(loaded.problems)),
        on_click=run_action,
        args=(_publish, "builder.published"),
        kwargs={"survey_id": survey.id},
    )
    if versions:
        _versions_table(loaded)
    st.divider()
    left, right = st.columns(2)
    explained_button(
        left, "builder.duplicate", f"builder_duplicate_{survey.id}", _duplicate, survey.id
    )
    action, label = (
        (restore_survey, "builder.restore") if archived else (archive_survey, "builder.archive")
    )
    explained_button(
        right,
        label,
        f"builder_status_{survey.id}",
        run_action,
        action,
        f"{label}_done",
        survey_id=survey.id,
    )
