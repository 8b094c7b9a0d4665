"""A published survey version's frozen definition, read through one typed object.

The definition is the JSON snapshot `surveys.builder.versions` writes at publication (title,
languages, sections of questions, each question as it was then). Every reader walks it
through `FrozenSurvey` instead of indexing the dict by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Question = Mapping[str, Any]
Section = Mapping[str, Any]


@dataclass(frozen=True)
class FrozenSurvey:
    definition: Mapping[str, Any]

    def sections(self) -> list[Section]:
        """The sections holding at least one question (the pages a respondent sees)."""
        return [s for s in self.definition.get("sections") or () if s.get("questions")]

    def questions(self, *, of_type: str | None = None) -> list[Question]:
        """Every question in order, or only those of one type."""
        return [
            question
            for section in self.sections()
            for question in section["questions"]
            if of_type is None or question.get("type") == of_type
        ]

    def question_texts(self, language: str = "fr") -> dict[str, str]:
        """Each question's text in `language` (else French, else its id), by question id."""
        texts = {}
        for question in self.questions():
            text = question.get("text") or {}
            texts[question["id"]] = text.get(language) or text.get("fr") or question["id"]
        return texts

    def title(self, language: str = "fr") -> str:
        title = self.definition.get("title") or {}
        return title.get(language) or title.get("fr", "")
