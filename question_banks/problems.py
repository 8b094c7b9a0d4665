"""Problems found in bank and template files, worded for the person who edits them."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from question_banks.schema import QUESTION_TYPES

# libyaml's safe loader (about 10x faster than the pure-Python one) where PyYAML was built with
# it; the same documents and the same errors either way.
FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The singular noun used in "unknown audience 'x'" for each field holding a closed list.
_FIELD_NOUNS = {
    "audiences": "audience",
    "audience": "audience",
    "timings": "timing",
    "timing": "timing",
    "indicators": "indicator",
    "scale": "scale",
}


@dataclass(frozen=True)
class BankProblem:
    file: str | None
    question: str | None  # the question id, "#<position>" when it has none, or None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.question:
            is_position = self.question.startswith("#")
            where.append(f"question {self.question if is_position else repr(self.question)}")
        if self.field:
            where.append(f"field {self.field!r}")
        head = [part for part in (self.file, " ".join(where)) if part]
        return ": ".join([*head, self.message])


class BankError(ValueError):
    """Raised by the loaders when a file has problems; `problems` lists them all."""

    def __init__(self, problems: list[BankProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is under it (shorter messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_mapping(path: Path) -> tuple[dict[str, Any] | None, list[BankProblem]]:
    """Parse a YAML file that must hold a mapping."""
    file = display_path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_SAFE_LOADER)
    except OSError as error:
        return None, [BankProblem(file, None, None, f"cannot read the file: {error.strerror}")]
    except UnicodeDecodeError:
        return None, [BankProblem(file, None, None, "the file is not UTF-8 text")]
    except yaml.YAMLError as error:
        return None, [BankProblem(file, None, None, _yaml_message(error))]
    if not isinstance(data, dict):
        found = "nothing (empty file)" if data is None else f"a {type(data).__name__}"
        return None, [BankProblem(file, None, None, f"the file must be a mapping, found {found}")]
    return data, []


def _yaml_message(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return f"YAML syntax error: {problem}"
    message = f"YAML syntax error at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None and context_mark.line != mark.line:
        message += f" ({context} at line {context_mark.line + 1})"
    return message


def problems_from_error(
    error: ValidationError,
    *,
    file: str | None,
    question: str | None,
    prefix: tuple = (),
    tagged: bool = False,
) -> list[BankProblem]:
    """One BankProblem per pydantic error; `prefix` is prepended to the field path.

    `tagged`: the error comes from the question union, whose paths start with the type tag
    (("likert5", "text", "en")), which is not a field.
    """
    problems = []
    for error_details in error.errors():
        loc, message = error_details["loc"], _message(error_details)
        if tagged and loc and loc[0] in QUESTION_TYPES:
            if error_details["type"] == "extra_forbidden":
                message = f"unknown field for a {loc[0]} question (misspelt?)"
            loc = loc[1:]
        if error_details["type"].startswith("union_tag_"):
            loc = (*loc, "type")
        problems.append(BankProblem(file, question, _field_path((*prefix, *loc)), message))
    return problems


def _field_path(loc: tuple) -> str | None:
    # A trailing index ("audiences", 2) adds nothing the message does not already say.
    if loc and isinstance(loc[-1], int):
        loc = loc[:-1]
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path or None


def _message(error: ErrorDetails) -> str:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    names = [part for part in loc if isinstance(part, str)]
    expected = ", ".join(QUESTION_TYPES)
    if kind == "union_tag_not_found" or (
        kind == "union_tag_invalid" and isinstance(value, dict) and value.get("type") is None
    ):
        return f"missing type (expected one of: {expected})"
    if kind == "union_tag_invalid":
        return f"unknown type {error['ctx']['tag']!r} (expected one of: {expected})"
    if kind == "missing" and names and names[-1] in ("fr", "en"):
        return f"missing {'French' if names[-1] == 'fr' else 'English'} text"
    if kind == "missing" or (kind == "model_type" and value is None):
        return "missing required field"
    if kind == "literal_error" and names and names[-1] in _FIELD_NOUNS:
        noun = _FIELD_NOUNS[names[-1]]
        return f"unknown {noun} {value!r} (expected one of: {error['ctx']['expected']})"
    if kind == "extra_forbidden":
        return "unknown field (misspelt?)"
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not a valid id: use lowercase letters, digits, '-' or '_'"
    if kind == "string_type" and isinstance(value, bool):
        return f"expected text, YAML read {value} (quote words such as yes, no, on, off)"
    if kind == "too_short" and error.get("ctx", {}).get("min_length") == 1:
        return "must not be empty"
    return error["msg"]
