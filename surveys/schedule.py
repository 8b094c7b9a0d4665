"""The schedule's defaults and its Paris wall-clock arithmetic: one home for both.

Plans (`surveys.plans`), the planner (`reminders.policy`), the tables' column defaults and
the demo read their defaults here. Times are computed in Europe/Paris (the organisation's
wall clock: "17:00 on the last day") and returned in UTC, as the database stores them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from surveys.config import DISPLAY_TIMEZONE

DEFAULT_REMINDER_OFFSETS_DAYS = (3, 7)
DEFAULT_CLOSE_AFTER_DAYS = 30
# The dropout survey: sent this many days after the dropout is recorded, with one reminder.
DEFAULT_DROPOUT_DELAY_DAYS = 3
DROPOUT_REMINDER_OFFSETS_DAYS = (3,)
HOT_SEND_TIME = "17:00"  # the end of the last day, while the training is fresh
COLD_SEND_TIME = "10:00"  # a working morning, when people read their mail
DEFAULT_SEND_TIMES = {"hot": HOT_SEND_TIME, "cold": COLD_SEND_TIME, "annual": COLD_SEND_TIME}
COLD_OFFSET_DAYS = {"training": 90, "skills_assessment": 180}
_SEND_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_send_time(text: str) -> time:
    """`HH:MM` (24 h) as a time; ValueError otherwise."""
    match = _SEND_TIME.match((text or "").strip())
    if match is None:
        raise ValueError(f"send time must look like 17:00, got {text!r}")
    return time(int(match.group(1)), int(match.group(2)))


def paris_time(day: date, send_time: str) -> datetime:
    """`send_time` on `day` in Paris, as UTC (daylight saving handled by zoneinfo)."""
    local = datetime.combine(day, parse_send_time(send_time), tzinfo=DISPLAY_TIMEZONE)
    return local.astimezone(UTC)


def add_days_in_paris(moment: datetime, days: int) -> datetime:
    """`days` calendar days later at the same Paris wall-clock time (17:00 stays 17:00 across a
    daylight-saving change), as UTC."""
    return (moment.astimezone(DISPLAY_TIMEZONE) + timedelta(days=days)).astimezone(UTC)


def paris_year(moment: datetime) -> int:
    return moment.astimezone(DISPLAY_TIMEZONE).year


@dataclass(frozen=True)
class Schedule:
    """A plan's sending rule: `offset_days` after the session's last day (or after January 1st
    for a yearly campaign), at `send_time` Paris time; reminders `reminder_offsets_days` after
    the invitation; the campaign closes `close_after_days` after it starts."""

    offset_days: int = 0
    send_time: str = HOT_SEND_TIME
    reminder_offsets_days: tuple[int, ...] = DEFAULT_REMINDER_OFFSETS_DAYS
    close_after_days: int = DEFAULT_CLOSE_AFTER_DAYS


def session_campaign_start(schedule: Schedule, session_end: date) -> datetime:
    return paris_time(session_end + timedelta(days=schedule.offset_days), schedule.send_time)


def closes_at(start: datetime, schedule: Schedule) -> datetime:
    return add_days_in_paris(start, schedule.close_after_days)
