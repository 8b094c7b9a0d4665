"""The answer form as pure functions of a frozen survey version (no database, no HTTP).

A version's definition (see `surveys.builder.composition`) becomes a `SurveyForm`: sections as
pages, each question with the answers it accepts. A posted section is parsed against the
questions of that section only; anything a browser could not have sent (an unknown question
id, a value outside the scale, two values for a single-answer question) raises `MalformedPost`,
so nothing is saved; a text over its limit is a field error shown beside the field, also
saving nothing.

Answers are kept as a JSON-friendly dict keyed by question id: scales hold an int, yes/no and
single choices the option value, multi-choices a list of option values, texts a string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from question_banks.scales import Choice
from question_banks.schema import NUMBER_TYPES, SINGLE_VALUE_TYPES, frozen_choices
from surveys.frozen import FrozenSurvey
from surveys.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, TranslatableError

ANSWER_TEXT_MAX_LENGTH = 5000  # the `answer.text` column: no text answer may be longer
EDIT_AFTER_SUBMIT_KEY = "allow_edit_after_submit"  # definition flag: changes until close
FIELD_PREFIX = "q."
# Control characters a person cannot type; NUL is refused by PostgreSQL text columns.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Answers = dict[str, Any]


class MalformedPost(TranslatableError):
    """A posted form no browser could have produced from our page: refused, nothing saved."""


@dataclass(frozen=True)
class FieldError:
    """A problem with one question's answer, shown at the top and beside the field."""

    question_id: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FormQuestion:
    id: str
    type: str
    text: Mapping[str, str]
    help: Mapping[str, str] | None
    required: bool
    choices: tuple[Choice, ...]
    max_length: int

    @property
    def field_name(self) -> str:
        return FIELD_PREFIX + self.id

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(str(choice.value) for choice in self.choices)

    def wording(self, language: str) -> str:
        return localized(self.text, language)

    def help_text(self, language: str) -> str:
        return localized(self.help, language) if self.help else ""


@dataclass(frozen=True)
class FormSection:
    id: str
    title: Mapping[str, str]
    questions: tuple[FormQuestion, ...]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a cache key
class SurveyForm:
    title: Mapping[str, str]
    intro: Mapping[str, str]
    closing: Mapping[str, str]
    languages: tuple[str, ...]
    sections: tuple[FormSection, ...]
    anonymous: bool
    allow_edit_after_submit: bool

    @property
    def questions(self) -> list[FormQuestion]:
        return [question for section in self.sections for question in section.questions]

    def question(self, question_id: str) -> FormQuestion | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def section_index_of(self, question_id: str) -> int:
        for index, section in enumerate(self.sections):
            if any(question.id == question_id for question in section.questions):
                return index
        raise KeyError(question_id)

    def language_or_default(self, language: str | None) -> str:
        return language if language in self.languages else self.languages[0]


