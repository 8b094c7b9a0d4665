"""The question schema: answer choices, defaults, and validation of a single question."""

import pytest

from question_banks import (
    LIKERT_SCALES,
    BankProblem,
    QuestionCatalog,
    choices,
    validate_question,
)
from question_banks.schema import LIKERT_SCALE_NAMES, SurveyTemplate
from tests.support.banks import TEXT, template_data

SATISFACTION_FR = [
    "Pas du tout satisfait",
    "Peu satisfait",
    "Moyennement satisfait",
    "Satisfait",
    "Très satisfait",
]


@pytest.fixture
def question_data(question_data):
    """Questions as typed in the custom question form, which name their theme."""
    return lambda **fields: question_data(**{"theme": "demo", **fields})


def valid(data: dict):
    question, problems = validate_question(data)
    assert problems == []
    assert question is not None
    return question


def test_every_named_likert_scale_has_five_labels_in_both_languages():
    assert set(LIKERT_SCALES) == set(LIKERT_SCALE_NAMES)
    for labels in LIKERT_SCALES.values():
        assert len(labels) == 5
        assert all(fr.strip() and en.strip() for fr, en in labels)


@pytest.mark.parametrize("scale", LIKERT_SCALE_NAMES)
def test_likert_choices_are_values_1_to_5_labelled_with_words(question_data, scale):
    question = valid(question_data(scale=scale))
    answer_choices = choices(question)
    assert [choice.value for choice in answer_choices] == [1, 2, 3, 4, 5]
    for choice in answer_choices:
        assert not any(char.isdigit() for char in choice.fr + choice.en)
        assert choice.fr != choice.en


def test_the_default_likert_scale_is_satisfaction_with_the_usual_french_words(question_data):
    question = valid(question_data())
    assert [choice.fr for choice in choices(question)] == SATISFACTION_FR
    assert choices(question)[4].label("en") == "Very satisfied"


def test_the_agreement_and_ease_scales_run_from_the_negative_to_the_positive(question_data):
    agreement = choices(valid(question_data(scale="agreement")))
    ease = choices(valid(question_data(scale="ease")))
    assert (agreement[0].fr, agreement[-1].fr) == ("Pas du tout d'accord", "Tout à fait d'accord")
    assert (ease[0].fr, ease[-1].fr) == ("Très difficile", "Très facile")


def test_nps_choices_are_0_to_10_with_words_at_both_ends(question_data):
    answer_choices = choices(valid(question_data(type="nps")))
    assert [choice.value for choice in answer_choices] == list(range(11))
    assert "Pas du tout probable" in answer_choices[0].fr
    assert "likely" in answer_choices[10].en
    assert answer_choices[5].fr == "5"


def test_yes_no_choices_are_yes_and_no_labelled_oui_non(question_data):
    answer_choices = choices(valid(question_data(type="yes_no")))
    assert [tuple(choice) for choice in answer_choices] == [
        ("yes", "Oui", "Yes"),
        ("no", "Non", "No"),
    ]


def test_choice_question_choices_are_its_options(question_data):
    options = [
        {"value": "too_slow", "label": {"fr": "Trop lent", "en": "Too slow"}},
        {"value": "too_fast", "label": {"fr": "Trop rapide", "en": "Too fast"}},
    ]
    question = valid(question_data(type="multi_choice", options=options))
    assert [tuple(choice) for choice in choices(question)] == [
        ("too_slow", "Trop lent", "Too slow"),
        ("too_fast", "Trop rapide", "Too fast"),
    ]


def test_a_text_question_has_no_choices_and_5000_characters_by_default(question_data):
    question = valid(question_data(type="text"))
    assert choices(question) == []
    assert question.max_length == 5000


@pytest.mark.parametrize(
    ("question_type", "required"),
    [("likert5", True), ("nps", True), ("yes_no", True), ("text", False)],
)
def test_required_defaults_to_true_except_for_free_text(question_data, question_type, required):
    assert valid(question_data(type=question_type)).required is required


def test_validate_question_refuses_an_id_the_catalog_already_has(question_data):
    existing = valid(question_data())
    question, problems = validate_question(question_data(), catalog=QuestionCatalog([existing]))
    assert question is None
    assert [(p.question, p.field) for p in problems] == [("demo-question", "id")]


@pytest.mark.parametrize(
    ("bad_id", "reason"),
    [("Demo", "uppercase"), ("demo question", "space"), ("demo--q", "double dash"), ("", "empty")],
)
def test_validate_question_refuses_an_id_that_is_not_a_slug(question_data, bad_id, reason):
    question, problems = validate_question(question_data(id=bad_id))
    assert question is None, reason
    assert [p.field for p in problems] == ["id"]


def test_a_bank_problem_reads_file_question_field_then_message():
    problem = BankProblem("banks/x.yaml", "lms-nav", "text.en", "missing English text")
    assert str(problem) == "banks/x.yaml: question 'lms-nav' field 'text.en': missing English text"
    assert str(BankProblem(None, "#3", "type", "missing type")) == (
        "question #3 field 'type': missing type"
    )
    assert (
        str(BankProblem("x.yaml", None, None, "the file is empty")) == "x.yaml: the file is empty"
    )


@pytest.mark.parametrize(
    ("timing", "offset_days", "accepted"),
    [
        ("hot", 0, True),
        ("hot", 3, False),
        ("cold", 90, True),
        ("cold", 0, False),
        ("cold", None, False),
        ("annual", None, True),
        ("annual", 365, False),
    ],
)
def test_a_template_offset_must_fit_its_timing(timing, offset_days, accepted):
    sections = [{"id": "main", "title": TEXT, "questions": ["demo-question"]}]
    data = template_data(id="demo", timing=timing, offset_days=offset_days, sections=sections)
    try:
        SurveyTemplate.model_validate(data)
        refused = False
    except ValueError:
        refused = True
    assert refused is not accepted
