"""Schedule decisions, pure: when a campaign starts and closes, when a reminder is due, how long
to wait before retrying, who may still receive an email. No database, no clock, no network:
every function takes the facts it decides on, so the rules are tested as tables.

Times are computed in Europe/Paris (the organisation's wall clock: "17:00 on the last day")
and returned in UTC, as the database stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from surveys.schedule import (
    COLD_OFFSET_DAYS,
    DEFAULT_CLOSE_AFTER_DAYS,
    DEFAULT_REMINDER_OFFSETS_DAYS,
    DEFAULT_SEND_TIMES,
    HOT_SEND_TIME,
    add_days_in_paris,
    paris_time,
)

MIN_DAYS_BETWEEN_REMINDERS = 1
RETRY_FIRST_DELAY_SECONDS = 300
RETRY_MAX_DELAY_SECONDS = 6 * 3600
DEFAULT_RETRY_GIVE_UP_DAYS = 3.0
OPEN_CAMPAIGN_STATUSES = ("scheduled", "open")
FINISHED_INVITATION_STATUSES = ("completed", "opted_out", "bounced")


@dataclass(frozen=True)
class Schedule:
    """A plan's sending rule: `offset_days` after the session's last day (or after January 1st
    for a yearly campaign), at `send_time` Paris time; reminders `reminder_offsets_days` after
    the invitation; the campaign closes `close_after_days` after it starts."""

    offset_days: int = 0
    send_time: str = HOT_SEND_TIME
    reminder_offsets_days: tuple[int, ...] = DEFAULT_REMINDER_OFFSETS_DAYS
    close_after_days: int = DEFAULT_CLOSE_AFTER_DAYS


def default_schedule(timing: str, programme_kind: str = "training") -> Schedule:
    """The issue's defaults: hot on the last day at 17:00; cold 90 days after the end (180 for
    a skills assessment) at 10:00; reminders 3 and 7 days after; closing after 30 days."""
    offset = 0
    if timing == "cold":
        offset = COLD_OFFSET_DAYS.get(programme_kind, COLD_OFFSET_DAYS["training"])
    return Schedule(offset_days=offset, send_time=DEFAULT_SEND_TIMES.get(timing, "10:00"))


def session_campaign_start(schedule: Schedule, session_end: date) -> datetime:
    return paris_time(session_end + timedelta(days=schedule.offset_days), schedule.send_time)


def yearly_campaign_nominal_start(schedule: Schedule, year: int) -> datetime:
    return paris_time(date(year, 1, 1) + timedelta(days=schedule.offset_days), schedule.send_time)


def closes_at(start: datetime, schedule: Schedule) -> datetime:
    return add_days_in_paris(start, schedule.close_after_days)


def session_campaign_is_due(start: datetime, schedule: Schedule, now: datetime) -> bool:
    """Due once its time has come, and only while it would still be open: a session imported
    long after it ended does not get a "hot" survey months late."""
    return start <= now < closes_at(start, schedule)


def yearly_campaign_start(schedule: Schedule, year: int, now: datetime) -> datetime | None:
    """When this year's campaign starts, or None while its day has not come.

    A missed window (the plan was created later in the year, or the server was off) is
    caught up at once: indicator 30 wants every financer asked at least once a year.
    """
    nominal = yearly_campaign_nominal_start(schedule, year)
    if nominal > now:
        return None
    return nominal if now < closes_at(nominal, schedule) else now


def next_reminder(
    *,
    invited_at: datetime | None,
    offsets_days: tuple[int, ...] | list[int],
    reminders_planned: int,
    last_reminded_at: datetime | None,
) -> tuple[int, datetime] | None:
    """The next reminder as (sequence, due time), or None when every reminder is planned.

    Reminder k is due `offsets_days[k-1]` days after the invitation; when reminders run late
    (the server was off), the gap between two reminders is kept, so a person never receives
    two of them the same day.
    """
    offsets = sorted(int(day) for day in offsets_days if int(day) > 0)
    if invited_at is None or reminders_planned >= len(offsets):
        return None
    sequence = reminders_planned + 1
    due = add_days_in_paris(invited_at, offsets[sequence - 1])
    if last_reminded_at is not None:
        previous = offsets[sequence - 2] if sequence > 1 else 0
        gap = max(offsets[sequence - 1] - previous, MIN_DAYS_BETWEEN_REMINDERS)
        due = max(due, add_days_in_paris(last_reminded_at, gap))
    return sequence, due


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: 5 min, 10, 20... capped at 6 hours."""
    exponent = max(attempts - 1, 0)
    seconds = min(RETRY_FIRST_DELAY_SECONDS * (2 ** min(exponent, 30)), RETRY_MAX_DELAY_SECONDS)
    return timedelta(seconds=seconds)


def retry_gives_up(attempts: int, give_up_days: float) -> bool:
    """True once the back-off waited so far adds up to `give_up_days` (counted from the
    number of attempts, so a paused campaign does not eat its retry budget)."""
    waited = sum((retry_delay(attempt) for attempt in range(1, attempts)), timedelta())
    return waited >= timedelta(days=give_up_days)


@dataclass(frozen=True)
class Recipient:
    """The facts deciding whether a message may still go out."""

    has_email: bool
    erased: bool
    opted_out: bool
    bounced: bool
    invitation_status: str
    campaign_status: str
    campaign_closes_at: datetime


def refusal_reason(recipient: Recipient, now: datetime) -> str | None:
    """Why this message must not be sent now (a vocabulary key), or None when it may go.

    A paused campaign is not a refusal: its messages wait for it to resume.
    """
    if not recipient.has_email or recipient.erased:
        return "no_email"
    if recipient.opted_out or recipient.invitation_status == "opted_out":
        return "opted_out"
    if recipient.bounced or recipient.invitation_status == "bounced":
        return "bounced"
    if recipient.invitation_status == "completed":
        return "answered"
    if recipient.campaign_status == "closed" or now >= recipient.campaign_closes_at:
        return "campaign_closed"
    return None


def rate_allowance(
    *, sent_last_minute: int, sent_last_day: int, per_minute: int, per_day: int, wanted: int
) -> int:
    """How many messages may be claimed now without exceeding either rate limit."""
    return max(0, min(wanted, per_minute - sent_last_minute, per_day - sent_last_day))


def email_template_name(kind: str, sequence: int) -> str:
    """invitation, reminder_1, reminder_2 (used for the second and later reminders), resend."""
    if kind == "reminder":
        return "reminder_1" if sequence <= 1 else "reminder_2"
    return kind
