"""The demo's surveys and plans: every ready-made template published, then the default plan of
each programme and the yearly financer plan adopted exactly as staff adopt them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from question_banks.loader import QuestionCatalog, load_templates
from surveys.builder.composition import (
    create_survey_from_template,
    publish_survey,
    update_survey_settings,
    version_questions,
)
from surveys.models import Programme, Survey, SurveyPlan, SurveyVersion
from surveys.plans.rules import PlanSpec
from surveys.plans.service import adopt_plans, propose_default_plan, propose_financer_plan
from surveys.schedule import DEFAULT_DROPOUT_DELAY_DAYS, DROPOUT_REMINDER_OFFSETS_DAYS

PlanKey = tuple[str | None, str]  # (programme code or None, template id)


@dataclass(frozen=True)
class DemoPlan:
    """A saved plan with the survey version its campaigns send."""

    plan_id: int
    spec: PlanSpec
    version_id: int
    questions: list[dict[str, Any]]
    anonymous: bool
    title: str = ""  # the survey's title: campaigns are named after it, as the planner does

    @property
    def audience(self) -> str:
        return self.spec.audience

    @property
    def timing(self) -> str:
        return self.spec.timing


def _publish_templates(
    session: Session, catalog: QuestionCatalog, anonymous: tuple[str, ...]
) -> dict[str, SurveyVersion]:
    """One published survey per ready-made template, by template id; those of `anonymous`
    set to keep no link to the person, as staff set it in the builder."""
    versions = {}
    for template in load_templates(catalog=catalog):
        survey = create_survey_from_template(session=session, template=template, actor="demo")
        if template.id in anonymous:
            survey = update_survey_settings(
                session=session, survey=survey, actor="demo", anonymous=True
            )
        versions[template.id] = publish_survey(
            session=session, survey=survey, catalog=catalog, actor="demo"
        )
    return versions


def dropout_plan(programme_id: int, survey_id: int | None) -> PlanSpec:
    """The dropout survey, as staff add it: to those who dropped out, three days after the
    dropout is recorded, with one reminder."""
    return PlanSpec(
        programme_id,
        survey_id,
        "learner",
        "hot",
        offset_days=DEFAULT_DROPOUT_DELAY_DAYS,
        reminder_offsets_days=DROPOUT_REMINDER_OFFSETS_DAYS,
        enrolment_scope="dropped_out",
    )


def _proposals(
    session: Session, programme_ids: dict[str, int], dropout_survey_id: int | None
) -> list[PlanSpec]:
    specs = []
    for programme_id in programme_ids.values():
        programme = session.get(Programme, programme_id)
        specs += propose_default_plan(session=session, programme=programme)
        if dropout_survey_id is not None:
            specs.append(dropout_plan(programme_id, dropout_survey_id))
    return [*specs, propose_financer_plan(session=session)]


def _demo_plan(session: Session, plan: SurveyPlan, version: SurveyVersion) -> DemoPlan:
    survey = session.get(Survey, version.survey_id)
    return DemoPlan(
        title=survey.title if survey else "",
        plan_id=plan.id,
        spec=PlanSpec.of(plan),
        version_id=version.id,
        questions=version_questions(version.definition),
        anonymous=version.anonymous,
    )


def publish_and_plan(
    session: Session,
    catalog: QuestionCatalog,
    programme_ids: dict[str, int],
    *,
    anonymous: tuple[str, ...] = (),
) -> dict[PlanKey, DemoPlan]:
    """Publish the templates, adopt the proposed plans, and index them by programme and
    template."""
    versions = _publish_templates(session, catalog, anonymous)
    dropout = versions.get("learner_dropout")
    dropout_id = dropout.survey_id if dropout is not None else None
    created, refused = adopt_plans(
        session=session,
        specs=_proposals(session, programme_ids, dropout_id),
        actor="demo",
    )
    if refused:
        raise RuntimeError(f"the demo's default plans were refused: {refused}")
    codes = {programme_id: code for code, programme_id in programme_ids.items()}
    by_survey = {version.survey_id: (template, version) for template, version in versions.items()}
    plans = {}
    for plan in created:
        template_id, version = by_survey[plan.survey_id]
        plans[(codes.get(plan.programme_id), template_id)] = _demo_plan(session, plan, version)
    return plans
