"""An anonymous room answer cannot be tied to its person: a learner who answered in the room and
again through their emailed link is two responses. What is counted: every response is kept and
counted as a response; the response rate counts at most one answer per learner asked, so it
never exceeds 100 %, and the projection page never shows more answers than learners."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from analysis.frames.read import read_campaigns
from analysis.metrics import response_rates
from reminders.planner import plan_due
from reminders.reporting import campaign_counts
from surveys.campaigns import invitation_token
from surveys.config import paris_day
from surveys.db import read_session, write_session
from surveys.models import Campaign, Invitation, SurveyPlan, utc_now
from surveys.respondent.links import resolve_link
from surveys.respondent.submit import submit_response
from surveys.room import service
from surveys.room.sheets import kit_for_session
from surveys.runtime import AppContext
from tests import factories
from tests.factories import complete_answers
from tests.factories import respondent_version as published_version

LEARNERS = 3


def _room(context: AppContext) -> service.Room:
    with write_session(context.engine) as session:
        factories.organisation(session)
        version = published_version(session, anonymous=True, every_type=False)
        programme = factories.programme(session)
        training = factories.training_session(
            session, programme.id, end_date=paris_day(utc_now()) + timedelta(days=1)
        )
        session.add(
            SurveyPlan(
                programme_id=programme.id,
                survey_id=version.survey_id,
                audience="learner",
                timing="hot",
            )
        )
        factories.enrolled(session, training.id, LEARNERS)
        session.flush()
        kit = kit_for_session(
            session,
            code=training.code,
            timing="hot",
            session_secret=context.settings.session_secret,
            base_url="http://testserver",
        )
        return service.find_room(session, kit.url.rsplit("/", 1)[1])


def _answer(context: AppContext, token: str, now) -> None:
    with write_session(context.engine) as session:
        link = resolve_link(session=session, token=token, now=now, lock=True)
        outcome = submit_response(
            session=session, link=link, now=now, answers=complete_answers(link.form)
        )
    assert outcome.status == "created"


def test_answers_in_the_room_and_by_email_never_make_a_rate_above_100_percent(
    context: AppContext,
) -> None:
    room = _room(context)
    secret = context.settings.session_secret
    with write_session(context.engine) as session:
        seats = [service.open_seat(session, room, session_secret=secret) for _ in range(LEARNERS)]
    for seat in seats:  # everyone answers in the room, anonymously
        _answer(context, seat, utc_now())

    with read_session(context.engine) as session:
        start = session.get(Campaign, room.campaign_id).scheduled_at
    with write_session(context.engine) as session:  # the emailed invitations at 17:00
        plan_due(session=session, now=start, settings=context.settings)
        session.execute(
            sa.update(Invitation)
            .where(Invitation.person_id.is_not(None))
            .values(status="sent", sent_at=start)
        )
        tokens = [
            invitation_token(invitation, session_secret=secret)
            for invitation in session.exec(
                select(Invitation).where(Invitation.person_id.is_not(None))
            )
        ]
    assert len(tokens) == LEARNERS
    for token in tokens[:2]:  # two of them answer again from their mailbox
        _answer(context, token, start + timedelta(hours=1))

    with read_session(context.engine) as session:
        frame = read_campaigns(session.connection())
        projected = service.answered_count(session, room)
        counted = next(c for c in campaign_counts(session=session) if c.id == room.campaign_id)
    row = frame.iloc[0]
    assert (int(row["invited"]), int(row["responses"]), int(row["room_answers"])) == (3, 5, 3)
    assert int(row["answered"]) == 3  # at most one per learner asked
    assert float(response_rates(frame, by=()).iloc[0]["rate"]) == 1.0
    assert projected == LEARNERS  # "3 / 3 ont répondu", never "5 / 3"
    assert counted.answered == 5 and counted.response_rate == 1.0
