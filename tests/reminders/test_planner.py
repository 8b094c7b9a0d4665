"""The planner: campaigns from plans, invitations for the right people, reminders when due;
idempotent, and it does not duplicate what the demo (or anything else) already created."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlmodel import func, select

from reminders.dispatcher import tick
from reminders.planner import plan_due
from surveys.db import read_session, write_session
from surveys.demo import load_demo
from surveys.models import (
    Campaign,
    Enrolment,
    Invitation,
    OutboundMessage,
    Person,
    Survey,
    utc_now,
)
from surveys.runtime import AppContext
from tests import factories
from tests.factories import hot_session
from tests.support.smtp import HOT_SEND_TIME


def plan(context: AppContext, now) -> int:
    with write_session(context.engine) as session:
        return plan_due(session=session, now=now, settings=context.settings)


def test_planning_the_demo_duplicates_nothing_and_is_idempotent(context: AppContext) -> None:
    now = utc_now()
    with write_session(context.engine) as session:
        load_demo(session=session, now=now, session_secret=context.settings.session_secret)
    with read_session(context.engine) as session:
        before = dict(session.exec(select(Campaign.key, Campaign.id)).all())
        invited_before = Counter(session.exec(select(Invitation.campaign_id)).all())
    first = plan(context, now)
    assert plan(context, now) == 0
    with read_session(context.engine) as session:
        keys = session.exec(select(Campaign.key)).all()
        invited_after = Counter(session.exec(select(Invitation.campaign_id)).all())
        new = session.exec(select(Campaign).where(Campaign.id.not_in(before.values()))).all()
        financers = session.exec(
            select(func.count()).select_from(Person).where(Person.stakeholder_type == "financer")
        ).one()
    assert len(keys) == len(set(keys))  # no key twice
    assert all(invited_after[cid] == invited_before[cid] for cid in before.values())
    assert {campaign.key.split(":")[2] for campaign in new} <= {"year"}  # this year's only
    assert first == sum(invited_after[c.id] for c in new) == financers * len(new)


def test_someone_enrolled_after_the_start_is_invited_while_the_campaign_is_open(
    context: AppContext,
) -> None:
    hot_session(context, learners=2)
    assert plan(context, HOT_SEND_TIME) == 2
    with write_session(context.engine) as session:
        training_id = session.exec(select(Enrolment.session_id)).first()
        factories.enrolled(session, training_id, 1)
    assert plan(context, HOT_SEND_TIME + timedelta(days=2)) == 1
    with write_session(context.engine) as session:
        factories.enrolled(session, training_id, 1)
    assert plan(context, HOT_SEND_TIME + timedelta(days=30)) == 0  # closed by then


def test_who_opted_out_is_recorded_as_not_asked_and_gets_no_email(context: AppContext) -> None:
    hot_session(context, learners=2)
    with write_session(context.engine) as session:
        session.exec(select(Person)).first().opted_out_at = utc_now()
    assert plan(context, HOT_SEND_TIME) == 1
    with read_session(context.engine) as session:
        statuses = sorted(session.exec(select(Invitation.status)).all())
        messages = session.exec(select(func.count()).select_from(OutboundMessage)).one()
    assert statuses == ["opted_out", "pending"] and messages == 1


def test_an_archived_survey_is_no_longer_planned(context: AppContext) -> None:
    hot_session(context, learners=1)
    with write_session(context.engine) as session:
        session.exec(select(Survey)).one().status = "archived"
    assert plan(context, HOT_SEND_TIME) == 0


def test_reminders_wait_while_the_campaign_is_paused(context: AppContext) -> None:
    from reminders.operations import pause_campaign

    hot_session(context, learners=1)
    tick(context=context, now=HOT_SEND_TIME)
    with write_session(context.engine) as session:
        campaign_id = session.exec(select(Campaign.id)).one()
        pause_campaign(session=session, campaign_id=campaign_id, actor="q", now=HOT_SEND_TIME)
    assert plan(context, HOT_SEND_TIME + timedelta(days=4)) == 0
