"""Custom questions: same schema as the banks, and a meaning frozen once answered."""

from __future__ import annotations

import pytest

from surveys.builder.custom_questions import (
    CustomQuestionError,
    create_custom_question,
    edit_custom_question,
    full_catalog,
    list_custom_questions,
)
from surveys.db import write_session
from surveys.runtime import AppContext
from tests import factories

QUESTION = {
    "type": "likert5",
    "theme": "lms_ergonomics",
    "text": {
        "fr": "Les tutoriels vidéo vous ont-ils aidé ?",
        "en": "Did the video tutorials help?",
    },
    "audiences": ["learner"],
    "timings": ["hot"],
}


def test_a_custom_question_joins_the_catalog_beside_the_banks(context: AppContext) -> None:
    with write_session(context.engine) as session:
        question = create_custom_question(session=session, data=QUESTION, actor="q@example.org")
        catalog = full_catalog(session=session)
    assert question.id == "custom-les-tutoriels-video-vous-ont-ils-aide"
    assert catalog.get(question.id).text.en == "Did the video tutorials help?"
    assert len(catalog) > 100  # the bank questions are still there


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": {"fr": "Sans anglais", "en": ""}}, "text.en"),
        ({"type": "sliders"}, "type"),
        ({"type": "single_choice"}, "options"),
        ({"audiences": ["investor"]}, "audiences"),
    ],
)
def test_invalid_custom_questions_are_refused_naming_the_field(
    sqlite_context: AppContext, change: dict, field: str
) -> None:
    with (
        write_session(sqlite_context.engine) as session,
        pytest.raises(CustomQuestionError) as caught,
    ):
        create_custom_question(session=session, data={**QUESTION, **change}, actor="q")
    assert any(f"'{field}" in problem for problem in caught.value.problems), caught.value.problems


def test_editing_an_unanswered_question_keeps_its_id(context: AppContext) -> None:
    with write_session(context.engine) as session:
        question = create_custom_question(session=session, data=QUESTION, actor="q")
        edited = edit_custom_question(
            session=session,
            question_id=question.id,
            actor="q",
            data={**QUESTION, "text": {"fr": "Tutoriels utiles ?", "en": "Useful tutorials?"}},
        )
        assert edited.id == question.id
        assert full_catalog(session=session).get(question.id).text.fr == "Tutoriels utiles ?"


def test_editing_an_answered_question_creates_a_new_one(context: AppContext) -> None:
    with write_session(context.engine) as session:
        question = create_custom_question(session=session, data=QUESTION, actor="q")
        factories.answered(session, question.id, number=5)
        edited = edit_custom_question(
            session=session,
            question_id=question.id,
            actor="q",
            data={**QUESTION, "text": {"fr": "Autre sens ?", "en": "Another meaning?"}},
        )
        assert edited.id != question.id
        catalog = full_catalog(session=session)
        assert catalog.get(question.id).text.fr == QUESTION["text"]["fr"]  # old meaning kept
        assert [q.id for q in list_custom_questions(session=session)] == [edited.id]
