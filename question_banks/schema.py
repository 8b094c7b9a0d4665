"""The question schema: every bank question, custom question and survey template obeys it.

Questions are a discriminated union on `type`; stored answers refer to the stable `id`.
"""

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from question_banks.scales import (
    DEFAULT_LIKERT_SCALE,
    LIKERT_SCALES,
    YES_NO_CHOICES,
    Choice,
    likert_choices,
    nps_choices,
)

Audience = Literal["learner", "financer", "trainer", "company"]
Timing = Literal["hot", "cold", "annual"]
Indicator = Literal[30, 31, 32]
QuestionType = Literal["likert5", "nps", "yes_no", "single_choice", "multi_choice", "text"]
LikertScale = Literal["satisfaction", "agreement", "ease", "usefulness"]

AUDIENCES: tuple[str, ...] = get_args(Audience)
TIMINGS: tuple[str, ...] = get_args(Timing)
INDICATORS: tuple[int, ...] = get_args(Indicator)
QUESTION_TYPES: tuple[str, ...] = get_args(QuestionType)
CHOICE_TYPES = ("single_choice", "multi_choice")
LIKERT_SCALE_NAMES: tuple[str, ...] = get_args(LikertScale)
# The timings at which each stakeholder is surveyed (indicator 30: "a relevant frequency").
AUDIENCE_TIMINGS: dict[str, tuple[str, ...]] = {
    "learner": ("hot", "cold"),
    "company": ("hot", "cold"),
    "trainer": ("hot", "annual"),
    "financer": ("annual",),
}
LANGUAGES = {"fr": "French", "en": "English"}
SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
DEFAULT_TEXT_MAX_LENGTH = 5000

Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=80)]


