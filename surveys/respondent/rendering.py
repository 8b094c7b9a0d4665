"""The respondent's HTML pages, from `surveys/templates/respondent/` (Jinja2, autoescaped).

`render_form_page` is the one renderer of a survey page: the answer route uses it, and the
builder's preview calls it with `preview=True` (no token, no anti-forgery value, a banner saying
nothing is saved; the same HTML otherwise), so staff see exactly what respondents get.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from markupsafe import Markup

from surveys.i18n import LANGUAGE_NAMES, t
from surveys.rendering import render_html
from surveys.respondent.form import (
    FieldError,
    FormSection,
    SurveyForm,
    build_form,
    localized,
)
from surveys.respondent.questions import first_field_id, format_number, question_html
from surveys.respondent.service import OrganisationInfo

INVALID_LINK_REASONS = ("unknown", "closed", "expired", "opted_out")


def format_date(day: date, language: str) -> str:
    month = t(f"respondent.months.{day.month}", language)
    return f"{day.day} {month} {day.year}"


def _error_message(error: FieldError, form: SurveyForm, language: str) -> str:
    question = form.question(error.question_id)
    params = {
        key: format_number(value, language) if isinstance(value, int) else value
        for key, value in error.params.items()
    }
    return t(error.key, language, question=question.wording(language) if question else "", **params)


def _language_links(form: SurveyForm, language: str, urls: Mapping[str, str] | None) -> list:
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES.get(code, code),
            "url": (urls or {}).get(code, f"?lang={code}"),
        }
        for code in form.languages
        if code != language
    ]


def _section_questions(
    form: SurveyForm,
    section: FormSection,
    *,
    language: str,
    answers: Mapping[str, Any],
    messages: Mapping[str, str],
    anonymous: bool,
) -> list[Markup]:
    """The section's questions as HTML, pre-filled; focus goes to the first in error."""
    first_error = next((q.id for q in section.questions if q.id in messages), None)
    return [
        question_html(
            form,
            question,
            language=language,
            value=answers.get(question.id),
            error=messages.get(question.id, ""),
            autofocus=question.id == first_error,
            anonymous=anonymous,
        )
        for question in section.questions
    ]


def _page_title(form: SurveyForm, index: int, language: str, *, with_errors: bool) -> str:
    """The browser tab's title: section, survey and step; marked when the page shows errors."""
    title = t(
        "respondent.page_title",
        language,
        section=localized(form.sections[index].title, language),
        survey=localized(form.title, language),
        current=index + 1,
        total=len(form.sections),
    )
    return t("respondent.error_page_title", language, title=title) if with_errors else title


def render_form_page(
    definition: Mapping[str, Any] | SurveyForm,
    *,
    language: str,
    section_index: int = 0,
    answers: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
    organisation: OrganisationInfo | None = None,
    anonymous: bool | None = None,
    preview: bool = False,
    action_url: str = "",
    guard: str = "",
    language_urls: Mapping[str, str] | None = None,
    notice: str = "",
    editing: bool = False,
) -> str:
    """One page (section) of a survey, as the respondent sees it.

    `definition` is a frozen version's definition (or a `SurveyForm` built from it);
    `answers` pre-fills the fields; `errors` are listed at the top and beside their fields,
    focus going to the first; `notice` is a form-level error ("nothing was saved"). With
    `preview=True` the form has no anti-forgery value and submits by GET to `action_url`
    (default: the same address) with `section` and `action` fields, so a preview route can
    page through sections; nothing else differs. `language_urls` maps a language code to the
    address of this page in that language (default `?lang=<code>`).
    """
    form = (
        definition
        if isinstance(definition, SurveyForm)
        else build_form(definition, anonymous=anonymous)
    )
    anonymous = form.anonymous if anonymous is None else anonymous
    language = form.language_or_default(language)
    organisation = organisation or OrganisationInfo()
    index = min(max(section_index, 0), len(form.sections) - 1)
    section = form.sections[index]
    messages = {error.question_id: _error_message(error, form, language) for error in errors}
    questions = _section_questions(
        form,
        section,
        language=language,
        answers=answers or {},
        messages=messages,
        anonymous=anonymous,
    )
    summary = [
        {"anchor": first_field_id(question), "message": messages[question.id]}
        for question in section.questions
        if question.id in messages
    ]
    title = localized(form.title, language)
    return render_html(
        "respondent/form.html",
        lang=language,
        page_title=_page_title(form, index, language, with_errors=bool(summary or notice)),
        organisation_name=organisation.name,
        organisation=organisation,
        survey_title=title,
        intro=localized(form.intro, language),
        section_title=localized(section.title, language),
        section_index=index,
        total=len(form.sections),
        is_first=index == 0,
        is_last=index == len(form.sections) - 1,
        questions=questions,
        error_summary=summary,
        notice=notice,
        anonymous=anonymous,
        preview=preview,
        editing=editing,
        action_url=action_url,
        guard=guard,
        language_links=_language_links(form, language, language_urls),
        retention_key="respondent.privacy.retention_one"
        if organisation.retention_years == 1
        else "respondent.privacy.retention_many",
    )


def render_thanks_page(
    form: SurveyForm,
    *,
    language: str,
    organisation: OrganisationInfo,
    edit_url: str = "",
    editable_until: date | None = None,
    replaced: bool = False,
    language_urls: Mapping[str, str] | None = None,
) -> str:
    language = form.language_or_default(language)
    return render_html(
        "respondent/thanks.html",
        lang=language,
        page_title=t("respondent.thanks.title", language),
        organisation_name=organisation.name,
        organisation=organisation,
        survey_title=localized(form.title, language),
        closing=localized(form.closing, language),
        edit_url=edit_url,
        replaced=replaced,
        editable_until=format_date(editable_until, language) if editable_until else "",
        language_links=_language_links(form, language, language_urls),
    )


def render_invalid_link_page(reason: str, *, language: str, organisation: OrganisationInfo) -> str:
    """The friendly page of a link that cannot be answered; it names no survey and no person."""
    kind = "closed" if reason == "expired" else reason
    if kind not in INVALID_LINK_REASONS:
        kind = "unknown"
    return render_message_page(
        title=t(f"respondent.invalid.{kind}_title", language),
        message=t(f"respondent.invalid.{kind}", language),
        language=language,
        organisation=organisation,
    )


def render_message_page(
    *,
    title: str,
    message: str,
    language: str,
    organisation: OrganisationInfo,
    is_error: bool = False,
) -> str:
    """A short page with a title, a message and the organisation's contact."""
    return render_html(
        "respondent/message.html",
        lang=language,
        page_title=t("respondent.error_page_title", language, title=title) if is_error else title,
        title=title,
        message=message,
        organisation_name=organisation.name,
        organisation=organisation,
        language_links=[
            {"code": code, "name": name, "url": f"?lang={code}"}
            for code, name in LANGUAGE_NAMES.items()
            if code != language
        ],
    )


def render_unsubscribe_page(
    *,
    language: str,
    organisation: OrganisationInfo,
    done: bool,
    guard: str = "",
    action_url: str = "",
    survey_url: str = "",
) -> str:
    return render_html(
        "respondent/unsubscribe.html",
        lang=language,
        page_title=t(
            "respondent.unsubscribe.done_title" if done else "respondent.unsubscribe.title",
            language,
        ),
        organisation_name=organisation.name,
        organisation=organisation,
        done=done,
        guard=guard,
        action_url=action_url,
        survey_url=survey_url,
        language_links=[
            {"code": code, "name": name, "url": f"?lang={code}"}
            for code, name in LANGUAGE_NAMES.items()
            if code != language
        ],
    )
