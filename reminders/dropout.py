"""The dropout survey's timing (plans whose enrolment scope is "dropped_out").

Its campaign for a session opens on the session's first day and stays open until
`offset_days + close_after_days` after its last; each learner recorded as dropped out is
invited `offset_days` (default 3) after the day the dropout was recorded, at the plan's send
time, in their own language; reminders follow the plan (one, by default for this survey).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.campaigns import session_campaign_key
from surveys.config import paris_day
from surveys.models import (
    Campaign,
    Enrolment,
    Invitation,
    OutboundMessage,
    SurveyPlan,
    TrainingSession,
)
from surveys.plans.schedule import new_campaign
from surveys.schedule import paris_time

# the defaults (surveys.schedule.DEFAULT_DROPOUT_DELAY_DAYS, DROPOUT_REMINDER_OFFSETS_DAYS)
# are the plan's: its offset_days and reminder_offsets_days


def create_dropout_campaigns(
    session: Session, plan: SurveyPlan, version_id: int, title: str, now: datetime
) -> None:
    """A campaign for each running (or recently ended) session with a dropout."""
    today = paris_day(now)
    window = plan.offset_days + plan.close_after_days
    has_dropout = sa.exists().where(
        Enrolment.session_id == TrainingSession.id,
        Enrolment.role == plan.audience,
        Enrolment.status == "dropped_out",
    )
    sessions = session.exec(
        select(TrainingSession).where(
            TrainingSession.programme_id == plan.programme_id,
            TrainingSession.start_date <= today,
            TrainingSession.end_date >= today - timedelta(days=window),
            has_dropout,
        )
    ).all()
    existing = set(session.exec(select(Campaign.key).where(Campaign.plan_id == plan.id)).all())
    for training in sessions:
        key = session_campaign_key(plan.id, training.id)
        if key in existing:
            continue
        campaign = new_campaign(
            plan,
            version_id,
            key=key,
            label=f"{title} – {training.code}",
            start=paris_time(training.start_date, plan.send_time),
            session_id=training.id,
        )
        campaign.closes_at = paris_time(training.end_date + timedelta(days=window), plan.send_time)
        session.add(campaign)
    session.flush()


def delay_dropout_emails(session: Session, campaign: Campaign, now: datetime) -> None:
    """Move the invitation emails this pass queued to N days after each recorded dropout."""
    fresh = session.exec(
        select(OutboundMessage, Invitation.person_id)
        .join(Invitation, Invitation.id == OutboundMessage.invitation_id)
        .where(
            Invitation.campaign_id == campaign.id,
            OutboundMessage.kind == "invitation",
            OutboundMessage.created_at == now,
        )
    ).all()
    for message, person_id in fresh:
        message.due_at = dropout_due(session, campaign, person_id, now)
        session.add(message)
    session.flush()


def dropout_due(session: Session, campaign: Campaign, person_id: int, now: datetime) -> datetime:
    """When this person's dropout survey goes: N days after the dropout was recorded."""
    plan = session.get(SurveyPlan, campaign.plan_id)
    changed: date | None = session.exec(
        select(Enrolment.status_changed_on).where(
            Enrolment.session_id == campaign.session_id, Enrolment.person_id == person_id
        )
    ).first()
    if plan is None or changed is None:
        return now
    return max(now, paris_time(changed + timedelta(days=plan.offset_days), plan.send_time))
