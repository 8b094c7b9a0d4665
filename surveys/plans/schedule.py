"""When a plan's campaign for a session starts and closes (Paris wall clock, returned in UTC).

Pure, and in `surveys` because both the planner (`reminders.planner`) and the session link of
a campaign answered in the room (`surveys.room`) create a session's campaign from its plan.
`reminders.policy` re-exports these names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from surveys.config import DISPLAY_TIMEZONE
from surveys.models import Campaign, SurveyPlan

PARIS = DISPLAY_TIMEZONE
DEFAULT_REMINDER_OFFSETS_DAYS = (3, 7)
DEFAULT_CLOSE_AFTER_DAYS = 30
_SEND_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Schedule:
    """A plan's sending rule: `offset_days` after the session's last day (or after January 1st
    for a yearly campaign), at `send_time` Paris time; reminders `reminder_offsets_days` after
    the invitation; the campaign closes `close_after_days` after it starts."""

    offset_days: int = 0
    send_time: str = "17:00"
    reminder_offsets_days: tuple[int, ...] = DEFAULT_REMINDER_OFFSETS_DAYS
    close_after_days: int = DEFAULT_CLOSE_AFTER_DAYS


def parse_send_time(text: str) -> time:
    """`HH:MM` (24 h) as a time; ValueError otherwise."""
    match = _SEND_TIME.match((text or "").strip())
    if match is None:
        raise ValueError(f"send time must look like 17:00, got {text!r}")
    return time(int(match.group(1)), int(match.group(2)))


def paris_time(day: date, send_time: str) -> datetime:
    """`send_time` on `day` in Paris, as UTC (daylight saving handled by zoneinfo)."""
    local = datetime.combine(day, parse_send_time(send_time), tzinfo=PARIS)
    return local.astimezone(UTC)


def add_days_in_paris(moment: datetime, days: int) -> datetime:
    """`days` calendar days later at the same Paris wall-clock time (17:00 stays 17:00 across a
    daylight-saving change), as UTC."""
    return (moment.astimezone(PARIS) + timedelta(days=days)).astimezone(UTC)


def session_campaign_start(schedule: Schedule, session_end: date) -> datetime:
    return paris_time(session_end + timedelta(days=schedule.offset_days), schedule.send_time)


def closes_at(start: datetime, schedule: Schedule) -> datetime:
    return add_days_in_paris(start, schedule.close_after_days)


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
    return Campaign(
        key=key,
        plan_id=plan.id,
        survey_version_id=version_id,
        session_id=session_id,
        audience=plan.audience,
        timing=plan.timing,
        label=label[:200],
        scheduled_at=start,
        closes_at=closes_at(start, schedule),
        reminder_offsets_days=list(schedule.reminder_offsets_days),
        status="open",
    )
