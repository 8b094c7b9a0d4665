"""Plans page part: adopt the proposal, withdraw a plan, add a plan line (not a page)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import Any

import streamlit as st
from sqlmodel import Session

from surveys.db import read_session, write_session
from surveys.models import ENROLMENT_SCOPES, SurveyPlan
from surveys.pages.builder_parts import flash, run_action, survey_label
from surveys.pages.common import choose, context, identity, lang, tr
from surveys.plans.service import (
    DEFAULT_CLOSE_AFTER_DAYS,
    DEFAULT_REMINDER_OFFSETS_DAYS,
    PlanSpec,
    adopt_plans,
    create_plan,
    deactivate_plan,
    published_surveys,
)

KEY = "plans_form"


def adopt(specs: Sequence[PlanSpec]) -> None:
    with write_session(context().engine) as session:
        created, refused = adopt_plans(session=session, specs=specs, actor=identity().email)
    if created:
        flash("success", tr("builder.plans.adopted", count=len(created)))
    for _spec, problems in refused:
        flash("error", "\n".join(problem.message(lang()) for problem in problems))


def _deactivate(*, session: Session, actor: str, plan_id: int) -> Any:
    return deactivate_plan(session=session, plan=session.get(SurveyPlan, plan_id), actor=actor)


def deactivate(plan_id: int) -> None:
    run_action(_deactivate, "builder.plans.deactivated", plan_id=plan_id)


def _parse_days(value: str) -> list[int] | None:
    try:
        return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        return None


def _submitted(programme_id: int | None, timings: dict[int, tuple[str, str]]) -> None:
    state = st.session_state
    reminders = _parse_days(state[f"{KEY}_reminders"])
    if reminders is None:
        flash("error", tr("builder.plans.reminders_format"))
        return
    survey_id = state[f"{KEY}_survey"]
    # Without a survey, say what the plan would be for where it is being added.
    unset = ("learner", "hot") if programme_id else ("financer", "annual")
    audience, timing = timings.get(survey_id, unset)
    spec = PlanSpec(
        programme_id,
        survey_id,
        audience,
        timing,
        int(state[f"{KEY}_offset"]),
        state[f"{KEY}_time"].strftime("%H:%M"),
        tuple(reminders),
        int(state[f"{KEY}_close"]),
        state[f"{KEY}_scope"],
    )
    run_action(create_plan, "builder.plans.created", spec=spec)


def show_plan_form(programme_id: int | None) -> None:
    with read_session(context().engine) as session:
        surveys = published_surveys(session=session)
        names = {survey.id: survey_label(survey) for survey in surveys}
        timings = {survey.id: (survey.audience, survey.timing) for survey in surveys}
    with st.form(KEY):
        choose(
            st,
            tr("builder.plans.survey"),
            [None, *names],
            f"{KEY}_survey",
            lambda i: "—" if i is None else names[i],
            help=tr("builder.plans.survey_help"),
        )
        left, middle = st.columns(2)
        left.number_input(
            tr("builder.plans.offset"),
            min_value=0,
            max_value=730,
            value=0,
            key=f"{KEY}_offset",
            help=tr("builder.plans.offset_help"),
        )
        middle.time_input(
            tr("builder.plans.send_time"), value=time(17, 0), step=900, key=f"{KEY}_time"
        )
        left.text_input(
            tr("builder.plans.reminders"),
            key=f"{KEY}_reminders",
            value=", ".join(map(str, DEFAULT_REMINDER_OFFSETS_DAYS)),
            help=tr("builder.plans.reminders_help"),
        )
        middle.number_input(
            tr("builder.plans.close_after"),
            min_value=1,
            max_value=730,
            value=DEFAULT_CLOSE_AFTER_DAYS,
            key=f"{KEY}_close",
        )
        choose(
            st,
            tr("builder.plans.scope"),
            list(ENROLMENT_SCOPES),
            f"{KEY}_scope",
            "builder.plans.scopes",
            help=tr("builder.plans.scope_help"),
        )
        st.form_submit_button(
            tr("builder.plans.create"),
            key=f"{KEY}_submit",
            on_click=_submitted,
            args=(programme_id, timings),
        )
