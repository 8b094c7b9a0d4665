"""Survey composition and versions: a survey's draft is editable; a published version is frozen.

Draft shape (JSON on `Survey.draft`)::

    {"title": {"fr", "en"}, "intro": {...}, "closing": {...}, "languages": ["fr", "en"],
     "sections": [{"id", "title": {"fr", "en"}, "questions": [{"id", "required"}]}]}

A published `SurveyVersion.definition` has the same shape, with each question replaced by its
full definition (text, type, options...) as it was at publication, so answers keep their
meaning whatever happens to the banks later.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from question_banks.loader import QuestionCatalog
from question_banks.schema import SurveyTemplate
from surveys.audit import record
from surveys.models import Survey, SurveyVersion, utc_now


class CompositionError(ValueError):
    """A survey cannot be built, changed or published as asked (message in French)."""


class PublishedVersionIsFrozen(CompositionError):
    """A published version was about to change."""


def _localized(value: Any) -> dict[str, str]:
    if hasattr(value, "model_dump"):
        return value.model_dump()
    return dict(value or {})


def draft_from_template(template: SurveyTemplate) -> dict[str, Any]:
    return {
        "title": _localized(template.title),
        "intro": _localized(template.intro),
        "closing": _localized(template.closing),
        "languages": ["fr", "en"],
        "sections": [
            {
                "id": section.id,
                "title": _localized(section.title),
                "questions": [{"id": question_id} for question_id in section.questions],
            }
            for section in template.sections
        ],
    }


def create_survey_from_template(
    *, session: Session, template: SurveyTemplate, actor: str, title: str | None = None
) -> Survey:
    survey = Survey(
        title=title or template.title.fr,
        audience=template.audience,
        timing=template.timing,
        template_id=template.id,
        anonymous=template.anonymous,
        draft=draft_from_template(template),
    )
    session.add(survey)
    session.flush()
    record(session, actor=actor, action="survey.create", target=f"survey:{survey.id}",
           details={"template": template.id})
    return survey


def freeze_definition(draft: dict[str, Any], catalog: QuestionCatalog) -> dict[str, Any]:
    """The draft with every question id replaced by the question's full definition."""
    sections = []
    for section in draft["sections"]:
        questions = []
        for entry in section["questions"]:
            question = catalog.get(entry["id"])
            if question is None:
                raise CompositionError(f"La question « {entry['id']} » n'existe plus.")
            frozen = question.model_dump(mode="json")
            if "required" in entry:
                frozen["required"] = bool(entry["required"])
            questions.append(frozen)
        sections.append({"id": section["id"], "title": section["title"], "questions": questions})
    if not any(section["questions"] for section in sections):
        raise CompositionError("L'enquête ne contient aucune question.")
    return {**{key: value for key, value in draft.items() if key != "sections"},
            "sections": sections}


def publish_survey(
    *, session: Session, survey: Survey, catalog: QuestionCatalog, actor: str
) -> SurveyVersion:
    """Freeze the current draft as the next version number."""
    definition = freeze_definition(survey.draft, catalog)
    definition.update(audience=survey.audience, timing=survey.timing, anonymous=survey.anonymous)
    last = session.exec(
        select(sa.func.max(SurveyVersion.number)).where(SurveyVersion.survey_id == survey.id)
    ).one()
    version = SurveyVersion(
        survey_id=survey.id, number=(last or 0) + 1, definition=definition,
        anonymous=survey.anonymous, published_by=actor, published_at=utc_now(),
    )
    session.add(version)
    session.flush()
    record(session, actor=actor, action="survey.publish", target=f"survey:{survey.id}",
           details={"version": version.number})
    return version


def version_questions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Every question of a frozen version, in order."""
    return [question for section in definition["sections"] for question in section["questions"]]


@sa.event.listens_for(SurveyVersion, "before_update")
def _refuse_version_update(_mapper, _connection, target: SurveyVersion) -> None:  # type: ignore[no-untyped-def]
    raise PublishedVersionIsFrozen(
        f"La version {target.number} est publiée : elle ne peut plus être modifiée. "
        "Modifiez le brouillon de l'enquête puis publiez une nouvelle version."
    )
