"""One question's HTML, as the respondent's form shows it: its view for the template, and a
cache per state, since a choice question has few states (the form's hot path)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from markupsafe import Markup

from surveys.i18n import t
from surveys.rendering import render_html
from surveys.respondent.form import FormQuestion, SurveyForm

QUESTION_CACHE_SIZE = 8192


def format_number(value: int, language: str) -> str:
    """5000 -> "5 000" (French, narrow no-break space) or "5,000" (English)."""
    grouped = f"{value:,}"
    return grouped if language == "en" else grouped.replace(",", "\u202f")


def _is_checked(question: FormQuestion, value: Any, choice_value: str) -> bool:
    if isinstance(value, list):
        return choice_value in [str(item) for item in value]
    return value is not None and str(value) == choice_value


class QuestionState(NamedTuple):
    """How a question is shown, besides its value (hashable: a key of the cache)."""

    language: str
    error: str
    autofocus: bool
    anonymous: bool


def _question_view(question: FormQuestion, value: Any, state: QuestionState) -> dict[str, Any]:
    language, error, autofocus, anonymous = state
    dom_id = f"q-{question.id}"
    hint_ids = [f"{dom_id}-hint"] if question.help or question.type == "text" else []
    return {
        "id": question.id,
        "type": question.type,
        "name": question.field_name,
        "dom_id": dom_id,
        "wording": question.wording(language),
        "help": question.help_text(language),
        "required": question.required,
        "error": error,
        "autofocus": autofocus,
        "describedby": " ".join(hint_ids + ([f"{dom_id}-error"] if error else [])),
        "max_length": question.max_length,
        "limit_text": t(
            "respondent.text_limit", language, limit=format_number(question.max_length, language)
        ),
        "privacy_text": t(
            "respondent.text_privacy_anonymous" if anonymous else "respondent.text_privacy",
            language,
        ),
        "value": value if isinstance(value, str) else "",
        "choices": [
            {
                "value": str(choice.value),
                "label": choice.label(language),
                "dom_id": f"{dom_id}-{index}",
                "checked": _is_checked(question, value, str(choice.value)),
            }
            for index, choice in enumerate(question.choices)
        ],
    }


def first_field_id(question: FormQuestion) -> str:
    return f"q-{question.id}-0" if question.choices else f"q-{question.id}"


def _render_question(question: FormQuestion, value: Any, state: QuestionState) -> Markup:
    view = _question_view(question, value, state)
    return Markup(render_html("respondent/_question.html", question=view, lang=state.language))


@lru_cache(maxsize=QUESTION_CACHE_SIZE)
def _cached_question(
    form: SurveyForm, question_id: str, checked: tuple[str, ...], state: QuestionState
) -> Markup:
    question = form.question(question_id)
    assert question is not None
    value = list(checked) if question.type == "multi_choice" else next(iter(checked), None)
    value = "" if question.type == "text" else value
    return _render_question(question, value, state)


def question_html(
    form: SurveyForm,
    question: FormQuestion,
    *,
    language: str,
    value: Any,
    error: str,
    autofocus: bool,
    anonymous: bool,
) -> Markup:
    """One question's HTML. A choice question has few states (which options are checked,
    its error, its focus), and an unanswered text one, so their HTML is cached per state: the
    form's hot path is a few dictionary lookups instead of a template render per question.
    A typed text is rendered each time (caching it would keep people's answers in memory)."""
    state = QuestionState(language, error, autofocus, anonymous)
    if question.type == "text" and value:
        return _render_question(question, value, state)
    values = value if isinstance(value, list) else [] if value is None else [value]
    return _cached_question(form, question.id, tuple(str(item) for item in values), state)
