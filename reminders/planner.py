"""Turning plans into campaigns, invitations and outbox rows. Idempotent and safe to overlap:
campaigns have unique keys, invitations are unique per (campaign, person), outbox rows per
(invitation, kind, sequence), and planners take turns (one write transaction at a time on
SQLite, an advisory lock on PostgreSQL).

A pass, at `now`:
1. closes campaigns past their closing time (their unsent messages are cancelled);
2. creates the campaigns whose time has come: one per session of a planned programme, one per
   year for organisation-wide plans (the financers' yearly survey);
3. invites the audience of every open campaign who is not invited yet (late enrolments too);
4. queues the next reminder of each invitation that is due one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from reminders import policy
from reminders.dropout import create_dropout_campaigns, delay_dropout_emails
from surveys.campaigns import (
    invitation_values,
    session_campaign_key,
    yearly_campaign_key,
)
from surveys.config import Settings, paris_day
from surveys.integration.webhook_events import emit_campaigns_closed
from surveys.models import (
    Campaign,
    Enrolment,
    Invitation,
    OutboundMessage,
    Person,
    ResponseDraft,
    Survey,
    SurveyPlan,
    SurveyVersion,
    TrainingSession,
)
from surveys.people.enrolment_status import in_scope
from surveys.plans.schedule import new_campaign, plan_schedule
from surveys.schedule import paris_year

PLANNER_LOCK_KEY = 730_530  # any constant: PostgreSQL advisory lock shared by all planners
OUTSTANDING_STATUSES = ("pending", "sending", "retry")


def plan_due(*, session: Session, now: datetime, settings: Settings) -> int:
    """Plan everything due at `now`; returns how many messages were queued."""
    _take_planner_lock(session)
    close_finished_campaigns(session=session, now=now)
    for plan, version_id, title in active_plans(session=session):
        if plan.programme_id is None:
            _create_yearly_campaign(session, plan, version_id, title, now)
        elif plan.enrolment_scope == "dropped_out":
            create_dropout_campaigns(session, plan, version_id, title, now)
        else:
            _create_session_campaigns(session, plan, version_id, title, now)
    planned = 0
    for campaign in open_campaigns(session=session, now=now):
        planned += invite_audience(
            session=session, campaign=campaign, now=now, session_secret=settings.session_secret
        )
    return planned + plan_due_reminders(session=session, now=now)


def _take_planner_lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PLANNER_LOCK_KEY})


def active_plans(*, session: Session) -> list[tuple[SurveyPlan, int, str]]:
    """Active plans whose survey is active and published: (plan, latest version id, title)."""
    latest = (
        select(SurveyVersion.survey_id, sa.func.max(SurveyVersion.id).label("version_id"))
        .group_by(SurveyVersion.survey_id)
        .subquery()
    )
    rows = session.exec(
        select(SurveyPlan, latest.c.version_id, Survey.title)
        .join(Survey, Survey.id == SurveyPlan.survey_id)
        .join(latest, latest.c.survey_id == SurveyPlan.survey_id)
        .where(SurveyPlan.active.is_(True), Survey.status == "active")
        .order_by(SurveyPlan.id)
    ).all()
    return [(plan, version_id, title) for plan, version_id, title in rows]


def _existing_keys(session: Session, plan_id: int) -> set[str]:
    return set(session.exec(select(Campaign.key).where(Campaign.plan_id == plan_id)).all())


def _create_session_campaigns(
    session: Session, plan: SurveyPlan, version_id: int, title: str, now: datetime
) -> None:
    schedule = plan_schedule(plan)
    today = paris_day(now)
    # Only sessions whose campaign could be due now: started at most close_after_days ago.
    earliest_end = today - timedelta(days=plan.offset_days + plan.close_after_days + 1)
    latest_end = today - timedelta(days=plan.offset_days - 1)
    sessions = session.exec(
        select(TrainingSession).where(
            TrainingSession.programme_id == plan.programme_id,
            TrainingSession.end_date >= earliest_end,
            TrainingSession.end_date <= latest_end,
        )
    ).all()
    existing = _existing_keys(session, plan.id)
    for training in sessions:
        key = session_campaign_key(plan.id, training.id)
        start = policy.session_campaign_start(schedule, training.end_date)
        if key in existing or not policy.session_campaign_is_due(start, schedule, now):
            continue
        session.add(
            new_campaign(
                plan,
                version_id,
                key=key,
                label=f"{title} – {training.code}",
                start=start,
                session_id=training.id,
            )
        )
    session.flush()


def _create_yearly_campaign(
    session: Session, plan: SurveyPlan, version_id: int, title: str, now: datetime
) -> None:
    year = paris_year(now)
    key = yearly_campaign_key(plan.id, year)
    start = policy.yearly_campaign_start(plan_schedule(plan), year, now)
    if start is None or key in _existing_keys(session, plan.id):
        return
    session.add(
        new_campaign(
            plan, version_id, key=key, label=f"{title} {year}", start=start, session_id=None
        )
    )
    session.flush()


def close_finished_campaigns(*, session: Session, now: datetime) -> int:
    """Close campaigns past their closing time and cancel their unsent messages."""
    finished = select(Campaign.id).where(Campaign.status != "closed", Campaign.closes_at <= now)
    ids = list(session.exec(finished).all())
    if not ids:
        return 0
    invitations = select(Invitation.id).where(Invitation.campaign_id.in_(ids))
    session.execute(
        sa.update(OutboundMessage)
        .where(
            OutboundMessage.invitation_id.in_(invitations),
            OutboundMessage.status.in_(("pending", "retry")),
        )
        .values(status="cancelled", last_error="campaign_closed")
    )
    # Unfinished answers can no longer be submitted: keeping them would only keep personal data.
    session.execute(sa.delete(ResponseDraft).where(ResponseDraft.invitation_id.in_(invitations)))
    session.execute(sa.update(Campaign).where(Campaign.id.in_(ids)).values(status="closed"))
    emit_campaigns_closed(session, ids, now=now)
    return len(ids)


def open_campaigns(*, session: Session, now: datetime) -> list[Campaign]:
    """Campaigns that have started and are not closed or paused (opening the scheduled ones)."""
    campaigns = list(
        session.exec(
            select(Campaign)
            .where(
                Campaign.status.in_(policy.OPEN_CAMPAIGN_STATUSES),
                Campaign.scheduled_at <= now,
                Campaign.closes_at > now,
            )
            .order_by(Campaign.id)
        ).all()
    )
    for campaign in campaigns:
        if campaign.status == "scheduled":
            campaign.status = "open"
            session.add(campaign)
    return campaigns


def campaign_scope(session: Session, campaign: Campaign) -> str:
    """The plan's enrolment scope (who dropped out gets no hot survey by default)."""
    plan = session.get(SurveyPlan, campaign.plan_id) if campaign.plan_id is not None else None
    return plan.enrolment_scope if plan is not None else "completed"


