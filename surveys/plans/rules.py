"""The rules a survey plan obeys, and its settings as a plain value (`PlanSpec`).

`check_plan` lists every problem in words staff understand: a plan without a survey, a
survey archived or never published, a survey meant for another audience or timing, a date
or a reminder policy that cannot work, the same line twice.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from sqlmodel import Session, select

from question_banks.schema import AUDIENCE_TIMINGS
from surveys.builder.checks import Problem
from surveys.models import Programme, Survey, SurveyPlan, SurveyVersion
from surveys.schedule import (
    COLD_OFFSET_DAYS,
    DEFAULT_CLOSE_AFTER_DAYS,
    DEFAULT_REMINDER_OFFSETS_DAYS,
    HOT_SEND_TIME,
)

COMPANY_COLD_OFFSET_DAYS = 90
USUAL_MIN_COLD_OFFSET_DAYS = 30
MAX_HOT_OFFSET_DAYS = 7
MAX_OFFSET_DAYS = 365
MAX_CLOSE_AFTER_DAYS = 365
MAX_REMINDERS = 5
SEND_TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class PlanSpec:
    """A plan's settings, before or after it is saved (`SurveyPlan` has the same names)."""

    programme_id: int | None
    survey_id: int | None
    audience: str
    timing: str
    offset_days: int = 0
    send_time: str = HOT_SEND_TIME
    reminder_offsets_days: tuple[int, ...] = DEFAULT_REMINDER_OFFSETS_DAYS
    close_after_days: int = DEFAULT_CLOSE_AFTER_DAYS

    @classmethod
    def of(cls, plan: SurveyPlan) -> PlanSpec:
        return cls(
            plan.programme_id,
            plan.survey_id,
            plan.audience,
            plan.timing,
            plan.offset_days,
            plan.send_time,
            tuple(plan.reminder_offsets_days),
            plan.close_after_days,
        )


def _labels(spec: PlanSpec) -> dict[str, str]:
    return {"audience": f"vocab.role.{spec.audience}", "timing": f"vocab.timing.{spec.timing}"}


def _survey_problems(session: Session, spec: PlanSpec) -> list[Problem]:
    if spec.survey_id is None:
        return [Problem("builder.plans.problems.no_survey", labels=_labels(spec))]
    survey = session.get(Survey, spec.survey_id)
    if survey is None:
        return [Problem("builder.plans.problems.survey_missing", {"survey": spec.survey_id})]
    title = survey.draft.get("title") or survey.title
    problems = []
    if survey.status == "archived":
        problems.append(Problem("builder.plans.problems.survey_archived", {"survey": title}))
    if not session.exec(
        select(SurveyVersion.id).where(SurveyVersion.survey_id == survey.id).limit(1)
    ).first():
        problems.append(Problem("builder.plans.problems.survey_unpublished", {"survey": title}))
    if (survey.audience, survey.timing) != (spec.audience, spec.timing):
        problems.append(
            Problem(
                "builder.plans.problems.survey_mismatch",
                {"survey": title},
                {
                    "survey_audience": f"vocab.role.{survey.audience}",
                    "survey_timing": f"vocab.timing.{survey.timing}",
                    **_labels(spec),
                },
            )
        )
    return problems


def _when_problems(session: Session, spec: PlanSpec) -> list[Problem]:
    problems = []
    if spec.timing not in AUDIENCE_TIMINGS.get(spec.audience, ()):
        problems.append(Problem("builder.plans.problems.audience_timing", labels=_labels(spec)))
    if spec.timing == "annual" and spec.programme_id is not None:
        problems.append(Problem("builder.plans.problems.annual_is_organisation_wide"))
    if spec.timing != "annual" and spec.programme_id is None:
        problems.append(Problem("builder.plans.problems.session_plan_needs_programme"))
    days = {"days": spec.offset_days}
    if spec.timing == "hot" and not 0 <= spec.offset_days <= MAX_HOT_OFFSET_DAYS:
        problems.append(
            Problem("builder.plans.problems.hot_offset", {**days, "max": MAX_HOT_OFFSET_DAYS})
        )
    if spec.timing == "cold" and not 1 <= spec.offset_days <= MAX_OFFSET_DAYS:
        problems.append(
            Problem("builder.plans.problems.cold_offset", {**days, "max": MAX_OFFSET_DAYS})
        )
    elif spec.timing == "cold" and spec.offset_days < USUAL_MIN_COLD_OFFSET_DAYS:
        problems.append(Problem("builder.plans.problems.cold_soon", days, blocking=False))
    programme = session.get(Programme, spec.programme_id) if spec.programme_id else None
    skills_days = COLD_OFFSET_DAYS["skills_assessment"]
    if (
        programme is not None
        and programme.kind == "skills_assessment"
        and spec.timing == "cold"
        and spec.audience == "learner"
        and 1 <= spec.offset_days < skills_days
    ):
        problems.append(
            Problem(
                "builder.plans.problems.skills_assessment_cold",
                {**days, "expected": skills_days},
                blocking=False,
            )
        )
    return problems


def _policy_problems(spec: PlanSpec) -> list[Problem]:
    problems = []
    if not SEND_TIME_PATTERN.match(spec.send_time or ""):
        problems.append(Problem("builder.plans.problems.send_time", {"time": spec.send_time}))
    close = spec.close_after_days
    if not 1 <= close <= MAX_CLOSE_AFTER_DAYS:
        problems.append(
            Problem(
                "builder.plans.problems.close_after", {"days": close, "max": MAX_CLOSE_AFTER_DAYS}
            )
        )
    offsets = list(spec.reminder_offsets_days)
    increasing = all(a < b for a, b in itertools.pairwise(offsets))
    if offsets and (not increasing or offsets[0] < 1 or offsets[-1] >= close):
        problems.append(
            Problem(
                "builder.plans.problems.reminders",
                {"days": ", ".join(map(str, offsets)), "close": close},
            )
        )
    if len(offsets) > MAX_REMINDERS:
        problems.append(
            Problem("builder.plans.problems.too_many_reminders", {"max": MAX_REMINDERS})
        )
    return problems


def _duplicate_problems(session: Session, spec: PlanSpec, ignore_id: int | None) -> list[Problem]:
    """The same audience, timing and delay twice would survey the same people twice."""
    same_programme = (
        SurveyPlan.programme_id == spec.programme_id
        if spec.programme_id
        else SurveyPlan.programme_id.is_(None)
    )
    query = select(SurveyPlan.id).where(
        same_programme,
        SurveyPlan.active.is_(True),
        SurveyPlan.audience == spec.audience,
        SurveyPlan.timing == spec.timing,
        SurveyPlan.offset_days == spec.offset_days,
    )
    if ignore_id is not None:
        query = query.where(SurveyPlan.id != ignore_id)
    if session.exec(query.limit(1)).first() is None:
        return []
    return [Problem("builder.plans.problems.duplicate", {"days": spec.offset_days}, _labels(spec))]


def check_plan(spec: PlanSpec, *, session: Session, plan_id: int | None = None) -> list[Problem]:
    """Every reason the plan would not work (blocking) or deserves a second look."""
    return [
        *_survey_problems(session, spec),
        *_when_problems(session, spec),
        *_policy_problems(spec),
        *_duplicate_problems(session, spec, plan_id),
    ]
