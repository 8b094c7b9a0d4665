"""Closing a campaign drops the unfinished answers nobody can submit any more."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from reminders.planner import close_finished_campaigns
from surveys.campaigns import new_invitation
from surveys.db import read_session, write_session
from surveys.models import Campaign, ResponseDraft, utc_now
from surveys.runtime import AppContext
from tests import factories


def test_closing_a_campaign_deletes_its_drafts_and_only_its_own(context: AppContext) -> None:
    now = utc_now()
    secret = context.settings.session_secret
    with write_session(context.engine) as session:
        version = factories.published_version(session)
        ended = factories.campaign(session, version, scheduled_at=now - timedelta(days=40))
        running = factories.campaign(session, version, scheduled_at=now - timedelta(days=2))
        for campaign in (ended, running):
            invitation = new_invitation(
                campaign_id=campaign.id, person=factories.person(session), session_secret=secret
            )
            session.add(invitation)
            session.flush()
            session.add(ResponseDraft(invitation_id=invitation.id, answers={"q": 3}))
        ended_id = ended.id
    with write_session(context.engine) as session:
        assert close_finished_campaigns(session=session, now=now) == 1
    with read_session(context.engine) as session:
        assert session.get(Campaign, ended_id).status == "closed"
        assert len(session.exec(select(ResponseDraft)).all()) == 1  # the running one stays