def localized(value: Mapping[str, str] | str | None, language: str) -> str:
    """The text in `language`, else French, else whatever language there is."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    return value.get(language) or value.get(DEFAULT_LANGUAGE) or next(iter(value.values()), "")


def _question(raw: Mapping[str, Any]) -> FormQuestion:
    kind = raw["type"]
    limit = min(int(raw.get("max_length") or ANSWER_TEXT_MAX_LENGTH), ANSWER_TEXT_MAX_LENGTH)
    return FormQuestion(
        id=raw["id"],
        type=kind,
        text=raw["text"],
        help=raw.get("help"),
        required=bool(raw.get("required", kind != "text")),
        choices=frozen_choices(raw) if kind != "text" else (),
        max_length=limit,
    )


def build_form(definition: Mapping[str, Any], *, anonymous: bool | None = None) -> SurveyForm:
    """The form of a frozen version (`anonymous` overrides the definition's own flag)."""
    languages = tuple(
        code
        for code in definition.get("languages") or SUPPORTED_LANGUAGES
        if code in SUPPORTED_LANGUAGES
    ) or (DEFAULT_LANGUAGE,)
    sections = tuple(
        FormSection(
            id=section["id"],
            title=section.get("title") or {},
            questions=tuple(_question(question) for question in section["questions"]),
        )
        for section in FrozenSurvey(definition).sections()
    )
    return SurveyForm(
        title=definition.get("title") or {},
        intro=definition.get("intro") or {},
        closing=definition.get("closing") or {},
        languages=languages,
        sections=sections,
        anonymous=bool(definition.get("anonymous", False) if anonymous is None else anonymous),
        allow_edit_after_submit=bool(definition.get(EDIT_AFTER_SUBMIT_KEY, False)),
    )


def normalise_text(value: str) -> str:
    """Line breaks as browsers count them (one character), no invisible control characters."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS.sub("", text).strip()


def _grouped(fields: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in fields:
        if name.startswith(FIELD_PREFIX):
            grouped.setdefault(name[len(FIELD_PREFIX) :], []).append(value)
    return grouped


def _parse_choice(question: FormQuestion, values: list[str]) -> Any:
    if question.type in SINGLE_VALUE_TYPES:
        if len(values) > 1 or values[0] not in question.choice_values:
            raise MalformedPost("respondent.errors.invalid_value")
        return int(values[0]) if question.type in NUMBER_TYPES else values[0]
    if len(set(values)) != len(values) or not set(values) <= set(question.choice_values):
        raise MalformedPost("respondent.errors.invalid_value")
    return [value for value in question.choice_values if value in values]


@dataclass(frozen=True)
class SectionInput:
    """What a posted section says: its answers, and the field errors that block saving it."""

    answers: Answers
    errors: tuple[FieldError, ...] = ()


def parse_section(
    form: SurveyForm, section_index: int, fields: Sequence[tuple[str, str]]
) -> SectionInput:
    """Parse the posted fields of one section (raises `MalformedPost` on forged input)."""
    if not 0 <= section_index < len(form.sections):
        raise MalformedPost("respondent.errors.invalid_section")
    questions = {question.id: question for question in form.sections[section_index].questions}
    grouped = _grouped(fields)
    if set(grouped) - set(questions):
        raise MalformedPost("respondent.errors.unknown_question")
    answers: Answers = {}
    errors: list[FieldError] = []
    for question_id, question in questions.items():
        values = [value for value in grouped.get(question_id, []) if value != ""]
        if not values:
            continue
        if question.type != "text":
            answers[question_id] = _parse_choice(question, values)
            continue
        if len(values) > 1:
            raise MalformedPost("respondent.errors.invalid_value")
        text = normalise_text(values[0])
        if len(text) > question.max_length:
            errors.append(
                FieldError(
                    question_id,
                    "respondent.errors.too_long",
                    {"limit": question.max_length, "length": len(text)},
                )
            )
        if text:
            answers[question_id] = text
    return SectionInput(answers=answers, errors=tuple(errors))


def missing_answers(
    questions: Iterable[FormQuestion], answers: Mapping[str, Any]
) -> list[FieldError]:
    return [
        FieldError(question.id, "respondent.errors.required")
        for question in questions
        if question.required and answers.get(question.id) in (None, "", [])
    ]


def first_incomplete_section(
    form: SurveyForm, answers: Mapping[str, Any]
) -> tuple[int, list[FieldError]] | None:
    """The first section with an unanswered required question, and its errors."""
    for index, section in enumerate(form.sections):
        missing = missing_answers(section.questions, answers)
        if missing:
            return index, missing
    return None


def _is_valid_stored(question: FormQuestion, value: Any) -> bool:
    if question.type == "text":
        return isinstance(value, str) and 0 < len(value) <= question.max_length
    if question.type == "multi_choice":
        return (
            isinstance(value, list)
            and bool(value)
            and all(str(item) in question.choice_values for item in value)
        )
    return str(value) in question.choice_values


def clean_answers(form: SurveyForm, answers: Mapping[str, Any]) -> Answers:
    """Stored answers restricted to this form's questions and their allowed values."""
    clean: Answers = {}
    for question in form.questions:
        value = answers.get(question.id)
        if value is not None and _is_valid_stored(question, value):
            clean[question.id] = value
    return clean


def merge_section(
    form: SurveyForm, section_index: int, stored: Mapping[str, Any], section: Mapping[str, Any]
) -> Answers:
    """The stored answers with this section's replaced (a cleared answer is removed)."""
    section_ids = {question.id for question in form.sections[section_index].questions}
    merged = {key: value for key, value in stored.items() if key not in section_ids}
    merged.update(section)
    return clean_answers(form, merged)


def answer_rows(form: SurveyForm, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The `answer` rows of a response: number for scales, text otherwise, one per option."""
    rows: list[dict[str, Any]] = []
    for question in form.questions:
        value = answers.get(question.id)
        if value is None or not _is_valid_stored(question, value):
            continue
        if question.type in NUMBER_TYPES:
            rows.append({"question_id": question.id, "number": float(value), "text": None})
        elif question.type == "multi_choice":
            rows += [
                {"question_id": question.id, "number": None, "text": str(item)} for item in value
            ]
        else:
            rows.append({"question_id": question.id, "number": None, "text": str(value)})
    return rows


def answers_from_rows(
    form: SurveyForm, rows: Iterable[tuple[str, float | None, str | None]]
) -> Answers:
    """The answers dict back from stored `answer` rows (to change a submitted response)."""
    answers: Answers = {}
    for question_id, number, text in rows:
        question = form.question(question_id)
        if question is None:
            continue
        if question.type in NUMBER_TYPES and number is not None:
            answers[question_id] = int(number)
        elif question.type == "multi_choice" and text is not None:
            answers.setdefault(question_id, []).append(text)
        elif text is not None:
            answers[question_id] = text
    return clean_answers(form, answers)


FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_FIELDS = 500


def parse_urlencoded(body: bytes, content_type: str) -> list[tuple[str, str]]:
    """The fields of a browser form post; anything else raises `MalformedPost`."""
    if content_type.split(";")[0].strip().lower() != FORM_CONTENT_TYPE:
        raise MalformedPost("respondent.errors.malformed")
    try:
        return parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except ValueError as error:  # bad UTF-8, bad percent-encoding, too many fields
        raise MalformedPost("respondent.errors.malformed") from error
