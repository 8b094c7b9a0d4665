"""The pure side of the form: sections of a frozen version, parsing and validating a post."""

from __future__ import annotations

from typing import Any

import pytest

from surveys.respondent.form import (
    ANSWER_TEXT_MAX_LENGTH,
    MalformedPost,
    SurveyForm,
    answer_rows,
    answers_from_rows,
    build_form,
    clean_answers,
    first_incomplete_section,
    merge_section,
    normalise_text,
    parse_section,
    parse_urlencoded,
)

TEXT = {"fr": "Question", "en": "Question"}
DEFINITION: dict[str, Any] = {
    "title": {"fr": "Enquête", "en": "Survey"},
    "languages": ["fr", "en"],
    "anonymous": False,
    "sections": [
        {
            "id": "scales",
            "title": {"fr": "Échelles", "en": "Scales"},
            "questions": [
                {"id": "likert", "type": "likert5", "scale": "agreement", "text": TEXT},
                {"id": "nps", "type": "nps", "text": TEXT},
                {"id": "yes-no", "type": "yes_no", "text": TEXT, "required": False},
            ],
        },
        {
            "id": "choices",
            "title": {"fr": "Choix", "en": "Choices"},
            "questions": [
                {
                    "id": "single",
                    "type": "single_choice",
                    "text": TEXT,
                    "options": [
                        {"value": "a", "label": {"fr": "A", "en": "A"}},
                        {"value": "b", "label": {"fr": "B", "en": "B"}},
                    ],
                },
                {
                    "id": "multi",
                    "type": "multi_choice",
                    "text": TEXT,
                    "required": False,
                    "options": [
                        {"value": "x", "label": {"fr": "X", "en": "X"}},
                        {"value": "y", "label": {"fr": "Y", "en": "Y"}},
                        {"value": "z", "label": {"fr": "Z", "en": "Z"}},
                    ],
                },
                {"id": "comment", "type": "text", "text": TEXT, "required": False},
            ],
        },
    ],
}


@pytest.fixture
def form() -> SurveyForm:
    return build_form(DEFINITION)


def test_sections_become_pages_in_order_with_their_questions(form: SurveyForm) -> None:
    assert [section.id for section in form.sections] == ["scales", "choices"]
    assert [q.id for q in form.sections[1].questions] == ["single", "multi", "comment"]
    assert form.question("nps").choice_values == tuple(str(n) for n in range(11))
    assert form.question("likert").choices[0].label("en") == "Strongly disagree"


def test_text_questions_are_optional_by_default_and_capped_at_the_column_size() -> None:
    definition = {
        "sections": [
            {
                "id": "s",
                "title": TEXT,
                "questions": [{"id": "t", "type": "text", "text": TEXT, "max_length": 20_000}],
            }
        ]
    }
    question = build_form(definition).question("t")
    assert question.required is False
    assert question.max_length == ANSWER_TEXT_MAX_LENGTH == 5000


@pytest.mark.parametrize(
    ("section", "fields", "expected"),
    [
        (0, [("q.likert", "4"), ("q.nps", "10")], {"likert": 4, "nps": 10}),
        (
            0,
            [("q.likert", "1"), ("q.nps", "0"), ("q.yes-no", "no")],
            {"likert": 1, "nps": 0, "yes-no": "no"},
        ),
        (0, [("q.likert", ""), ("guard", "x"), ("section", "0")], {}),
        (
            1,
            [("q.single", "b"), ("q.multi", "z"), ("q.multi", "x")],
            {"single": "b", "multi": ["x", "z"]},
        ),
        (1, [("q.comment", "  Bien.\r\nMerci  ")], {"comment": "Bien.\nMerci"}),
    ],
)
def test_a_posted_section_gives_typed_answers(
    form: SurveyForm, section: int, fields: list, expected: dict
) -> None:
    parsed = parse_section(form, section, fields)
    assert parsed.answers == expected and parsed.errors == ()


