"""A plan's campaign, built from its schedule (`surveys.schedule`).

In `surveys` because both the planner (`reminders.planner`) and the session link of a
campaign answered in the room (`surveys.room`) create a session's campaign from its plan.
"""

from __future__ import annotations

from datetime import datetime

from surveys.campaigns import campaign_fields
from surveys.models import Campaign, SurveyPlan
from surveys.schedule import Schedule


def plan_schedule(plan: SurveyPlan) -> Schedule:
    return Schedule(
        offset_days=plan.offset_days,
        send_time=plan.send_time,
        reminder_offsets_days=tuple(plan.reminder_offsets_days or ()),
        close_after_days=plan.close_after_days,
    )


def new_campaign(
    plan: SurveyPlan,
    version_id: int,
    *,
    key: str,
    label: str,
    start: datetime,
    session_id: int | None,
) -> Campaign:
    """A campaign of `plan` starting at `start` (not yet added)."""
    schedule = plan_schedule(plan)
    fields = campaign_fields(
        key=key,
        plan_id=plan.id,
        version_id=version_id,
        session_id=session_id,
        audience=plan.audience,
        timing=plan.timing,
        label=label,
        start=start,
        close_after_days=schedule.close_after_days,
        reminder_offsets_days=schedule.reminder_offsets_days,
    )
    return Campaign(**fields, status="open")
