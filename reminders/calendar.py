"""The calendar of upcoming sends, and every plan's rule, in words staff (and an auditor)
read: "jeudi 3 décembre 2026 à 17:00 — « Votre avis sur la formation » : invitation des 12
apprenants de la session DEV-WEB-2611"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, func, select

from reminders import policy
from reminders.planner import active_plans, plan_schedule
from surveys.campaigns import session_campaign_key, yearly_campaign_key
from surveys.config import DISPLAY_TIMEZONE, paris_day
from surveys.i18n import label, t
from surveys.models import (
    Campaign,
    Enrolment,
    Invitation,
    Person,
    Programme,
    SurveyPlan,
    TrainingSession,
)
from surveys.schedule import paris_year


@dataclass(frozen=True)
class UpcomingSend:
    at: datetime
    kind: str  # campaign | reminder | closing
    label: str
    audience: str
    recipients: int
    plan_id: int | None = None
    session_id: int | None = None
    campaign_id: int | None = None
    sequence: int = 0


def _reachable() -> list[sa.ColumnElement[bool]]:
    return [
        Person.email.is_not(None),
        Person.erased_at.is_(None),
        Person.opted_out_at.is_(None),
        Person.bounced_at.is_(None),
    ]


def _session_audience(session: Session, session_id: int, role: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(Enrolment)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.session_id == session_id, Enrolment.role == role, *_reachable())
    ).one()


def _type_audience(session: Session, stakeholder_type: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(Person)
        .where(Person.stakeholder_type == stakeholder_type, *_reachable())
    ).one()


def _projected_campaigns(session: Session, now: datetime, until: datetime) -> list[UpcomingSend]:
    found = []
    for plan, _version, title in active_plans(session=session):
        schedule = plan_schedule(plan)
        keys = set(session.exec(select(Campaign.key).where(Campaign.plan_id == plan.id)).all())
        if plan.programme_id is None:
            found += _projected_yearly(session, plan, title, keys, now, until)
            continue
        first_end = paris_day(now) - timedelta(days=plan.offset_days + 1)
        last_end = paris_day(until) - timedelta(days=plan.offset_days - 1)
        for training in session.exec(
            select(TrainingSession).where(
                TrainingSession.programme_id == plan.programme_id,
                TrainingSession.end_date.between(first_end, last_end),
            )
        ).all():
            start = policy.session_campaign_start(schedule, training.end_date)
            if now < start <= until and session_campaign_key(plan.id, training.id) not in keys:
                found.append(
                    UpcomingSend(
                        start,
                        "campaign",
                        f"{title} – {training.code}",
                        plan.audience,
                        _session_audience(session, training.id, plan.audience),
                        plan.id,
                        training.id,
                    )
                )
    return found


def _projected_yearly(
    session: Session,
    plan: SurveyPlan,
    title: str,
    keys: set[str],
    now: datetime,
    until: datetime,
) -> list[UpcomingSend]:
    schedule = plan_schedule(plan)
    year = paris_year(now)
    candidates = [
        (year, policy.yearly_campaign_start(schedule, year, now)),
        (year + 1, policy.yearly_campaign_nominal_start(schedule, year + 1)),
    ]
    if candidates[0][1] is None:
        candidates[0] = (year, policy.yearly_campaign_nominal_start(schedule, year))
    return [
        UpcomingSend(
            max(start, now),
            "campaign",
            f"{title} {when}",
            plan.audience,
            _type_audience(session, plan.audience),
            plan.id,
        )
        for when, start in candidates
        if start is not None and start <= until and yearly_campaign_key(plan.id, when) not in keys
    ]


def _remaining_reminders(
    sent_at: datetime,
    offsets: list[int],
    count: int,
    last: datetime | None,
    now: datetime,
    until: datetime,
) -> list[tuple[int, datetime]]:
    """Every reminder still to come for one invitation (if nobody answers before)."""
    found = []
    while upcoming := policy.next_reminder(
        invited_at=sent_at, offsets_days=offsets, reminders_planned=count, last_reminded_at=last
    ):
        at = max(upcoming[1], now)
        if at > until:
            break
        found.append((upcoming[0], at))
        count, last = count + 1, at
    return found


def _upcoming_reminders(session: Session, now: datetime, until: datetime) -> list[UpcomingSend]:
    rows = session.exec(
        select(
            Campaign.id,
            Campaign.label,
            Campaign.audience,
            Campaign.reminder_offsets_days,
            Invitation.sent_at,
            Invitation.last_reminded_at,
            Invitation.reminder_count,
        )
        .join(Invitation, Invitation.campaign_id == Campaign.id)
        .join(Person, Person.id == Invitation.person_id)
        .where(
            Campaign.status.in_(policy.OPEN_CAMPAIGN_STATUSES),
            Campaign.closes_at > now,
            Invitation.status == "sent",
            *_reachable(),
        )
    ).all()
    groups: dict[tuple[int, int, date], list] = {}
    for campaign_id, title, audience, offsets, sent_at, last, count in rows:
        for sequence, at in _remaining_reminders(sent_at, offsets or (), count, last, now, until):
            key = (campaign_id, sequence, paris_day(at))
            groups.setdefault(key, [at, title, audience, 0])[3] += 1
    return [
        UpcomingSend(at, "reminder", title, audience, count, campaign_id=key[0], sequence=key[1])
        for key, (at, title, audience, count) in groups.items()
    ]


def _closings(session: Session, now: datetime, until: datetime) -> list[UpcomingSend]:
    campaigns = session.exec(
        select(Campaign).where(
            Campaign.status != "closed",
            Campaign.closes_at > now,
            Campaign.closes_at <= until,
            Campaign.scheduled_at <= now,
        )
    ).all()
    return [
        UpcomingSend(item.closes_at, "closing", item.label, item.audience, 0, campaign_id=item.id)
        for item in campaigns
    ]


def upcoming_sends(*, session: Session, now: datetime, days: int = 60) -> list[UpcomingSend]:
    """What will go out in the next `days` days: campaigns to start, reminders, closings."""
    until = now + timedelta(days=days)
    items = (
        _projected_campaigns(session, now, until)
        + _upcoming_reminders(session, now, until)
        + _closings(session, now, until)
    )
    return sorted(items, key=lambda item: (item.at, item.kind, item.label))


def format_moment(moment: datetime, language: str) -> str:
    """ "jeudi 3 décembre 2026 à 17:00" in Paris time."""
    local = moment.astimezone(DISPLAY_TIMEZONE)
    return t(
        "reminders.calendar.moment",
        language,
        weekday=t(f"reminders.weekday.{local.weekday()}", language),
        day=local.day,
        month=t(f"reminders.month.{local.month}", language),
        year=local.year,
        time=local.strftime("%H:%M"),
    )


def describe_send(item: UpcomingSend, language: str) -> str:
    audience = label("stakeholder", item.audience, language).lower()
    return t(
        f"reminders.calendar.{item.kind}",
        language,
        when=format_moment(item.at, language),
        label=item.label,
        count=item.recipients,
        audience=audience,
        sequence=item.sequence,
    )


def describe_plan(
    plan: SurveyPlan, *, survey_title: str, programme: str | None, language: str
) -> str:
    """The plan's rule in one sentence."""
    schedule = plan_schedule(plan)
    offsets = sorted(schedule.reminder_offsets_days)
    if offsets:
        days = (
            " ".join(
                [
                    ", ".join(str(day) for day in offsets[:-1]),
                    t("reminders.plan_words.and", language),
                    str(offsets[-1]),
                ]
            )
            if len(offsets) > 1
            else str(offsets[0])
        )
        reminders = t("reminders.plan_words.reminders", language, days=days)
    else:
        reminders = t("reminders.plan_words.no_reminder", language)
    if programme is None:
        day = date(2001, 1, 1) + timedelta(days=schedule.offset_days)
        when = t(
            "reminders.plan_words.yearly",
            language,
            day=day.day,
            month=t(f"reminders.month.{day.month}", language),
        )
    elif schedule.offset_days == 0:
        when = t("reminders.plan_words.last_day", language)
    else:
        when = t("reminders.plan_words.after_end", language, days=schedule.offset_days)
    return t(
        "reminders.plan_words.sentence",
        language,
        survey=survey_title,
        timing=label("timing", plan.timing, language),
        audience=label("stakeholder", plan.audience, language).lower(),
        programme=programme or t("reminders.plan_words.everyone", language),
        when=when,
        time=schedule.send_time,
        reminders=reminders,
        close=schedule.close_after_days,
    )


def plan_sentences(*, session: Session, language: str) -> list[str]:
    sentences = []
    for plan, _version, title in active_plans(session=session):
        programme = session.get(Programme, plan.programme_id) if plan.programme_id else None
        sentences.append(
            describe_plan(
                plan,
                survey_title=title,
                language=language,
                programme=programme.name if programme else None,
            )
        )
    return sentences
