"""Builder part: the survey's sections and questions: order, required, remove (not a page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from surveys.builder import drafts
from surveys.builder.composition import change_draft
from surveys.i18n import SUPPORTED_LANGUAGES
from surveys.pages.builder_parts import Loaded, run_action, text, text_inputs
from surveys.pages.common import explained_button, lang, tr


def edit(survey_id: int, change: Callable[..., Any], *args: Any) -> None:
    """Button callback: apply one pure draft change to the saved draft."""
    run_action(change_draft, survey_id=survey_id, change=lambda draft: change(draft, *args))


def _rename(survey_id: int, section_id: str, key: str) -> None:
    title = {language: st.session_state[f"{key}_{language}"] for language in SUPPORTED_LANGUAGES}
    edit(survey_id, drafts.rename_section, section_id, title)


def _required_changed(survey_id: int, question_id: str, key: str) -> None:
    edit(survey_id, drafts.set_required, question_id, st.session_state[key])


def _controls(
    columns: list[Any],
    survey_id: int,
    key: str,
    item_id: str,
    move: Callable[[dict[str, Any], str, int], dict[str, Any]],
    remove: Callable[[dict[str, Any], str], dict[str, Any]],
) -> None:
    """Up, down and remove buttons for a question or a section (`move` and `remove`: the
    draft functions of `surveys.builder.drafts`, given the draft and the item's id)."""
    specs = (
        ("↑", "move_up", (move, item_id, -1)),
        ("↓", "move_down", (move, item_id, 1)),
        ("✕", "remove", (remove, item_id)),
    )
    for column, (icon, name, change) in zip(columns, specs, strict=True):
        column.button(
            icon,
            key=f"{key}_{name}",
            help=tr(f"builder.{name}"),
            on_click=edit,
            args=(survey_id, *change),
        )


def _question_row(loaded: Loaded, entry: dict[str, Any]) -> None:
    survey_id, question_id = loaded.survey.id, entry["id"]
    question = loaded.catalog.get(question_id)
    key = f"builder_q_{survey_id}_{question_id}"
    wording, required, *moves = st.columns([12, 3, 1, 1, 1], vertical_alignment="center")
    if question is None:
        wording.markdown(tr("builder.unknown_question", question=question_id))
    else:
        kind = tr(f"banks.types.{question.type}")
        wording.markdown(f"{question.text.get(lang())}  \n:gray[{kind} · {question_id}]")
    required.checkbox(
        tr("builder.required"),
        value=drafts.entry_required(entry, question),
        key=f"{key}_required",
        on_change=_required_changed,
        args=(survey_id, question_id, f"{key}_required"),
    )
    _controls(moves, survey_id, key, question_id, drafts.move_question, drafts.remove_question)


def _section(loaded: Loaded, number: int, section: dict[str, Any]) -> None:
    survey_id, section_id = loaded.survey.id, section["id"]
    key = f"builder_s_{survey_id}_{section_id}"
    with st.container(border=True):
        heading, *moves = st.columns([15, 1, 1, 1], vertical_alignment="center")
        title = text(section["title"]) or tr("builder.untitled_section")
        heading.markdown(
            f"**{number}. {title}** · "
            f"{tr('builder.question_count', count=len(section['questions']))}"
        )
        _controls(moves, survey_id, key, section_id, drafts.move_section, drafts.remove_section)
        with st.expander(tr("builder.rename_section")):
            text_inputs("builder.section_title", section["title"], f"{key}_title")
            st.button(
                tr("builder.save"),
                key=f"{key}_rename",
                on_click=_rename,
                args=(survey_id, section_id, f"{key}_title"),
            )
        for entry in section["questions"]:
            _question_row(loaded, entry)


def show_sections(loaded: Loaded) -> None:
    draft, survey_id = loaded.survey.draft, loaded.survey.id
    if not draft["sections"]:
        st.info(tr("builder.no_questions_yet"))
    for number, section in enumerate(draft["sections"], start=1):
        _section(loaded, number, section)
    left, right = st.columns(2)
    explained_button(
        left,
        "builder.group_by_theme",
        f"builder_group_{survey_id}",
        edit,
        survey_id,
        lambda d: drafts.group_by_theme(d, loaded.catalog),
    )
    with right.popover(tr("builder.add_section")):
        text_inputs("builder.section_title", None, f"builder_new_section_{survey_id}")
        st.button(
            tr("builder.add_section"),
            key=f"builder_add_section_{survey_id}",
            on_click=_add_section,
            args=(survey_id,),
        )


def _add_section(survey_id: int) -> None:
    key = f"builder_new_section_{survey_id}"
    title = {language: st.session_state[f"{key}_{language}"] for language in SUPPORTED_LANGUAGES}
    edit(survey_id, drafts.add_section, title)