def audience_to_invite(*, campaign: Campaign, scope: str = "completed") -> sa.Select:
    """The campaign's audience not invited yet, as (person id, language, opted out at,
    bounced at): the session's enrolments with the campaign's role, or for a yearly campaign
    every person of that stakeholder type."""
    already = select(Invitation.id).where(
        Invitation.campaign_id == campaign.id, Invitation.person_id == Person.id
    )
    query = (
        sa.select(Person.id, Person.language, Person.opted_out_at, Person.bounced_at)
        .where(Person.email.is_not(None), Person.erased_at.is_(None), ~sa.exists(already))
        .distinct()
    )
    if campaign.session_id is None:
        query = query.where(Person.stakeholder_type == campaign.audience)
    else:
        query = query.join(Enrolment, Enrolment.person_id == Person.id).where(
            Enrolment.session_id == campaign.session_id,
            Enrolment.role == campaign.audience,
            in_scope(Enrolment.status, scope),
        )
    return query.order_by(Person.id)


def invite_audience(
    *, session: Session, campaign: Campaign, now: datetime, session_secret: str
) -> int:
    """Invite whoever is missing; queue their invitation email. Returns messages queued.

    Set-based: one multi-row insert of invitations, one of their emails, each skipping rows
    that already exist (the same unique keys as ever), so overlapping planners stay safe.
    People who opted out or bounced still get an invitation row (the audit shows why they
    were not asked) but no email.
    """
    scope = campaign_scope(session, campaign)
    rows = [
        invitation_values(
            campaign_id=campaign.id,
            person_id=person_id,
            language=language,
            session_secret=session_secret,
        )
        | {"status": _first_status(opted_out_at, bounced_at), "created_at": now}
        for person_id, language, opted_out_at, bounced_at in session.execute(
            audience_to_invite(campaign=campaign, scope=scope)
        )
    ]
    _insert_new(session, Invitation, rows)
    queued = _queue_invitation_emails(session, campaign, now)
    if scope == "dropped_out":
        delay_dropout_emails(session, campaign, now)
    return queued


