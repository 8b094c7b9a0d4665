"""The demo's surveys and plans: every ready-made template published, and the default plans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from question_banks.loader import QuestionCatalog, load_templates
from surveys.composition import create_survey_from_template, publish_survey, version_questions
from surveys.demo.organisation import PROGRAMMES
from surveys.models import SurveyPlan


@dataclass
class DemoPlan:
    """A saved plan with what the demo needs to run its campaigns."""

    plan_id: int
    version_id: int
    questions: list[dict[str, Any]]
    anonymous: bool
    audience: str
    timing: str
    offset_days: int | None


def _publish_templates(session: Session, catalog: QuestionCatalog) -> tuple[dict, dict]:
    templates = {template.id: template for template in load_templates(catalog=catalog)}
    versions = {}
    for template_id, template in templates.items():
        survey = create_survey_from_template(session=session, template=template, actor="demo")
        versions[template_id] = publish_survey(
            session=session, survey=survey, catalog=catalog, actor="demo"
        )
    return templates, versions


def publish_and_plan(
    session: Session, catalog: QuestionCatalog, programme_ids: dict[str, int]
) -> dict[tuple[str | None, str], DemoPlan]:
    """Publish one survey per ready-made template and attach the default plans."""
    templates, versions = _publish_templates(session, catalog)
    plans: dict[tuple[str | None, str], DemoPlan] = {}

    def attach(programme: str | None, template_id: str, offset: int | None) -> None:
        version = versions[template_id]
        template = templates[template_id]
        plan = SurveyPlan(
            programme_id=programme_ids[programme] if programme else None,
            survey_id=version.survey_id,
            audience=template.audience,
            timing=template.timing,
            offset_days=offset or 0,
            send_time="17:00" if template.timing == "hot" else "10:00",
        )
        session.add(plan)
        session.flush()
        plans[(programme, template_id)] = DemoPlan(
            plan.id,
            version.id,
            version_questions(version.definition),
            version.anonymous,
            template.audience,
            template.timing,
            offset,
        )

    for code, _name, kind, _modality in PROGRAMMES:
        cold = "learner_cold_skills_assessment" if kind == "skills_assessment" else "learner_cold"
        attach(code, "learner_hot", 0)
        attach(code, cold, 180 if kind == "skills_assessment" else 90)
        attach(code, "company_cold", 90)
        attach(code, "trainer_debrief", 0)
    attach(None, "financer_annual", None)
    return plans
