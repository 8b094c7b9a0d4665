"""Survey composition and versions: a survey's draft is editable; a published version is frozen.

Draft shape (JSON on `Survey.draft`)::

    {"title": {"fr", "en"}, "intro": {...}, "closing": {...}, "languages": ["fr", "en"],
     "sections": [{"id", "title": {"fr", "en"}, "questions": [{"id", "required"}]}]}

(`required` may be absent: the question's own default applies; an optional
`"allow_edit_after_submit": true` lets named respondents change their answers until the
campaign closes.) A published
`SurveyVersion.definition` has the same shape, with each question replaced by its full
definition (text, type, options...) as it was at publication, plus the survey's `audience`,
`timing` and `anonymous`, so answers keep their meaning whatever happens to the banks later.

Editing a published survey edits its draft; publishing again makes version N+1. Versions are
never updated (see `surveys.builder.versions`, whose functions are re-exported here).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from sqlmodel import Session, select

from question_banks.schema import AUDIENCES, TIMINGS, SurveyTemplate
from surveys.audit import save_with_audit
from surveys.builder.drafts import (
    CompositionError,
    Draft,
    PublishedVersionIsFrozen,
    Texts,
    blank_draft,
)
from surveys.builder.versions import (
    SurveyNotPublishable,
    check_survey,
    ensure_editable,
    freeze_definition,
    has_unpublished_changes,
    latest_version,
    list_versions,
    preview_definition,
    publish_survey,
    version_questions,
)
from surveys.i18n import SUPPORTED_LANGUAGES
from surveys.models import Survey, utc_now

__all__ = [
    "CompositionError",
    "PublishedVersionIsFrozen",
    "SurveyNotPublishable",
    "archive_survey",
    "change_draft",
    "check_survey",
    "create_survey",
    "create_survey_from_template",
    "draft_from_template",
    "duplicate_survey",
    "freeze_definition",
    "get_survey",
    "has_unpublished_changes",
    "latest_version",
    "list_surveys",
    "list_versions",
    "preview_definition",
    "publish_survey",
    "restore_survey",
    "update_survey_settings",
    "version_questions",
]
TITLE_MAX_LENGTH = 200


def _localized(value: Any) -> dict[str, str]:
    if hasattr(value, "model_dump"):
        return value.model_dump()
    return dict(value or {})


def draft_from_template(template: SurveyTemplate) -> dict[str, Any]:
    return {
        "title": _localized(template.title),
        "intro": _localized(template.intro),
        "closing": _localized(template.closing),
        "languages": list(SUPPORTED_LANGUAGES),
        "sections": [
            {
                "id": section.id,
                "title": _localized(section.title),
                "questions": [{"id": question_id} for question_id in section.questions],
            }
            for section in template.sections
        ],
    }


def _title_of(draft: Draft) -> str:
    texts = draft.get("title") or {}
    languages = [*draft.get("languages", []), *SUPPORTED_LANGUAGES]
    return next((texts[lang] for lang in languages if texts.get(lang)), "—")[:TITLE_MAX_LENGTH]


def _like(draft: Draft, source: Any, template_id: str | None) -> Survey:
    """A new survey of `draft` with the audience, timing and anonymity of `source` (a template
    or a survey)."""
    return Survey(
        title=_title_of(draft),
        audience=source.audience,
        timing=source.timing,
        template_id=template_id,
        anonymous=source.anonymous,
        draft=draft,
    )


def _save_new(
    session: Session, survey: Survey, *, actor: str, action: str, details: dict | None = None
) -> Survey:
    """Add a new survey, give it its id, and write the audit line that says where it came from."""
    return save_with_audit(
        session, survey, actor=actor, action=action, kind="survey", details=details
    )


def create_survey_from_template(
    *, session: Session, template: SurveyTemplate, actor: str, title: str | None = None
) -> Survey:
    draft = draft_from_template(template)
    if title:
        draft["title"]["fr"] = title
    survey = _like(draft, template, template.id)
    return _save_new(
        session, survey, actor=actor, action="survey.create", details={"template": template.id}
    )


def create_survey(
    *,
    session: Session,
    actor: str,
    audience: str,
    timing: str,
    title: Texts,
    intro: Texts | None = None,
    closing: Texts | None = None,
    languages: Sequence[str] = SUPPORTED_LANGUAGES,
    anonymous: bool = False,
) -> Survey:
    """A survey from scratch: texts and settings, no question yet."""
    draft = blank_draft(title=title, intro=intro, closing=closing, languages=languages)
    survey = Survey(
        title=_title_of(draft), audience=audience, timing=timing, anonymous=anonymous, draft=draft
    )
    _check_settings(survey)
    return _save_new(session, survey, actor=actor, action="survey.create")


def _check_settings(survey: Survey) -> None:
    if survey.audience not in AUDIENCES:
        raise CompositionError("builder.errors.unknown_audience", audience=survey.audience)
    if survey.timing not in TIMINGS:
        raise CompositionError("builder.errors.unknown_timing", timing=survey.timing)


def get_survey(*, session: Session, survey_id: int) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise CompositionError("builder.errors.survey_missing", survey=survey_id)
    return survey


def list_surveys(*, session: Session, include_archived: bool = False) -> list[Survey]:
    query = select(Survey).order_by(Survey.status, Survey.title, Survey.id)
    if not include_archived:
        query = query.where(Survey.status == "active")
    return list(session.exec(query))


def change_draft(
    *, session: Session, survey: Survey, change: Callable[[Draft], Draft], actor: str
) -> Survey:
    """Apply a draft edit (a function of `surveys.builder.drafts`) and save the new draft.

    Only drafts change: versions already published, and the campaigns and answers that use
    them, stay as they were."""
    survey = ensure_editable(survey)
    survey.draft = change(copy.deepcopy(survey.draft))
    survey.title = _title_of(survey.draft)
    survey.updated_at = utc_now()
    return save_with_audit(session, survey, actor=actor, action="survey.edit", kind="survey")


def update_survey_settings(
    *,
    session: Session,
    survey: Survey,
    actor: str,
    audience: str | None = None,
    timing: str | None = None,
    anonymous: bool | None = None,
) -> Survey:
    survey = ensure_editable(survey)
    survey.audience = audience or survey.audience
    survey.timing = timing or survey.timing
    survey.anonymous = survey.anonymous if anonymous is None else bool(anonymous)
    _check_settings(survey)
    survey.updated_at = utc_now()
    settings = {"audience": survey.audience, "timing": survey.timing, "anonymous": survey.anonymous}
    return save_with_audit(
        session, survey, actor=actor, action="survey.settings", kind="survey", details=settings
    )


def duplicate_survey(
    *, session: Session, survey: Survey, actor: str, title: Texts | None = None
) -> Survey:
    """A new, unpublished survey with every setting and the whole draft of `survey`."""
    draft = copy.deepcopy(survey.draft)
    if title is not None:
        draft["title"] = {**draft.get("title", {}), **{k: v for k, v in title.items() if v}}
    copy_ = _like(draft, survey, survey.template_id)
    return _save_new(
        session, copy_, actor=actor, action="survey.duplicate", details={"from": survey.id}
    )


def _set_status(session: Session, survey: Survey, status: str, actor: str) -> Survey:
    survey.status = status
    survey.updated_at = utc_now()
    return save_with_audit(session, survey, actor=actor, action=f"survey.{status}", kind="survey")


def archive_survey(*, session: Session, survey: Survey, actor: str) -> Survey:
    """Hide the survey from new plans; its versions, plans, campaigns and answers stay."""
    return _set_status(session, survey, "archived", actor)


def restore_survey(*, session: Session, survey: Survey, actor: str) -> Survey:
    return _set_status(session, survey, "active", actor)
