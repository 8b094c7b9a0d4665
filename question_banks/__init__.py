"""Question banks: the Qualiopi satisfaction questions (indicators 30-32), their schema,
loader and checker. A leaf package: it imports nothing else of the project."""

from question_banks.catalog import DuplicateQuestionError, QuestionCatalog
from question_banks.checker import check_files, validate_question
from question_banks.loader import (
    get_template,
    load_bank,
    load_banks,
    load_catalog,
    load_templates,
)
from question_banks.paths import BANKS_DIR, TEMPLATES_DIR
from question_banks.problems import BankError, BankProblem
from question_banks.scales import LIKERT_SCALES, NPS_END_LABELS, Choice
from question_banks.schema import (
    AUDIENCE_TIMINGS,
    AUDIENCES,
    INDICATORS,
    QUESTION_TYPES,
    TIMINGS,
    Bank,
    ChoiceOption,
    LocalizedText,
    Question,
    SurveyTemplate,
    TemplateSection,
    Theme,
    choices,
)

__all__ = [
    "AUDIENCES",
    "AUDIENCE_TIMINGS",
    "BANKS_DIR",
    "INDICATORS",
    "LIKERT_SCALES",
    "NPS_END_LABELS",
    "QUESTION_TYPES",
    "TEMPLATES_DIR",
    "TIMINGS",
    "Bank",
    "BankError",
    "BankProblem",
    "Choice",
    "ChoiceOption",
    "DuplicateQuestionError",
    "LocalizedText",
    "Question",
    "QuestionCatalog",
    "SurveyTemplate",
    "TemplateSection",
    "Theme",
    "check_files",
    "choices",
    "get_template",
    "load_bank",
    "load_banks",
    "load_catalog",
    "load_templates",
    "validate_question",
]
