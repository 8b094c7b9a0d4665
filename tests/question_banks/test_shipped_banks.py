"""Every shipped bank and template loads, and together they cover what an auditor expects."""

import ast
from collections import Counter

import pytest

from question_banks import (
    AUDIENCE_TIMINGS,
    BANKS_DIR,
    TEMPLATES_DIR,
    get_template,
    load_bank,
    load_catalog,
    load_templates,
)

BANK_FILES = sorted(BANKS_DIR.glob("*.yaml"))
MULTIMODAL_THEMES = {
    "lms_ergonomics",
    "accessibility",
    "technical_support",
    "virtual_classroom",
    "trainer_digital_mastery",
}
CORE_BANKS = {
    "overall_satisfaction",
    "content_pace",
    "organisation_information",
    "recommendation",
    "free_expression",
    "transfer_to_work",
    "company_view",
    "financer_view",
    "teaching_team_view",
}
# template id -> (audience, timing, offset_days)
TEMPLATES = {
    "learner_hot": ("learner", "hot", 0),
    "learner_cold": ("learner", "cold", 90),
    "learner_cold_skills_assessment": ("learner", "cold", 180),
    "company_cold": ("company", "cold", 90),
    "trainer_debrief": ("trainer", "hot", 0),
    "financer_annual": ("financer", "annual", None),
}


@pytest.mark.parametrize("path", BANK_FILES, ids=[path.stem for path in BANK_FILES])
def test_every_shipped_bank_loads_and_its_id_is_its_file_name(path):
    bank = load_bank(path)
    assert bank.id == path.stem
    assert {question.bank for question in bank.questions} == {path.stem}
    assert {question.theme for question in bank.questions} == {bank.theme.id}


def test_the_banks_include_the_five_multimodal_themes_and_the_core():
    catalog = load_catalog()
    assert {theme.id for theme in catalog.themes if theme.multimodal} == MULTIMODAL_THEMES
    assert {path.stem for path in BANK_FILES} >= MULTIMODAL_THEMES | CORE_BANKS


def test_the_catalog_holds_roughly_90_to_130_questions():
    assert 90 <= len(load_catalog()) <= 135


def test_cold_learner_surveys_ask_what_was_applied_at_work():
    cold_transfer = load_catalog().filter(
        theme="transfer_to_work", audience="learner", timing="cold"
    )
    assert len(cold_transfer) >= 3


def test_questions_on_support_and_bugs_serve_indicator_31():
    indicator_31 = {question.id for question in load_catalog().filter(indicator=31)}
    assert {"support-responsiveness", "support-bug-resolution-ease"} <= indicator_31


def test_the_loader_finds_exactly_the_six_templates_and_the_dropout_survey():
    # The dropout survey is short on purpose (3 questions): it is not one of the six
    # satisfaction templates the tests below hold to 10-20 questions.
    shipped = {*TEMPLATES, "learner_dropout"}
    assert {template.id for template in load_templates()} == shipped
    assert {path.stem for path in TEMPLATES_DIR.glob("*.yaml")} == shipped


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_each_template_has_10_to_20_questions_including_free_text(template_id):
    template = get_template(template_id)
    questions = load_catalog().select(template.question_ids)
    assert 10 <= len(questions) <= 20
    assert Counter(question.type for question in questions)["text"] >= 1


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_each_template_targets_its_audience_timing_and_offset(template_id):
    template = get_template(template_id)
    assert (template.audience, template.timing, template.offset_days) == TEMPLATES[template_id]
    for question in load_catalog().select(template.question_ids):
        assert question.suits(template.audience, template.timing), question.id


def test_an_unknown_template_id_raises_key_error():
    with pytest.raises(KeyError):
        get_template("no_such_template")


def test_every_audience_is_surveyed_at_each_timing_that_applies_to_it():
    assert AUDIENCE_TIMINGS["learner"] == ("hot", "cold")
    assert AUDIENCE_TIMINGS["financer"] == ("annual",)
    assert "cold" in AUDIENCE_TIMINGS["company"]
    assert "hot" in AUDIENCE_TIMINGS["trainer"]


def test_question_banks_is_a_leaf_package_that_never_imports_streamlit():
    forbidden = {"streamlit", "surveys", "reminders", "analysis"}
    package_dir = BANKS_DIR.parent
    for module in package_dir.glob("*.py"):  # pages/ belongs to the UI, not to the domain
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not {name.split(".")[0] for name in names} & forbidden, module.name
