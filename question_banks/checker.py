"""Checks of bank files, template files and single questions: every problem, named by file,
question and field, so that the person editing the YAML knows where to look."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from question_banks.catalog import QuestionCatalog
from question_banks.paths import BANKS_DIR, TEMPLATES_DIR
from question_banks.problems import BankProblem, display_path, problems_from_error, read_mapping
from question_banks.schema import QUESTION_ADAPTER, Bank, Question, SurveyTemplate, Theme

BANK_KEYS = ("bank", "theme", "questions")


@dataclass
class CheckReport:
    banks: list[Bank] = field(default_factory=list)
    templates: list[SurveyTemplate] = field(default_factory=list)
    problems: list[BankProblem] = field(default_factory=list)


def shipped_paths() -> list[Path]:
    return sorted(BANKS_DIR.glob("*.yaml")) + sorted(TEMPLATES_DIR.glob("*.yaml"))


def check_files(paths: Iterable[Path | str]) -> list[BankProblem]:
    """Check bank and template files together (ids must be unique across the banks given).

    Templates are checked against the banks given, or the shipped banks when none is given.
    """
    return check_paths(paths).problems


def check_paths(paths: Iterable[Path | str]) -> CheckReport:
    report = CheckReport()
    bank_files: list[tuple[Path, dict[str, Any]]] = []
    template_files: list[tuple[Path, dict[str, Any]]] = []
    for path in dict.fromkeys(map(Path, paths)):  # a file named twice is checked once
        data, problems = read_mapping(path)
        report.problems += problems
        if data is not None:
            is_template = "sections" in data or path.parent.name == "templates"
            (template_files if is_template else bank_files).append((path, data))
    report.banks, bank_problems = _check_banks(bank_files)
    report.problems += bank_problems
    if template_files:
        banks = report.banks
        if not bank_files:
            shipped = check_paths(sorted(BANKS_DIR.glob("*.yaml")))
            banks = shipped.banks
            report.problems += shipped.problems
        catalog = QuestionCatalog.from_banks(banks)
        for path, data in template_files:
            template, problems = check_template_data(path, data, catalog)
            report.problems += problems
            report.templates += [template] if template else []
    return report


def validate_question(
    data: Any, *, catalog: QuestionCatalog | None = None
) -> tuple[Question | None, list[BankProblem]]:
    """Validate one question (e.g. a custom one typed in the UI) with the bank schema; with a
    catalog, its id must also be new."""
    question, problems = _check_question(data, file=None, label=_label(data, None))
    if question is not None and catalog is not None and question.id in catalog:
        problems = [BankProblem(None, question.id, "id", "this id is already used")]
        question = None
    return question, problems


def check_bank_file(path: Path) -> tuple[Bank | None, list[BankProblem]]:
    data, problems = read_mapping(path)
    return (None, problems) if data is None else check_bank_data(path, data)


def check_bank_data(path: Path, data: dict[str, Any]) -> tuple[Bank | None, list[BankProblem]]:
    file = display_path(path)
    problems = [
        BankProblem(file, None, str(key), f"unknown field (expected: {', '.join(BANK_KEYS)})")
        for key in data
        if key not in BANK_KEYS
    ]
    if "bank" not in data:
        problems.append(BankProblem(file, None, "bank", "missing required field"))
    elif data["bank"] != path.stem:
        message = f"the bank id must be the file name {path.stem!r}, found {data['bank']!r}"
        problems.append(BankProblem(file, None, "bank", message))
    theme = None
    try:
        theme = Theme.model_validate(data.get("theme"))
    except ValidationError as error:
        problems += problems_from_error(error, file=file, question=None, prefix=("theme",))
    theme_id = theme.id if theme else path.stem
    questions, question_problems = _check_questions(
        data.get("questions"), file, path.stem, theme_id
    )
    problems += question_problems
    if problems or theme is None:
        return None, problems
    return Bank(id=path.stem, theme=theme, questions=tuple(questions)), []


def check_template_file(
    path: Path, catalog: QuestionCatalog
) -> tuple[SurveyTemplate | None, list[BankProblem]]:
    data, problems = read_mapping(path)
    return (None, problems) if data is None else check_template_data(path, data, catalog)


def check_template_data(
    path: Path, data: dict[str, Any], catalog: QuestionCatalog
) -> tuple[SurveyTemplate | None, list[BankProblem]]:
    file = display_path(path)
    try:
        template = SurveyTemplate.model_validate(data)
    except ValidationError as error:
        return None, problems_from_error(error, file=file, question=None)
    problems = []
    if template.id != path.stem:
        message = f"the template id must be the file name {path.stem!r}, found {template.id!r}"
        problems.append(BankProblem(file, None, "id", message))
    for section in template.sections:
        for question_id in section.questions:
            message = _unsuitable(catalog.get(question_id), template)
            if message:
                problems.append(BankProblem(file, question_id, f"sections.{section.id}", message))
    types = {catalog[q].type for q in template.question_ids if q in catalog}
    if "text" not in types:
        message = "no free-text question: indicator 30 requires free expression"
        problems.append(BankProblem(file, None, "sections", message))
    return (None, problems) if problems else (template, [])


def _unsuitable(question: Question | None, template: SurveyTemplate) -> str | None:
    if question is None:
        return "unknown question id"
    if question.suits(template.audience, template.timing):
        return None
    return (
        f"does not suit a {template.audience} survey at timing {template.timing} (the question"
        f" is for {', '.join(question.audiences)} at {', '.join(question.timings)})"
    )


def _check_banks(
    files: list[tuple[Path, dict[str, Any]]],
) -> tuple[list[Bank], list[BankProblem]]:
    """Check each bank, then what must be unique across banks: question ids and theme ids.

    Ids are compared as written, so that a clash is reported even in a file with other problems.
    """
    banks, problems = [], []
    question_files: dict[str, str] = {}
    theme_files: dict[str, str] = {}
    for path, data in files:
        bank, bank_problems = check_bank_data(path, data)
        file = display_path(path)
        ids = _written_ids(data.get("questions"))
        problems += bank_problems + [
            BankProblem(file, id_, "id", f"duplicate id: also defined in {question_files[id_]}")
            for id_ in dict.fromkeys(ids)
            if id_ in question_files
        ]
        for id_ in ids:
            question_files.setdefault(id_, file)
        theme = data.get("theme")
        theme_id = theme.get("id") if isinstance(theme, dict) else None
        if isinstance(theme_id, str) and theme_files.setdefault(theme_id, file) != file:
            message = f"duplicate theme id {theme_id!r}: also used by {theme_files[theme_id]}"
            problems.append(BankProblem(file, None, "theme.id", message))
        if bank is not None and not any(p.file == file for p in problems):
            banks.append(bank)
    return banks, problems


def _written_ids(raw: Any) -> list[str]:
    items = raw if isinstance(raw, list) else []
    return [
        item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)
    ]


def _check_questions(
    raw: Any, file: str, bank_id: str, theme_id: str
) -> tuple[list[Question], list[BankProblem]]:
    if not isinstance(raw, list) or not raw:
        message = (
            "missing required field" if raw is None else "must be a non-empty list of questions"
        )
        return [], [BankProblem(file, None, "questions", message)]
    questions: list[Question] = []
    problems: list[BankProblem] = []
    positions: dict[str, int] = {}
    for position, item in enumerate(raw, start=1):
        label = _label(item, position)
        if label and not label.startswith("#"):
            if label in positions:
                message = f"duplicate id: question #{positions[label]} of this file has it too"
                problems.append(BankProblem(file, label, "id", message))
            positions.setdefault(label, position)
        if isinstance(item, dict):
            problems += _inherited_field_problems(item, file, label, bank=bank_id, theme=theme_id)
            item = {**item, "bank": bank_id, "theme": theme_id}
        question, question_problems = _check_question(item, file=file, label=label)
        problems += question_problems
        if question is not None:
            questions.append(question)
    return questions, problems


def _inherited_field_problems(
    item: dict[str, Any], file: str, label: str | None, **expected: str
) -> list[BankProblem]:
    """`bank` and `theme` come from the file; a question may repeat them but not contradict."""
    return [
        BankProblem(file, label, key, f"must be {value!r}, the bank's {key}, or be left out")
        for key, value in expected.items()
        if key in item and item[key] != value
    ]


def _check_question(
    data: Any, *, file: str | None, label: str | None
) -> tuple[Question | None, list[BankProblem]]:
    if not isinstance(data, dict):
        found = type(data).__name__
        return None, [
            BankProblem(file, label, None, f"a question must be a mapping, found {found}")
        ]
    try:
        return QUESTION_ADAPTER.validate_python(data), []
    except ValidationError as error:
        return None, problems_from_error(error, file=file, question=label, tagged=True)


def _label(data: Any, position: int | None) -> str | None:
    """How a problem names the question: its id, else its position in the file."""
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"].strip():
        return data["id"]
    return None if position is None else f"#{position}"
