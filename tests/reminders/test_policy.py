"""The schedule rules, as tables: when campaigns start and close, when reminders are due,
how long to wait after an error, who may still receive an email."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from reminders import policy
from reminders.policy import Recipient, Schedule
from surveys.schedule import parse_send_time

PARIS_SUMMER_17H = datetime(2026, 6, 30, 15, 0, tzinfo=UTC)
PARIS_WINTER_17H = datetime(2026, 12, 18, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("timing", "kind", "offset", "send_time"),
    [
        ("hot", "training", 0, "17:00"),
        ("cold", "training", 90, "10:00"),
        ("cold", "skills_assessment", 180, "10:00"),
        ("annual", "training", 0, "10:00"),
    ],
)
def test_default_schedules_follow_the_issue(timing, kind, offset, send_time) -> None:
    schedule = policy.default_schedule(timing, kind)
    assert (schedule.offset_days, schedule.send_time) == (offset, send_time)
    assert schedule.reminder_offsets_days == (3, 7) and schedule.close_after_days == 30


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (date(2026, 6, 30), PARIS_SUMMER_17H),  # summer time: UTC+2
        (date(2026, 12, 18), PARIS_WINTER_17H),  # winter time: UTC+1
    ],
)
def test_a_hot_survey_goes_on_the_last_day_at_five_pm_paris_time(end, expected) -> None:
    assert policy.session_campaign_start(Schedule(), end) == expected


def test_a_cold_survey_goes_ninety_days_after_the_end() -> None:
    start = policy.session_campaign_start(
        Schedule(offset_days=90, send_time="10:00"), date(2026, 6, 30)
    )
    assert start == datetime(2026, 9, 28, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (PARIS_SUMMER_17H - timedelta(seconds=1), False),
        (PARIS_SUMMER_17H, True),
        (PARIS_SUMMER_17H + timedelta(days=29), True),
        (PARIS_SUMMER_17H + timedelta(days=30), False),  # would already be closed
    ],
)
def test_a_session_campaign_is_due_only_while_it_could_be_open(now, due) -> None:
    assert policy.session_campaign_is_due(PARIS_SUMMER_17H, Schedule(), now) is due


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 1, 1, 8, 59, tzinfo=UTC), None),  # 09:59 in Paris: not yet
        (datetime(2026, 1, 1, 9, 0, tzinfo=UTC), datetime(2026, 1, 1, 9, 0, tzinfo=UTC)),
        (datetime(2026, 1, 20, tzinfo=UTC), datetime(2026, 1, 1, 9, 0, tzinfo=UTC)),
        (datetime(2026, 5, 2, 7, tzinfo=UTC), datetime(2026, 5, 2, 7, tzinfo=UTC)),  # caught up
    ],
)
def test_the_yearly_campaign_starts_on_its_day_or_is_caught_up(now, expected) -> None:
    schedule = Schedule(offset_days=0, send_time="10:00")
    assert policy.yearly_campaign_start(schedule, 2026, now) == expected


SENT = datetime(2026, 6, 30, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("planned", "last", "expected"),
    [
        (0, None, (1, SENT + timedelta(days=3))),
        (1, SENT + timedelta(days=3), (2, SENT + timedelta(days=7))),
        (2, SENT + timedelta(days=7), None),
        # the first reminder went out late (day 10): the second keeps its 4-day gap
        (1, SENT + timedelta(days=10), (2, SENT + timedelta(days=14))),
    ],
)
def test_reminders_follow_their_offsets_and_keep_their_gaps(planned, last, expected) -> None:
    assert (
        policy.next_reminder(
            invited_at=SENT, offsets_days=(3, 7), reminders_planned=planned, last_reminded_at=last
        )
        == expected
    )


def test_no_invitation_sent_means_no_reminder() -> None:
    assert (
        policy.next_reminder(
            invited_at=None, offsets_days=(3, 7), reminders_planned=0, last_reminded_at=None
        )
        is None
    )


@pytest.mark.parametrize(
    ("attempts", "minutes"), [(1, 5), (2, 10), (3, 20), (4, 40), (8, 360), (30, 360)]
)
def test_retry_delays_double_and_are_capped(attempts, minutes) -> None:
    assert policy.retry_delay(attempts) == timedelta(minutes=minutes)


def test_retrying_gives_up_once_the_waits_add_up_to_the_limit() -> None:
    waits = [policy.retry_gives_up(attempts, 1.0) for attempts in range(1, 20)]
    first_give_up = waits.index(True) + 1
    waited = sum((policy.retry_delay(a) for a in range(1, first_give_up)), timedelta())
    assert waited >= timedelta(days=1) > waited - policy.retry_delay(first_give_up - 1)


CLOSES = SENT + timedelta(days=30)


def recipient(**changes) -> Recipient:
    values = {
        "has_email": True,
        "erased": False,
        "opted_out": False,
        "bounced": False,
        "invitation_status": "sent",
        "campaign_status": "open",
        "campaign_closes_at": CLOSES,
        **changes,
    }
    return Recipient(**values)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"campaign_status": "paused"}, None),  # waits, is not refused
        ({"has_email": False}, "no_email"),
        ({"erased": True}, "no_email"),
        ({"opted_out": True}, "opted_out"),
        ({"invitation_status": "opted_out"}, "opted_out"),
        ({"bounced": True}, "bounced"),
        ({"invitation_status": "completed"}, "answered"),
        ({"campaign_status": "closed"}, "campaign_closed"),
        ({"campaign_closes_at": SENT}, "campaign_closed"),
    ],
)
def test_who_may_still_receive_a_message(changes, reason) -> None:
    assert policy.refusal_reason(recipient(**changes), SENT + timedelta(days=1)) == reason


@pytest.mark.parametrize(
    ("minute", "day", "expected"), [(0, 0, 100), (100, 0, 20), (120, 0, 0), (0, 1990, 10)]
)
def test_rate_limits_per_minute_and_per_day(minute, day, expected) -> None:
    assert (
        policy.rate_allowance(
            sent_last_minute=minute, sent_last_day=day, per_minute=120, per_day=2000, wanted=100
        )
        == expected
    )


@pytest.mark.parametrize("text", ["7:00", "24:00", "17h00", "", "17:60"])
def test_a_send_time_must_read_hh_mm(text) -> None:
    with pytest.raises(ValueError):
        parse_send_time(text)


@pytest.mark.parametrize(
    ("kind", "sequence", "name"),
    [
        ("invitation", 0, "invitation"),
        ("reminder", 1, "reminder_1"),
        ("reminder", 2, "reminder_2"),
        ("reminder", 5, "reminder_2"),
        ("resend", 1, "resend"),
    ],
)
def test_each_message_kind_has_its_template(kind, sequence, name) -> None:
    assert policy.email_template_name(kind, sequence) == name


def test_closing_and_reminders_keep_the_paris_time_across_daylight_saving() -> None:
    start = datetime(2026, 3, 27, 16, 0, tzinfo=UTC)  # 17:00 in Paris, winter time
    schedule = policy.default_schedule("hot")  # closes 30 days later
    assert policy.closes_at(start, schedule) == datetime(2026, 4, 26, 15, 0, tzinfo=UTC)
    reminder = policy.next_reminder(
        invited_at=start, offsets_days=(3,), reminders_planned=0, last_reminded_at=None
    )
    assert reminder == (1, datetime(2026, 3, 30, 15, 0, tzinfo=UTC))  # still 17:00 in Paris