def _queue_invitation_emails(session: Session, campaign: Campaign, now: datetime) -> int:
    """One INSERT ... SELECT: the invitation email of each reachable invitation this pass made."""
    invitation = Invitation.__table__
    fresh = sa.select(
        invitation.c.id,
        sa.literal("invitation"),
        sa.literal(0),
        sa.literal("pending"),
        sa.literal(campaign.scheduled_at, OutboundMessage.__table__.c.due_at.type),
        sa.literal(0),
        sa.literal(now, OutboundMessage.__table__.c.created_at.type),
    ).where(
        invitation.c.campaign_id == campaign.id,
        invitation.c.status == "pending",
        invitation.c.created_at == now,
    )
    columns = ("invitation_id", "kind", "sequence", "status", "due_at", "attempts", "created_at")
    statement = _dialect_insert(session)(OutboundMessage.__table__).from_select(columns, fresh)
    statement = statement.on_conflict_do_nothing().returning(OutboundMessage.__table__.c.id)
    return len(session.execute(statement).all())


def _first_status(opted_out_at: datetime | None, bounced_at: datetime | None) -> str:
    if opted_out_at is not None:
        return "opted_out"
    return "bounced" if bounced_at is not None else "pending"


def _dialect_insert(session: Session):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _insert_new(
    session: Session, model: type, rows: list[dict], *, returning: tuple[str, ...] = ()
) -> list[sa.Row]:
    """Insert the rows with one executemany, skipping any that would break a unique key
    (already planned by an overlapping pass); returns the inserted rows' `returning` columns."""
    if not rows:
        return []
    table = model.__table__
    statement = _dialect_insert(session)(table).on_conflict_do_nothing()
    if not returning:
        session.execute(statement, rows)
        return []
    statement = statement.returning(*(table.c[name] for name in returning))
    return list(session.execute(statement, rows).all())


def _still_enrolled() -> sa.ColumnElement[bool]:
    """A session campaign reminds only people still enrolled in its session with its role
    (an enrolment removed by the staff stops its reminders; `surveys.people.editing`)."""
    enrolled = sa.exists().where(
        Enrolment.person_id == Invitation.person_id,
        Enrolment.session_id == Campaign.session_id,
        Enrolment.role == Campaign.audience,
    )
    return sa.or_(Campaign.session_id.is_(None), enrolled)


def plan_due_reminders(*, session: Session, now: datetime) -> int:
    """Queue the next reminder of every invitation that is due one: sent, not answered, the
    person reachable, the campaign open, and no message still on its way."""
    message = OutboundMessage
    planned = (
        select(sa.func.count())
        .where(message.invitation_id == Invitation.id, message.kind == "reminder")
        .correlate(Invitation)
        .scalar_subquery()
    )
    outstanding = (
        select(sa.func.count())
        .where(message.invitation_id == Invitation.id, message.status.in_(OUTSTANDING_STATUSES))
        .correlate(Invitation)
        .scalar_subquery()
    )
    rows = session.exec(
        select(
            Invitation.id,
            Invitation.sent_at,
            Invitation.last_reminded_at,
            Campaign.reminder_offsets_days,
            planned,
        )
        .join(Campaign, Campaign.id == Invitation.campaign_id)
        .join(Person, Person.id == Invitation.person_id)
        .where(
            Campaign.status.in_(policy.OPEN_CAMPAIGN_STATUSES),
            Campaign.scheduled_at <= now,
            Campaign.closes_at > now,
            Invitation.status == "sent",
            Invitation.sent_at.is_not(None),
            Person.opted_out_at.is_(None),
            Person.bounced_at.is_(None),
            Person.erased_at.is_(None),
            Person.email.is_not(None),
            outstanding == 0,
            _still_enrolled(),
        )
    ).all()
    queued = []
    for invitation_id, sent_at, last_reminded_at, offsets, count in rows:
        upcoming = policy.next_reminder(
            invited_at=sent_at,
            offsets_days=offsets or (),
            reminders_planned=count,
            last_reminded_at=last_reminded_at,
        )
        if upcoming is not None and upcoming[1] <= now:
            sequence, due = upcoming
            queued.append(
                {
                    "invitation_id": invitation_id,
                    "kind": "reminder",
                    "sequence": sequence,
                    "status": "pending",
                    "due_at": due,
                    "attempts": 0,
                    "created_at": now,
                }
            )
    return len(_insert_new(session, OutboundMessage, queued, returning=("id",)))
