"""What stands between a draft and publication, in words staff understand (French or English).

A `Problem` is blocking (publication refused) or a warning (shown, publication allowed). Its
parameters may be {language: text} dicts, such as a section title, and catalog keys, such as
a language's name: both are resolved in the reader's language when the message is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from question_banks.loader import QuestionCatalog
from surveys.builder.drafts import Draft, entry_required, pick_text
from surveys.i18n import t

SURVEY_TEXTS = ("title", "intro", "closing")
OPTIONAL_SURVEY_TEXTS = ("intro", "closing")  # may be left out, but then in every language


@dataclass(frozen=True)
class Problem:
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)  # param -> catalog key
    blocking: bool = True

    def message(self, language: str = "fr") -> str:
        values = {name: pick_text(value, language) for name, value in self.params.items()}
        values.update({name: t(key, language) for name, key in self.labels.items()})
        return t(self.key, language, **values)


def blocking(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.blocking]


def _translation_gaps(texts: Mapping[str, str], languages: list[str]) -> list[str]:
    """Languages where a text is missing; a text left out in every language is no gap."""
    missing = [language for language in languages if not str(texts.get(language) or "").strip()]
    return [] if len(missing) == len(languages) else missing


def _survey_text_problems(draft: Draft, languages: list[str]) -> list[Problem]:
    problems = []
    for part in SURVEY_TEXTS:
        texts = draft.get(part) or {}
        gaps = _translation_gaps(texts, languages)
        if part not in OPTIONAL_SURVEY_TEXTS and not any(texts.get(lang) for lang in languages):
            gaps = languages
        problems += [
            Problem(
                "builder.problems.missing_translation",
                labels={"part": f"builder.parts.{part}", "in_language": f"builder.in.{lang}"},
            )
            for lang in gaps
        ]
    return problems


def _section_problems(
    section: Mapping[str, Any],
    languages: list[str],
    catalog: QuestionCatalog,
    audience: str | None,
    timing: str | None,
) -> list[Problem]:
    title = section.get("title") or {}
    problems = [
        Problem(
            "builder.problems.missing_section_translation",
            {"section": title},
            {"in_language": f"builder.in.{language}"},
        )
        for language in _translation_gaps(title, languages)
    ]
    if not section["questions"]:
        problems.append(Problem("builder.problems.empty_section", {"section": title or "—"}))
    untitled = not any(str(title.get(language) or "").strip() for language in languages)
    for entry in section["questions"]:
        question = catalog.get(entry["id"])
        if question is None:
            problems.append(Problem("builder.problems.unknown_question", {"question": entry["id"]}))
            continue
        text = question.text.model_dump()
        if untitled and entry_required(entry, question):
            problems.append(
                Problem("builder.problems.required_in_untitled_section", {"question": text})
            )
        if audience and timing and not question.suits(audience, timing):
            problems.append(
                Problem(
                    "builder.problems.question_unsuited",
                    {"question": text},
                    {"audience": f"vocab.role.{audience}", "timing": f"vocab.timing.{timing}"},
                    blocking=False,
                )
            )
    return problems


def check_draft(
    draft: Draft,
    *,
    catalog: QuestionCatalog,
    audience: str | None = None,
    timing: str | None = None,
) -> list[Problem]:
    """Every reason the draft cannot be published (blocking) or deserves a second look."""
    languages = list(draft.get("languages") or [])
    if not languages:
        return [Problem("builder.problems.no_language")]
    problems = _survey_text_problems(draft, languages)
    for section in draft["sections"]:
        problems += _section_problems(section, languages, catalog, audience, timing)
    ids = [entry["id"] for section in draft["sections"] for entry in section["questions"]]
    if not ids:
        problems.insert(0, Problem("builder.problems.no_questions"))
    elif not any(getattr(catalog.get(i), "type", None) == "text" for i in ids):
        problems.append(Problem("builder.problems.no_free_expression", blocking=False))
    return problems