@pytest.mark.parametrize(
    ("section", "fields", "key"),
    [
        (0, [("q.single", "a")], "respondent.errors.unknown_question"),
        (0, [("q.nobody", "1")], "respondent.errors.unknown_question"),
        (0, [("q.likert", "6")], "respondent.errors.invalid_value"),
        (0, [("q.likert", "0")], "respondent.errors.invalid_value"),
        (0, [("q.nps", "11")], "respondent.errors.invalid_value"),
        (0, [("q.nps", "-1")], "respondent.errors.invalid_value"),
        (0, [("q.nps", "7.5")], "respondent.errors.invalid_value"),
        (0, [("q.likert", "3"), ("q.likert", "4")], "respondent.errors.invalid_value"),
        (0, [("q.yes-no", "maybe")], "respondent.errors.invalid_value"),
        (1, [("q.single", "c")], "respondent.errors.invalid_value"),
        (1, [("q.multi", "x"), ("q.multi", "x")], "respondent.errors.invalid_value"),
        (1, [("q.multi", "w")], "respondent.errors.invalid_value"),
        (1, [("q.comment", "a"), ("q.comment", "b")], "respondent.errors.invalid_value"),
        (2, [], "respondent.errors.invalid_section"),
        (-1, [], "respondent.errors.invalid_section"),
    ],
)
def test_forged_posts_are_refused_as_a_whole(
    form: SurveyForm, section: int, fields: list, key: str
) -> None:
    with pytest.raises(MalformedPost) as refused:
        parse_section(form, section, fields)
    assert refused.value.key == key
    assert "Rien n'a été enregistré" in refused.value.message("fr") or section in (2, -1)


def test_a_text_over_its_limit_is_a_field_error_that_keeps_the_text(form: SurveyForm) -> None:
    long_text = "é" * (ANSWER_TEXT_MAX_LENGTH + 1)
    parsed = parse_section(form, 1, [("q.comment", long_text)])
    assert parsed.answers["comment"] == long_text
    [error] = parsed.errors
    assert error.question_id == "comment" and error.key == "respondent.errors.too_long"
    assert error.params == {"limit": 5000, "length": 5001}


def test_browser_line_breaks_count_once_so_a_text_at_the_limit_passes(form: SurveyForm) -> None:
    text = ("a" * 99 + "\r\n") * 50  # 5,000 characters as the browser counts them
    parsed = parse_section(form, 1, [("q.comment", text)])
    assert parsed.errors == () and len(parsed.answers["comment"]) == 4999  # trailing \n stripped


def test_invisible_control_characters_are_removed_but_html_is_kept_verbatim() -> None:
    assert normalise_text("a\x00b\x07c\td") == "abc\td"
    assert normalise_text("<script>alert(1)</script>") == "<script>alert(1)</script>"


def test_required_questions_are_reported_section_by_section(form: SurveyForm) -> None:
    index, errors = first_incomplete_section(form, {"likert": 3})
    assert index == 0 and [e.question_id for e in errors] == ["nps"]
    index, errors = first_incomplete_section(form, {"likert": 3, "nps": 9})
    assert index == 1 and [e.question_id for e in errors] == ["single"]
    assert first_incomplete_section(form, {"likert": 3, "nps": 9, "single": "a"}) is None


def test_saving_a_section_replaces_only_that_sections_answers(form: SurveyForm) -> None:
    stored = {"likert": 2, "nps": 5, "yes-no": "yes", "single": "a"}
    merged = merge_section(form, 0, stored, {"likert": 4, "nps": 5})
    assert merged == {"likert": 4, "nps": 5, "single": "a"}  # yes-no cleared, single kept


def test_stored_answers_are_cleaned_against_the_version(form: SurveyForm) -> None:
    dirty = {"likert": 9, "nps": 3, "gone": "x", "multi": ["x", "nope"], "comment": ""}
    assert clean_answers(form, dirty) == {"nps": 3}


def test_answer_rows_store_numbers_for_scales_and_one_row_per_option(form: SurveyForm) -> None:
    answers = {
        "likert": 4,
        "nps": 9,
        "yes-no": "yes",
        "single": "b",
        "multi": ["x", "z"],
        "comment": "<b>Très bien</b>",
    }
    rows = answer_rows(form, answers)
    assert [(r["question_id"], r["number"], r["text"]) for r in rows] == [
        ("likert", 4.0, None),
        ("nps", 9.0, None),
        ("yes-no", None, "yes"),
        ("single", None, "b"),
        ("multi", None, "x"),
        ("multi", None, "z"),
        ("comment", None, "<b>Très bien</b>"),
    ]
    back = answers_from_rows(form, [(r["question_id"], r["number"], r["text"]) for r in rows])
    assert back == answers


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"q.likert=4", "multipart/form-data; boundary=x"),
        (b"q.likert=%FF", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "application/x-www-form-urlencoded"),
        (b"&".join(b"f%d=1" % n for n in range(600)), "application/x-www-form-urlencoded"),
    ],
)
def test_bodies_no_browser_form_sends_are_malformed(body: bytes, content_type: str) -> None:
    with pytest.raises(MalformedPost):
        parse_urlencoded(body, content_type)


def test_a_browser_form_body_is_parsed_with_blank_values_kept() -> None:
    fields = parse_urlencoded(b"q.a=1&q.b=&lang=fr", "application/x-www-form-urlencoded")
    assert fields == [("q.a", "1"), ("q.b", ""), ("lang", "fr")]
