"""Broken bank and template files are refused with messages naming file, question and field."""

from pathlib import Path

import pytest
import yaml

from question_banks import BankError, check_files, load_bank, load_catalog
from question_banks.checker import check_bank_file
from tests.support.banks import template_data

BROKEN_QUESTIONS = [
    pytest.param({"type": "slider"}, "type", "unknown type 'slider'", id="unknown type"),
    pytest.param({"type": None}, "type", "missing type", id="empty type"),
    pytest.param({"text": {"en": "Hello?"}}, "text.fr", "missing French text", id="missing fr"),
    pytest.param({"text": {"fr": "Bonjour ?"}}, "text.en", "missing English text", id="missing en"),
    pytest.param(
        {"text": {"fr": "Bonjour ?", "en": "  "}},
        "text.en",
        "missing English text",
        id="empty en",
    ),
    pytest.param(
        {"type": "single_choice"},
        "options",
        "a choice question needs at least 2 options",
        id="choice question without options",
    ),
    pytest.param(
        {"audiences": ["learner", "manager"]},
        "audiences",
        "unknown audience 'manager'",
        id="unknown audience",
    ),
    pytest.param({"audiences": []}, "audiences", "must not be empty", id="no audience"),
    pytest.param(
        {"timings": ["hot", "later"]}, "timings", "unknown timing 'later'", id="unknown timing"
    ),
    pytest.param({"indicators": [30, 33]}, "indicators", "unknown indicator 33", id="indicator"),
    pytest.param({"scale": "stars"}, "scale", "unknown scale 'stars'", id="unknown likert scale"),
    pytest.param({"audience": ["learner"]}, "audience", "unknown field", id="misspelt field name"),
    pytest.param(
        {"type": "yes_no", "scale": "ease"},
        "scale",
        "unknown field for a yes_no question",
        id="field of another type",
    ),
    pytest.param(
        {
            "type": "single_choice",
            "options": [{"value": "no", "label": {"fr": "Non", "en": False}}],
        },
        "options[0].label.en",
        "YAML read False",
        id="yaml boolean instead of text",
    ),
]


@pytest.mark.parametrize(("fields", "field", "message"), BROKEN_QUESTIONS)
def test_a_broken_question_is_refused_naming_file_question_and_field(
    write_bank, question_data, fields, field, message
):
    path = write_bank("demo", [question_data(id="lms-nav", **fields)])
    bank, problems = check_bank_file(path)
    assert bank is None
    assert [(Path(p.file).name, p.question, p.field) for p in problems] == [
        ("demo.yaml", "lms-nav", field)
    ]
    assert message in problems[0].message
    assert str(problems[0]).endswith(f"question 'lms-nav' field '{field}': {problems[0].message}")


def test_a_question_without_type_is_refused(write_bank, question_data):
    typeless = question_data()
    del typeless["type"]
    problems = check_files([write_bank("demo", [typeless])])
    assert [(p.question, p.field) for p in problems] == [("demo-question", "type")]
    assert problems[0].message.startswith("missing type")


def test_load_bank_raises_a_bank_error_listing_every_problem(write_bank, question_data):
    path = write_bank("demo", [question_data(type="slider"), question_data(id="q2", timings=[])])
    with pytest.raises(BankError) as raised:
        load_bank(path)
    assert [(p.question, p.field) for p in raised.value.problems] == [
        ("demo-question", "type"),
        ("q2", "timings"),
    ]
    assert "demo.yaml: question 'demo-question' field 'type': unknown type" in str(raised.value)


def test_a_question_without_id_is_named_by_its_position(write_bank, question_data):
    nameless = question_data()
    del nameless["id"]
    path = write_bank("demo", [question_data(), nameless])
    assert [(p.question, p.field, p.message) for p in check_files([path])] == [
        ("#2", "id", "missing required field")
    ]


def test_a_duplicate_id_within_a_file_is_refused(write_bank, question_data):
    path = write_bank("demo", [question_data(), question_data(type="nps")])
    problems = check_files([path])
    assert [(p.question, p.field) for p in problems] == [("demo-question", "id")]
    assert "duplicate id" in problems[0].message
    assert "#1" in problems[0].message


