"""Load validated banks and templates; any problem raises BankError listing them all."""

from functools import cache
from pathlib import Path

from question_banks.catalog import QuestionCatalog
from question_banks.checker import check_bank_file, check_paths, check_template_file
from question_banks.paths import BANKS_DIR, TEMPLATES_DIR
from question_banks.problems import BankError
from question_banks.schema import Bank, SurveyTemplate


def load_bank(path: Path | str) -> Bank:
    bank, problems = check_bank_file(Path(path))
    if bank is None:
        raise BankError(problems)
    return bank


def load_banks(directory: Path | str = BANKS_DIR) -> QuestionCatalog:
    """Every `*.yaml` bank of the directory, in file name order."""
    report = check_paths(sorted(Path(directory).glob("*.yaml")))
    if report.problems:
        raise BankError(report.problems)
    return QuestionCatalog.from_banks(report.banks)


@cache
def load_catalog() -> QuestionCatalog:
    """The shipped banks, read once per process (the catalog is immutable)."""
    return load_banks(BANKS_DIR)


def load_templates(
    directory: Path | str = TEMPLATES_DIR, catalog: QuestionCatalog | None = None
) -> list[SurveyTemplate]:
    """Every template of the directory, in file name order, checked against the catalog."""
    catalog = load_catalog() if catalog is None else catalog
    templates, problems = [], []
    for path in sorted(Path(directory).glob("*.yaml")):
        template, template_problems = check_template_file(path, catalog)
        problems += template_problems
        templates += [template] if template else []
    if problems:
        raise BankError(problems)
    return templates


def get_template(
    template_id: str,
    *,
    directory: Path | str = TEMPLATES_DIR,
    catalog: QuestionCatalog | None = None,
) -> SurveyTemplate:
    """The template with this id; KeyError when there is none."""
    for template in load_templates(directory, catalog):
        if template.id == template_id:
            return template
    raise KeyError(template_id)
