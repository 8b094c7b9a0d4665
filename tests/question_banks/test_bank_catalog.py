"""The catalog: lookups, filters, accent-insensitive search and extension by custom questions."""

import pytest

from question_banks import DuplicateQuestionError, load_catalog, validate_question


@pytest.fixture
def catalog():
    return load_catalog()


def custom(**fields):
    data = {
        "id": "custom-coffee",
        "type": "yes_no",
        "theme": "organisation_information",
        "bank": "custom",
        "text": {"fr": "Le café était-il bon ?", "en": "Was the coffee good?"},
        "audiences": ["learner"],
        "timings": ["hot"],
        **fields,
    }
    question, problems = validate_question(data)
    assert problems == []
    return question


def test_questions_come_in_bank_then_file_order(catalog):
    banks = [question.bank for question in catalog]
    assert banks == sorted(banks)
    assert catalog.questions[0].id == "access-readable-content"


def test_get_returns_the_question_or_none(catalog):
    assert catalog.get("reco-nps").type == "nps"
    assert catalog.get("no-such-question") is None
    assert "reco-nps" in catalog


@pytest.mark.parametrize(
    ("criteria", "expected_id"),
    [
        ({"theme": "financer_view"}, "financer-overall"),
        ({"audience": "company", "timing": "cold"}, "company-skills-observed"),
        ({"indicator": 31}, "support-bug-resolution-ease"),
        ({"text": "réactivité"}, "support-responsiveness"),
        ({"text": "REACTIVITE assistance"}, "support-responsiveness"),
        ({"text": "breakout rooms"}, "vc-tools-used"),
        ({"text": "sous-groupes", "audience": "trainer"}, "vc-tools-used"),
    ],
)
def test_filter_finds_questions_by_criteria_and_by_words_in_either_language(
    catalog, criteria, expected_id
):
    found = catalog.filter(**criteria)
    assert expected_id in [question.id for question in found]


def test_filter_excludes_questions_that_do_not_match_every_criterion(catalog):
    found = catalog.filter(theme="financer_view", timing="hot")
    assert found == []


def test_with_extra_returns_a_new_catalog_holding_custom_questions(catalog):
    extended = catalog.with_extra([custom()])
    assert extended.get("custom-coffee").bank == "custom"
    assert len(extended) == len(catalog) + 1
    assert "custom-coffee" not in catalog


def test_with_extra_refuses_an_id_already_in_the_catalog(catalog):
    with pytest.raises(DuplicateQuestionError):
        catalog.with_extra([custom(id="reco-nps")])


def test_select_keeps_the_order_given(catalog):
    ids = ["reco-nps", "overall-satisfaction"]
    assert [question.id for question in catalog.select(ids)] == ids
