"""Published versions: what publishing freezes, the version list, and the rule that a
published version never changes.

A version's `definition` is the survey draft with each question replaced by its full
definition as it was at publication (see `surveys.builder.composition` for the draft shape),
plus the survey's `audience`, `timing` and `anonymous`. Campaigns and answers point at a version, so
they keep their meaning whatever happens to the draft or to the banks afterwards. The ORM
listeners at the end refuse any update or deletion of a version, whoever tries.
"""

from __future__ import annotations

import copy
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from question_banks.loader import QuestionCatalog
from surveys.audit import record
from surveys.builder.checks import Problem, blocking, check_draft
from surveys.builder.drafts import CompositionError, PublishedVersionIsFrozen, entry_required
from surveys.frozen import FrozenSurvey
from surveys.models import Survey, SurveyVersion, utc_now


class SurveyNotPublishable(CompositionError):
    """Publication refused; `problems` says why, each in the reader's language."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("builder.errors.not_publishable", count=len(problems))
        self.problems = problems

    def message(self, language: str | None = "fr") -> str:
        lines = [problem.message(language or "fr") for problem in self.problems]
        return "\n".join([super().message(language), *(f"- {line}" for line in lines)])


def ensure_editable(survey: Survey | SurveyVersion) -> Survey:
    if isinstance(survey, SurveyVersion):
        raise PublishedVersionIsFrozen("builder.errors.version_frozen", number=survey.number)
    if survey.status == "archived":
        raise CompositionError("builder.errors.archived", title=survey.title)
    return survey


def check_survey(survey: Survey, *, catalog: QuestionCatalog) -> list[Problem]:
    return check_draft(
        survey.draft, catalog=catalog, audience=survey.audience, timing=survey.timing
    )


def freeze_definition(draft: dict[str, Any], catalog: QuestionCatalog) -> dict[str, Any]:
    """The draft with every question id replaced by the question's full definition."""
    sections = []
    for section in draft["sections"]:
        questions = []
        for entry in section["questions"]:
            question = catalog.get(entry["id"])
            if question is None:
                raise CompositionError("builder.errors.question_missing", question=entry["id"])
            frozen = question.model_dump(mode="json")
            frozen["required"] = entry_required(entry, question)
            questions.append(frozen)
        sections.append(
            {"id": section["id"], "title": copy.deepcopy(section["title"]), "questions": questions}
        )
    if not any(section["questions"] for section in sections):
        raise CompositionError("builder.errors.no_questions")
    rest = {key: copy.deepcopy(value) for key, value in draft.items() if key != "sections"}
    return {**rest, "sections": sections}


def preview_definition(survey: Survey, *, catalog: QuestionCatalog) -> dict[str, Any]:
    """Exactly what publishing now would freeze: the preview renders this."""
    definition = freeze_definition(survey.draft, catalog)
    definition.update(audience=survey.audience, timing=survey.timing, anonymous=survey.anonymous)
    return definition


def list_versions(*, session: Session, survey_id: int) -> list[SurveyVersion]:
    query = select(SurveyVersion).where(SurveyVersion.survey_id == survey_id)
    return list(session.exec(query.order_by(SurveyVersion.number)))


def latest_version(*, session: Session, survey_id: int) -> SurveyVersion | None:
    query = select(SurveyVersion).where(SurveyVersion.survey_id == survey_id)
    return session.exec(query.order_by(SurveyVersion.number.desc()).limit(1)).first()


def has_unpublished_changes(*, session: Session, survey: Survey, catalog: QuestionCatalog) -> bool:
    """True when publishing now would give respondents something the last version does not."""
    latest = latest_version(session=session, survey_id=survey.id)
    if latest is None:
        return True
    try:
        return preview_definition(survey, catalog=catalog) != latest.definition
    except CompositionError:
        return True


def publish_survey(
    *, session: Session, survey: Survey, catalog: QuestionCatalog, actor: str
) -> SurveyVersion:
    """Freeze the current draft as the next version number (refused with every blocking
    problem listed, or when nothing changed since the last version)."""
    survey = ensure_editable(survey)
    problems = blocking(check_survey(survey, catalog=catalog))
    if problems:
        raise SurveyNotPublishable(problems)
    definition = preview_definition(survey, catalog=catalog)
    last = latest_version(session=session, survey_id=survey.id)
    if last is not None and last.definition == definition:
        raise CompositionError("builder.errors.nothing_to_publish", number=last.number)
    version = SurveyVersion(
        survey_id=survey.id,
        number=(last.number if last else 0) + 1,
        definition=definition,
        anonymous=survey.anonymous,
        published_by=actor,
        published_at=utc_now(),
    )
    session.add(version)
    session.flush()
    record(
        session,
        actor=actor,
        action="survey.publish",
        target=f"survey:{survey.id}",
        details={"version": version.number},
    )
    return version


def version_questions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Every question of a frozen version, in order."""
    return [dict(question) for question in FrozenSurvey(definition).questions()]


@sa.event.listens_for(SurveyVersion, "before_update")
def _refuse_version_update(_mapper, _connection, target: SurveyVersion) -> None:  # type: ignore[no-untyped-def]
    raise PublishedVersionIsFrozen("builder.errors.version_frozen", number=target.number)


@sa.event.listens_for(SurveyVersion, "before_delete")
def _refuse_version_delete(_mapper, _connection, target: SurveyVersion) -> None:  # type: ignore[no-untyped-def]
    raise PublishedVersionIsFrozen("builder.errors.version_frozen", number=target.number)
