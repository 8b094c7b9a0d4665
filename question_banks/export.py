"""Questions as plain dicts (JSON / YAML ready), with their answer choices spelt out."""

from typing import Any

from question_banks.catalog import QuestionCatalog
from question_banks.schema import Question


def question_to_dict(question: Question) -> dict[str, Any]:
    data = question.model_dump(mode="json")
    # Every question has the same keys, whatever its type, so consumers need no type switch.
    data.setdefault("options", [])
    data["choices"] = [
        {"value": choice.value, "label": {"fr": choice.fr, "en": choice.en}}
        for choice in question.choices()
    ]
    first = ("id", "bank", "theme", "type", "text", "help", "audiences", "timings", "indicators")
    return {**{key: data.pop(key) for key in first}, **data}


def export_questions(catalog: QuestionCatalog) -> list[dict[str, Any]]:
    return [question_to_dict(question) for question in catalog]
