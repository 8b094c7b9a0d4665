"""Survey plans: which published survey goes to which audience, when, with which reminders.

The plans are the auditable "relevant frequency" of Qualiopi indicator 30. Per programme:
learners hot on the last day of each session and cold N days later (90; 180 for skills
assessments), companies cold, trainers hot (their debrief). Organisation-wide (no programme):
the yearly financer survey. `propose_default_plan` suggests all that for a new programme;
`describe_plan` says a plan in a sentence staff and auditors read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlmodel import Session, select

from question_banks.schema import AUDIENCES, TIMINGS
from surveys.audit import save_with_audit
from surveys.builder.checks import Problem, blocking
from surveys.i18n import TranslatableError, t
from surveys.models import Programme, Survey, SurveyPlan, SurveyVersion
from surveys.plans.rules import COMPANY_COLD_OFFSET_DAYS, PlanSpec, check_plan
from surveys.schedule import (
    COLD_OFFSET_DAYS,
    COLD_SEND_TIME,
    DEFAULT_CLOSE_AFTER_DAYS,
    DEFAULT_REMINDER_OFFSETS_DAYS,
    HOT_SEND_TIME,
)

__all__ = [
    "COLD_OFFSET_DAYS",
    "DEFAULT_CLOSE_AFTER_DAYS",
    "DEFAULT_REMINDER_OFFSETS_DAYS",
    "HOT_SEND_TIME",
    "PlanError",
    "PlanReview",
    "PlanSpec",
    "adopt_plans",
    "check_plan",
    "create_plan",
    "deactivate_plan",
    "describe_plan",
    "describe_plans",
    "list_plans",
    "proposal_for",
    "propose_default_plan",
    "propose_financer_plan",
    "published_surveys",
    "review_plans",
    "update_plan",
]


class PlanError(TranslatableError):
    """A plan was refused; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("builder.plans.errors.refused", count=len(problems))
        self.problems = problems

    def message(self, language: str | None = "fr") -> str:
        lines = [problem.message(language or "fr") for problem in self.problems]
        return "\n".join([super().message(language), *(f"- {line}" for line in lines)])


@dataclass(frozen=True)
class _Slot:
    audience: str
    timing: str
    offset_days: int
    template_id: str


def _default_slots(programme_kind: str) -> list[_Slot]:
    skills = programme_kind == "skills_assessment"
    cold_template = "learner_cold_skills_assessment" if skills else "learner_cold"
    cold_days = COLD_OFFSET_DAYS.get(programme_kind, COLD_OFFSET_DAYS["training"])
    return [
        _Slot("learner", "hot", 0, "learner_hot"),
        _Slot("learner", "cold", cold_days, cold_template),
        _Slot("company", "cold", COMPANY_COLD_OFFSET_DAYS, "company_cold"),
        _Slot("trainer", "hot", 0, "trainer_debrief"),
    ]


def published_surveys(
    *, session: Session, audience: str | None = None, timing: str | None = None
) -> list[Survey]:
    """Active surveys with at least one published version: the ones plans may use."""
    has_version = select(SurveyVersion.id).where(SurveyVersion.survey_id == Survey.id).exists()
    query = select(Survey).where(Survey.status == "active", has_version)
    if audience:
        query = query.where(Survey.audience == audience)
    if timing:
        query = query.where(Survey.timing == timing)
    return list(session.exec(query.order_by(Survey.updated_at.desc(), Survey.id.desc())))


def _best_survey(session: Session, slot: _Slot) -> int | None:
    """The published survey made from the slot's template, else the latest fitting one."""
    candidates = published_surveys(session=session, audience=slot.audience, timing=slot.timing)
    preferred = [survey for survey in candidates if survey.template_id == slot.template_id]
    chosen = (preferred or candidates or [None])[0]
    return chosen.id if chosen is not None else None


def _send_time(timing: str) -> str:
    return HOT_SEND_TIME if timing == "hot" else COLD_SEND_TIME


def propose_default_plan(*, session: Session, programme: Programme) -> list[PlanSpec]:
    """The plan we suggest for a programme; `survey_id` is None where no survey fits yet."""
    return [
        PlanSpec(
            programme.id,
            _best_survey(session, slot),
            slot.audience,
            slot.timing,
            slot.offset_days,
            _send_time(slot.timing),
        )
        for slot in _default_slots(programme.kind)
    ]


def propose_financer_plan(*, session: Session) -> PlanSpec:
    """The organisation-wide yearly financer survey (at least once a year, indicator 30)."""
    slot = _Slot("financer", "annual", 0, "financer_annual")
    return PlanSpec(None, _best_survey(session, slot), "financer", "annual", 0, COLD_SEND_TIME)


def list_plans(
    *, session: Session, programme_id: int | None, include_inactive: bool = False
) -> list[SurveyPlan]:
    """The plans of a programme, or the organisation-wide ones when `programme_id` is None,
    learners first, then companies, trainers and financers, each in the order they are sent."""
    where = (
        SurveyPlan.programme_id == programme_id
        if programme_id is not None
        else SurveyPlan.programme_id.is_(None)
    )
    query = select(SurveyPlan).where(where)
    if not include_inactive:
        query = query.where(SurveyPlan.active.is_(True))
    return sorted(
        session.exec(query),
        key=lambda plan: (
            AUDIENCES.index(plan.audience),
            TIMINGS.index(plan.timing),
            plan.offset_days,
            plan.id,
        ),
    )


