"""Editing a survey draft: pure functions from one draft to the next.

Every function returns a new draft and leaves the one it was given untouched: the JSON column
only notices a new value, and callers can compare before and after. The draft shape is
documented in `surveys.builder.composition`. Mistakes raise `CompositionError`, whose message is a
translation key (French by default), so the page can show it in the reader's language.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from question_banks.loader import QuestionCatalog
from question_banks.schema import Question
from surveys.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, TranslatableError, t

Draft = dict[str, Any]
Texts = Mapping[str, str]
# Named respondents may change their answers until the campaign closes when this draft flag is
# set; the answer form reads it from the frozen version (surveys.respondent.form).
ALLOW_EDIT_KEY = "allow_edit_after_submit"


def pick_text(value: Any, language: str) -> Any:
    """A {language: text} value in `language`, else in any language it has; others as is."""
    if isinstance(value, Mapping):
        return value.get(language) or value.get("fr") or next(iter(value.values()), "")
    return value


class CompositionError(TranslatableError):
    """A survey cannot be built, changed or published as asked (translatable message whose
    parameters may be {language: text} dicts, such as a section title)."""

    def message(self, language: str | None = DEFAULT_LANGUAGE) -> str:
        chosen = language or DEFAULT_LANGUAGE
        params = {name: pick_text(value, chosen) for name, value in self.params.items()}
        return t(self.key, chosen, **params)


class PublishedVersionIsFrozen(CompositionError):
    """A published version was about to change."""


def localized(texts: Texts | None) -> dict[str, str]:
    """A {language: text} dict for every supported language, stripped (missing = "")."""
    texts = texts or {}
    return {language: str(texts.get(language) or "").strip() for language in SUPPORTED_LANGUAGES}


def blank_draft(
    *,
    title: Texts,
    intro: Texts | None = None,
    closing: Texts | None = None,
    languages: Sequence[str] = SUPPORTED_LANGUAGES,
) -> Draft:
    draft = {
        "title": localized(title),
        "intro": localized(intro),
        "closing": localized(closing),
        "languages": [],
        "sections": [],
    }
    return set_languages(draft, languages)


def question_ids(draft: Draft) -> list[str]:
    """Every question id of the draft, in the order respondents meet them."""
    return [entry["id"] for section in draft["sections"] for entry in section["questions"]]


def _locate(draft: Draft, question_id: str) -> tuple[int, int]:
    for section_index, section in enumerate(draft["sections"]):
        for position, entry in enumerate(section["questions"]):
            if entry["id"] == question_id:
                return section_index, position
    raise CompositionError("builder.errors.question_not_in_survey", question=question_id)


def _section_index(draft: Draft, section_id: str) -> int:
    for index, section in enumerate(draft["sections"]):
        if section["id"] == section_id:
            return index
    raise CompositionError("builder.errors.section_missing", section=section_id)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "section"


def _free_section_id(draft: Draft, wanted: str) -> str:
    taken = {section["id"] for section in draft["sections"]}
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


def _theme_title(catalog: QuestionCatalog | None, theme_id: str) -> dict[str, str]:
    theme = catalog.get_theme(theme_id) if catalog is not None else None
    if theme is None:
        return {language: theme_id for language in SUPPORTED_LANGUAGES}
    return theme.label.model_dump()


def add_section(draft: Draft, title: Texts, *, section_id: str | None = None) -> Draft:
    """A new, empty section at the end."""
    new = copy.deepcopy(draft)
    texts = localized(title)
    wanted = section_id or _slug(next((text for text in texts.values() if text), "section"))
    new["sections"].append({"id": _free_section_id(new, wanted), "title": texts, "questions": []})
    return new


def add_question(
    draft: Draft,
    question: Question,
    *,
    catalog: QuestionCatalog | None = None,
    section_id: str | None = None,
) -> Draft:
    """Add `question` to `section_id`, or by default to the section of its theme (created at the
    end, titled with the theme's name, when the survey has none yet)."""
    if question.id in question_ids(draft):
        raise CompositionError(
            "builder.errors.question_already_in_survey", question=question.text.model_dump()
        )
    new = copy.deepcopy(draft)
    if section_id is None:
        section_id = question.theme
        if section_id not in {section["id"] for section in new["sections"]}:
            new = add_section(new, _theme_title(catalog, question.theme), section_id=section_id)
    new["sections"][_section_index(new, section_id)]["questions"].append(
        {"id": question.id, "required": question.required}
    )
    return new


def add_questions(
    draft: Draft, questions: Iterable[Question], *, catalog: QuestionCatalog | None = None
) -> Draft:
    for question in questions:
        draft = add_question(draft, question, catalog=catalog)
    return draft


def remove_question(draft: Draft, question_id: str) -> Draft:
    """Remove a question; a section left empty goes too (it would be a page without questions)."""
    new = copy.deepcopy(draft)
    section_index, position = _locate(new, question_id)
    del new["sections"][section_index]["questions"][position]
    if not new["sections"][section_index]["questions"]:
        del new["sections"][section_index]
    return new


def move_question(draft: Draft, question_id: str, step: int) -> Draft:
    """Move a question one place up (step -1) or down (+1). Past the first or last place of its
    section it goes to the end of the previous section or the start of the next one."""
    new = copy.deepcopy(draft)
    sections = new["sections"]
    section_index, position = _locate(new, question_id)
    questions = sections[section_index]["questions"]
    target = position + step
    if 0 <= target < len(questions):
        questions[position], questions[target] = questions[target], questions[position]
        return new
    neighbour = section_index + (1 if step > 0 else -1)
    if not 0 <= neighbour < len(sections):
        return new  # already first (or last) of the whole survey: nothing to do
    entry = questions.pop(position)
    if step > 0:
        sections[neighbour]["questions"].insert(0, entry)
    else:
        sections[neighbour]["questions"].append(entry)
    return new


def set_required(draft: Draft, question_id: str, required: bool) -> Draft:
    new = copy.deepcopy(draft)
    section_index, position = _locate(new, question_id)
    new["sections"][section_index]["questions"][position]["required"] = bool(required)
    return new


def rename_section(draft: Draft, section_id: str, title: Texts) -> Draft:
    new = copy.deepcopy(draft)
    new["sections"][_section_index(new, section_id)]["title"] = localized(title)
    return new


def remove_section(draft: Draft, section_id: str) -> Draft:
    """Remove an empty section; one that still holds questions is refused (nothing is lost)."""
    new = copy.deepcopy(draft)
    index = _section_index(new, section_id)
    if new["sections"][index]["questions"]:
        raise CompositionError(
            "builder.errors.section_not_empty", section=new["sections"][index]["title"]
        )
    del new["sections"][index]
    return new


def move_section(draft: Draft, section_id: str, step: int) -> Draft:
    new = copy.deepcopy(draft)
    sections = new["sections"]
    index = _section_index(new, section_id)
    target = min(max(index + step, 0), len(sections) - 1)
    sections.insert(target, sections.pop(index))
    return new


def group_by_theme(draft: Draft, catalog: QuestionCatalog) -> Draft:
    """One section per theme, in the order the themes first appear; questions keep their order
    and their required flag. Existing section titles are kept when a section id is a theme."""
    new = copy.deepcopy(draft)
    titles = {section["id"]: section["title"] for section in new["sections"]}
    grouped: dict[str, list[dict[str, Any]]] = {}
    for section in new["sections"]:
        for entry in section["questions"]:
            question = catalog.get(entry["id"])
            theme = question.theme if question is not None else section["id"]
            grouped.setdefault(theme, []).append(entry)
    new["sections"] = [
        {
            "id": theme,
            "title": titles.get(theme) or _theme_title(catalog, theme),
            "questions": entries,
        }
        for theme, entries in grouped.items()
    ]
    return new


def set_texts(
    draft: Draft,
    *,
    title: Texts | None = None,
    intro: Texts | None = None,
    closing: Texts | None = None,
) -> Draft:
    new = copy.deepcopy(draft)
    for name, texts in (("title", title), ("intro", intro), ("closing", closing)):
        if texts is not None:
            new[name] = localized(texts)
    return new


def set_languages(draft: Draft, languages: Sequence[str]) -> Draft:
    """The languages respondents may answer in, French (the reference) first when present."""
    unknown = [language for language in languages if language not in SUPPORTED_LANGUAGES]
    if unknown:
        raise CompositionError("builder.errors.unknown_language", languages=", ".join(unknown))
    if not languages:
        raise CompositionError("builder.errors.no_language")
    new = copy.deepcopy(draft)
    new["languages"] = [language for language in SUPPORTED_LANGUAGES if language in languages]
    return new


def set_allow_edit(draft: Draft, allowed: bool) -> Draft:
    """Let named respondents change their answers until closing (absent = not allowed)."""
    new = copy.deepcopy(draft)
    new.pop(ALLOW_EDIT_KEY, None)
    if allowed:
        new[ALLOW_EDIT_KEY] = True
    return new


def entry_required(entry: Mapping[str, Any], question: Question | None) -> bool:
    """Whether respondents must answer: the survey's choice, else the question's default."""
    if "required" in entry:
        return bool(entry["required"])
    return bool(question.required) if question is not None else False