def test_a_duplicate_id_across_files_names_both_files(write_bank, question_data):
    first = write_bank("first", [question_data()])
    second = write_bank("second", [question_data(type="yes_no")])
    problems = check_files([first, second])
    assert len(problems) == 1
    assert problems[0].file.endswith("second.yaml")
    assert problems[0].question == "demo-question"
    assert "duplicate id" in problems[0].message
    assert "first.yaml" in problems[0].message


def test_a_shipped_question_id_reused_in_a_new_bank_is_refused(write_bank, question_data):
    reused = load_catalog().questions[0].id
    bank_dir = Path(__file__).parents[2] / "question_banks" / "banks"
    new = write_bank("zz_new", [question_data(id=reused)])
    problems = check_files([*sorted(bank_dir.glob("*.yaml")), new])
    assert [(Path(p.file).name, p.question) for p in problems] == [("zz_new.yaml", reused)]


def test_a_yaml_syntax_error_is_reported_with_its_line(write_bank):
    raw = "bank: demo\nquestions:\n  - id: a\n    text: {fr: 'a', en: b\n  - id: b\n"
    problems = check_files([write_bank("demo", raw=raw)])
    assert len(problems) == 1
    assert problems[0].question is None
    assert "YAML syntax error at line 5" in problems[0].message
    assert "line 4" in problems[0].message  # where the unclosed mapping starts


@pytest.mark.parametrize(
    ("raw", "found"),
    [("- a\n- b\n", "a list"), ("just words\n", "a str"), ("", "nothing (empty file)")],
    ids=["a list", "a scalar", "an empty file"],
)
def test_a_file_that_is_not_a_mapping_is_refused(write_bank, raw, found):
    problems = check_files([write_bank("demo", raw=raw)])
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        f"the file must be a mapping, found {found}"
    ]


def test_the_bank_id_must_be_the_file_name(write_bank, question_data):
    path = write_bank("demo", [question_data()])
    path.write_text(path.read_text().replace("bank: demo", "bank: other"))
    problems = check_files([path])
    assert [(p.field, p.message) for p in problems] == [
        ("bank", "the bank id must be the file name 'demo', found 'other'")
    ]


def test_a_question_may_not_claim_another_theme_than_its_bank(write_bank, question_data):
    problems = check_files([write_bank("demo", [question_data(theme="elsewhere")])])
    assert [(p.question, p.field) for p in problems] == [("demo-question", "theme")]


def write_template(directory: Path, **changes) -> Path:
    template = template_data(**changes)
    path = directory / "templates" / f"{template['id']}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(template, allow_unicode=True), encoding="utf-8")
    return path


def test_a_valid_template_checks_against_the_shipped_banks(tmp_path):
    assert check_files([write_template(tmp_path)]) == []


def test_a_template_referring_to_an_unknown_question_is_refused(tmp_path):
    text = {"fr": "Texte", "en": "Text"}
    sections = [{"id": "main", "title": text, "questions": ["free-liked-most", "no-such-question"]}]
    problems = check_files([write_template(tmp_path, sections=sections)])
    assert [(p.question, p.field, p.message) for p in problems] == [
        ("no-such-question", "sections.main", "unknown question id")
    ]


def test_a_template_question_that_does_not_suit_its_audience_and_timing_is_refused(tmp_path):
    problems = check_files(
        [write_template(tmp_path, audience="company", timing="cold", offset_days=90)]
    )
    assert [(p.question, p.field) for p in problems] == [
        ("overall-satisfaction", "sections.main"),
        ("free-liked-most", "sections.main"),
    ]
    assert "does not suit a company survey at timing cold" in problems[0].message


def test_a_template_without_free_text_is_refused(tmp_path):
    text = {"fr": "Texte", "en": "Text"}
    sections = [{"id": "main", "title": text, "questions": ["overall-satisfaction"]}]
    problems = check_files([write_template(tmp_path, sections=sections)])
    assert [p.field for p in problems] == ["sections"]
    assert "free-text" in problems[0].message