def create_plan(*, session: Session, spec: PlanSpec, actor: str) -> SurveyPlan:
    problems = blocking(check_plan(spec, session=session))
    if problems:
        raise PlanError(problems)
    fields = {**asdict(spec), "reminder_offsets_days": list(spec.reminder_offsets_days)}
    plan = SurveyPlan(**fields)
    return save_with_audit(
        session, plan, actor=actor, action="plan.create", kind="plan", details=fields
    )


def adopt_plans(
    *, session: Session, specs: Sequence[PlanSpec], actor: str
) -> tuple[list[SurveyPlan], list[tuple[PlanSpec, list[Problem]]]]:
    """Create every valid plan of `specs`; return them and the refused ones with why."""
    created, refused = [], []
    for spec in specs:
        problems = blocking(check_plan(spec, session=session))
        if problems:
            refused.append((spec, problems))
        else:
            created.append(create_plan(session=session, spec=spec, actor=actor))
    return created, refused


def update_plan(*, session: Session, plan: SurveyPlan, actor: str, **changes: Any) -> SurveyPlan:
    spec = replace(PlanSpec.of(plan), **changes)
    problems = blocking(check_plan(spec, session=session, plan_id=plan.id))
    if problems:
        raise PlanError(problems)
    for name, value in asdict(spec).items():
        setattr(plan, name, list(value) if isinstance(value, tuple) else value)
    details = {name: list(v) if isinstance(v, tuple) else v for name, v in changes.items()}
    return save_with_audit(
        session, plan, actor=actor, action="plan.update", kind="plan", details=details
    )


def deactivate_plan(*, session: Session, plan: SurveyPlan, actor: str) -> SurveyPlan:
    """Stop planning new campaigns; campaigns already made from the plan are kept."""
    plan.active = False
    return save_with_audit(session, plan, actor=actor, action="plan.deactivate", kind="plan")


def _join_days(days: Sequence[int], language: str) -> str:
    words = [str(day) for day in days]
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {t('builder.plans.describe.and', language)} {words[-1]}"


def describe_plan(
    plan: PlanSpec | SurveyPlan,
    *,
    survey_title: Mapping[str, str] | str | None,
    language: str = "fr",
) -> str:
    """The plan in one sentence, e.g. "Apprenants : « Votre avis… », envoyée le dernier jour de
    chaque session à 17:00 ; relances 3 et 7 jours après l'envoi… ; clôture 30 jours après."""
    spec = plan if isinstance(plan, PlanSpec) else PlanSpec.of(plan)
    title = (
        survey_title.get(language) or survey_title.get("fr", "")
        if isinstance(survey_title, Mapping)
        else survey_title
    )
    params = {
        "audience": t(f"vocab.stakeholder.{spec.audience}", language),
        "survey": title or t("builder.plans.describe.no_survey", language),
        "time": spec.send_time,
        "days": spec.offset_days,
    }
    when = (
        "annual" if spec.timing == "annual" else "at_end" if spec.offset_days == 0 else "after_end"
    )
    parts = [t(f"builder.plans.describe.{when}", language, **params)]
    offsets = list(spec.reminder_offsets_days)
    parts.append(
        t("builder.plans.describe.reminders", language, days=_join_days(offsets, language))
        if offsets
        else t("builder.plans.describe.no_reminder", language)
    )
    parts.append(t("builder.plans.describe.closes", language, days=spec.close_after_days))
    if spec.enrolment_scope != "completed":
        parts.append(t(f"builder.plans.scopes.{spec.enrolment_scope}", language).lower())
    return t("builder.plans.describe.separator", language).join(parts) + "."


def describe_plans(
    *, session: Session, programme_id: int | None, language: str = "fr"
) -> list[str]:
    """Every active plan of a programme (or of the organisation) in words, for the audit."""
    return [
        describe_plan(plan, survey_title=_survey_title(session, plan.survey_id), language=language)
        for plan in list_plans(session=session, programme_id=programme_id)
    ]


@dataclass(frozen=True)
class PlanReview:
    """A plan (saved, or proposed when `plan_id` is None) in words, with what is wrong."""

    plan_id: int | None
    spec: PlanSpec
    sentence: str
    problems: list[Problem]


def _survey_title(session: Session, survey_id: int | None) -> Mapping[str, str] | None:
    survey = session.get(Survey, survey_id) if survey_id is not None else None
    return survey.draft.get("title") if survey is not None else None


def proposal_for(*, session: Session, programme_id: int | None) -> list[PlanSpec]:
    """The default plan of a programme, or the organisation-wide financer plan (None)."""
    if programme_id is None:
        return [propose_financer_plan(session=session)]
    programme = session.get(Programme, programme_id)
    return propose_default_plan(session=session, programme=programme) if programme else []


def review_plans(
    *, session: Session, programme_id: int | None, language: str = "fr", proposed: bool = False
) -> list[PlanReview]:
    """The active plans (or, with `proposed`, the default proposal), each in a sentence with
    its problems checked now: a survey archived since the plan was made shows up here."""
    if proposed:
        items = [(None, spec) for spec in proposal_for(session=session, programme_id=programme_id)]
    else:
        items = [
            (plan.id, PlanSpec.of(plan))
            for plan in list_plans(session=session, programme_id=programme_id)
        ]
    return [
        PlanReview(
            plan_id,
            spec,
            describe_plan(
                spec, survey_title=_survey_title(session, spec.survey_id), language=language
            ),
            check_plan(spec, session=session, plan_id=plan_id),
        )
        for plan_id, spec in items
    ]
