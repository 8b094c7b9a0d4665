"""Questions written by quality staff, stored in the database with the banks' schema.

A question's meaning never changes once it has answers: editing such a question creates a new
question (new id) and marks the old one as replaced; surveys already published keep the old one.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlmodel import Session, select

from question_banks.checker import validate_question
from question_banks.loader import QuestionCatalog, load_catalog
from question_banks.schema import Question
from surveys.audit import record
from surveys.i18n import TranslatableError
from surveys.models import Answer, CustomQuestion

CUSTOM_PREFIX = "custom-"
CUSTOM_BANK = "custom"


class CustomQuestionError(TranslatableError):
    """The question was refused; `problems` lists each field and why."""

    def __init__(self, key: str, problems: list[str] | None = None, **params: Any) -> None:
        super().__init__(key, **params)
        self.problems = problems or []


def _slug(text: str, limit: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-") or "question"


def _new_id(session: Session, catalog: QuestionCatalog, text_fr: str) -> str:
    base = f"{CUSTOM_PREFIX}{_slug(text_fr)}"
    candidate, number = base, 1
    while candidate in catalog or session.get(CustomQuestion, candidate) is not None:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def choice_options(text: str) -> list[dict[str, Any]]:
    """The options staff type one per line, as `French | English` (a single label serves
    both languages), numbered `option-1`, `option-2`... in their order."""
    lines = [line.split("|") for line in text.splitlines() if line.strip()]
    return [
        {"value": f"option-{number}", "label": {"fr": parts[0].strip(), "en": parts[-1].strip()}}
        for number, parts in enumerate(lines, start=1)
    ]


def list_custom_questions(*, session: Session, include_replaced: bool = False) -> list[Question]:
    query = select(CustomQuestion).order_by(CustomQuestion.created_at)
    if not include_replaced:
        query = query.where(CustomQuestion.replaced_by.is_(None))
    questions = []
    for row in session.exec(query):
        question, _problems = validate_question(row.definition)
        if question is not None:
            questions.append(question)
    return questions


def full_catalog(*, session: Session) -> QuestionCatalog:
    """The bank questions plus every custom question (replaced ones too: old surveys use them)."""
    return load_catalog().with_extra(list_custom_questions(session=session, include_replaced=True))


def _validated(data: dict[str, Any], catalog: QuestionCatalog | None) -> Question:
    question, problems = validate_question(data, catalog=catalog)
    if question is None:
        raise CustomQuestionError(
            "errors.custom_question.invalid", problems=[str(problem) for problem in problems]
        )
    return question


def create_custom_question(*, session: Session, data: dict[str, Any], actor: str) -> Question:
    catalog = full_catalog(session=session)
    text_fr = str((data.get("text") or {}).get("fr", ""))
    definition = {**data, "id": _new_id(session, catalog, text_fr), "bank": CUSTOM_BANK}
    question = _validated(definition, catalog)
    stored = question.model_dump(mode="json", exclude_none=True)
    session.add(
        CustomQuestion(id=question.id, theme=question.theme, definition=stored, created_by=actor)
    )
    session.flush()
    record(session, actor=actor, action="question.create", target=question.id)
    return question


def has_answers(*, session: Session, question_id: str) -> bool:
    return (
        session.exec(select(Answer.id).where(Answer.question_id == question_id).limit(1)).first()
        is not None
    )


def edit_custom_question(
    *, session: Session, question_id: str, data: dict[str, Any], actor: str
) -> Question:
    """Change a custom question; once answered, the change becomes a new question."""
    row = session.get(CustomQuestion, question_id)
    if row is None or row.replaced_by is not None:
        raise CustomQuestionError("errors.custom_question.missing", question=question_id)
    if has_answers(session=session, question_id=question_id):
        replacement = create_custom_question(session=session, data=data, actor=actor)
        row.replaced_by = replacement.id
        session.add(row)
        record(
            session,
            actor=actor,
            action="question.replace",
            target=question_id,
            details={"replaced_by": replacement.id},
        )
        return replacement
    question = _validated({**data, "id": question_id, "bank": CUSTOM_BANK}, None)
    row.definition = question.model_dump(mode="json", exclude_none=True)
    row.theme = question.theme
    session.add(row)
    record(session, actor=actor, action="question.edit", target=question_id)
    return question