class _Frozen(BaseModel):
    # extra="forbid": a misspelt key in a YAML file is an error, not a silently ignored field.
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(_Frozen):
    fr: str
    en: str

    @field_validator("fr", "en")
    @classmethod
    def _not_blank(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            language = LANGUAGES[str(info.field_name)]
            raise PydanticCustomError("blank_text", f"missing {language} text")
        return value.strip()

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.fr


class ChoiceOption(_Frozen):
    value: Slug
    label: LocalizedText


def _unique(values: tuple, what: str) -> tuple:
    duplicates = sorted({str(v) for v in values if values.count(v) > 1})
    if duplicates:
        raise PydanticCustomError("duplicate", f"duplicate {what}: {', '.join(duplicates)}")
    return values


class QuestionBase(_Frozen):
    id: Slug
    bank: Slug | None = None  # file stem, filled by the loader; None for custom questions
    theme: Slug
    text: LocalizedText
    help: LocalizedText | None = None
    audiences: tuple[Audience, ...] = Field(min_length=1)
    timings: tuple[Timing, ...] = Field(min_length=1)
    indicators: tuple[Indicator, ...] = (30,)
    required: bool = True
    # Where an answer is stored (`answer.number` or `answer.text`), and whether it is a list.
    answer_column: ClassVar[Literal["number", "text"]] = "text"
    multiple: ClassVar[bool] = False

    @field_validator("audiences", "timings", "indicators")
    @classmethod
    def _no_duplicates(cls, values: tuple, info: ValidationInfo) -> tuple:
        return _unique(values, str(info.field_name))

    def suits(self, audience: str, timing: str) -> bool:
        """True when the question may be asked of this audience at this timing."""
        return audience in self.audiences and timing in self.timings

    def choices(self) -> list[Choice]:
        return []


class LikertQuestion(QuestionBase):
    type: Literal["likert5"]
    answer_column: ClassVar[Literal["number", "text"]] = "number"
    scale: LikertScale = DEFAULT_LIKERT_SCALE

    def choices(self) -> list[Choice]:
        return likert_choices(self.scale)


class NpsQuestion(QuestionBase):
    type: Literal["nps"]
    answer_column: ClassVar[Literal["number", "text"]] = "number"

    def choices(self) -> list[Choice]:
        return nps_choices()


class YesNoQuestion(QuestionBase):
    type: Literal["yes_no"]

    def choices(self) -> list[Choice]:
        return list(YES_NO_CHOICES)


class _ChoiceQuestion(QuestionBase):
    # validate_default: a missing `options` key must be reported, not defaulted to nothing.
    options: tuple[ChoiceOption, ...] = Field(default=(), validate_default=True)

    @field_validator("options")
    @classmethod
    def _at_least_two_distinct(cls, options: tuple[ChoiceOption, ...]) -> tuple:
        if len(options) < 2:
            raise PydanticCustomError(
                "options_missing", "a choice question needs at least 2 options"
            )
        _unique(tuple(option.value for option in options), "option values")
        return options

    def choices(self) -> list[Choice]:
        return [Choice(o.value, o.label.fr, o.label.en) for o in self.options]


class SingleChoiceQuestion(_ChoiceQuestion):
    type: Literal["single_choice"]


class MultiChoiceQuestion(_ChoiceQuestion):
    type: Literal["multi_choice"]
    multiple: ClassVar[bool] = True


class TextQuestion(QuestionBase):
    type: Literal["text"]
    required: bool = False  # free expression is offered, never forced
    max_length: int = Field(default=DEFAULT_TEXT_MAX_LENGTH, ge=1, le=20_000)


Question = Annotated[
    LikertQuestion
    | NpsQuestion
    | YesNoQuestion
    | SingleChoiceQuestion
    | MultiChoiceQuestion
    | TextQuestion,
    Field(discriminator="type"),
]
QUESTION_ADAPTER: TypeAdapter[Question] = TypeAdapter(Question)
QUESTION_CLASSES: dict[str, type[QuestionBase]] = {
    get_args(cls.model_fields["type"].annotation)[0]: cls for cls in get_args(get_args(Question)[0])
}
NUMBER_TYPES = tuple(t for t in QUESTION_TYPES if QUESTION_CLASSES[t].answer_column == "number")
# Types answered by one value picked from the choices (not a list, not free text).
SINGLE_VALUE_TYPES = tuple(
    t for t in QUESTION_TYPES if t != "text" and not QUESTION_CLASSES[t].multiple
)


def frozen_choices(question: Mapping[str, Any]) -> tuple[Choice, ...]:
    """The choices of a question as frozen in a published version (a plain dict), by the same
    rules as the question classes' `choices()`; empty for a text question."""
    kind = question["type"]
    if kind == "likert5":
        scale = question.get("scale") or DEFAULT_LIKERT_SCALE
        return tuple(likert_choices(scale if scale in LIKERT_SCALES else DEFAULT_LIKERT_SCALE))
    if kind == "nps":
        return tuple(nps_choices())
    if kind == "yes_no":
        return YES_NO_CHOICES
    return tuple(
        Choice(option["value"], _label(option["label"], "fr"), _label(option["label"], "en"))
        for option in question.get("options") or ()
    )


def _label(value: Mapping[str, str] | str | None, language: str) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        return value
    return value.get(language) or value.get("fr") or next(iter(value.values()), "")


def choices(question: QuestionBase) -> list[Choice]:
    """The answers a respondent can pick, as (value, fr, en); empty for a text question.

    Values: likert 1..5, nps 0..10, yes_no "yes"/"no", choice questions their option values.
    """
    return question.choices()


class Theme(_Frozen):
    id: Slug
    label: LocalizedText
    description: LocalizedText | None = None
    multimodal: bool = False


class Bank(_Frozen):
    id: Slug
    theme: Theme
    questions: tuple[Question, ...]


class TemplateSection(_Frozen):
    id: Slug
    title: LocalizedText
    questions: tuple[Slug, ...] = Field(min_length=1)


class SurveyTemplate(_Frozen):
    id: Slug
    title: LocalizedText
    intro: LocalizedText
    closing: LocalizedText
    audience: Audience
    timing: Timing
    offset_days: int | None = Field(default=None, ge=0)  # days after the session ends
    anonymous: bool = False
    sections: tuple[TemplateSection, ...] = Field(min_length=1)

    @field_validator("offset_days")
    @classmethod
    def _offset_fits_timing(cls, offset: int | None, info: ValidationInfo) -> int | None:
        timing = info.data.get("timing")
        expected = {"hot": "0", "cold": "a number of days (1 or more)", "annual": "null"}
        fits = {"hot": offset == 0, "cold": offset is not None and offset >= 1}
        if timing and not fits.get(timing, offset is None):
            message = f"a {timing} survey needs offset_days: {expected[timing]}"
            raise PydanticCustomError("offset_mismatch", message)
        return offset

    @field_validator("sections")
    @classmethod
    def _ids_used_once(cls, sections: tuple[TemplateSection, ...]) -> tuple:
        _unique(tuple(section.id for section in sections), "section ids")
        _unique(tuple(q for section in sections for q in section.questions), "question ids")
        return sections

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q for section in self.sections for q in section.questions)
