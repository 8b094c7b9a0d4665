"""Who has not answered yet: one state per invitation, the fact of answering only."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from reminders.answered import campaign_invitations, state_of
from surveys.campaigns import new_invitation
from surveys.db import write_session
from surveys.models import Response, utc_now
from surveys.runtime import AppContext
from tests import factories


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"status": "completed", "opted_out": True}, "answered"),
        ({"status": "opted_out"}, "opted_out"),
        ({"status": "sent", "opted_out": True}, "opted_out"),
        ({"status": "bounced"}, "bounced"),
        ({"status": "sent", "opened": True, "reminders": 2}, "opened"),
        ({"status": "sent", "reminders": 2}, "reminded"),
        ({"status": "sent"}, "invited"),
        ({"status": "pending", "sent": False}, "planned"),
    ],
)
def test_one_state_per_invitation(facts: dict, expected: str) -> None:
    base = {"opted_out": False, "bounced": False, "opened": False, "reminders": 0, "sent": True}
    assert state_of(**{**base, **facts}) == expected


def _invite(session: Session, campaign_id: int, status: str, reminders: int = 0):
    person = factories.person(session)
    invitation = new_invitation(campaign_id=campaign_id, person=person, session_secret="s" * 40)
    invitation.status, invitation.reminder_count = status, reminders
    invitation.sent_at = utc_now()
    session.add(invitation)
    session.flush()
    return person


def test_the_list_puts_who_has_not_answered_first_and_shows_no_answer(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        campaign = factories.campaign(session)
        done = _invite(session, campaign.id, "completed").email
        waiting = _invite(session, campaign.id, "sent", reminders=2).email
        session.add(
            Response(
                campaign_id=campaign.id,
                survey_version_id=campaign.survey_version_id,
                anonymous=True,
                submitted_on=utc_now().date(),
            )
        )
        session.flush()
        listed = campaign_invitations(session=session, campaign_id=campaign.id)
    assert [(item.email, item.state, item.reminders) for item in listed] == [
        (waiting, "reminded", 2),
        (done, "answered", 0),
    ]
    assert not any(hasattr(item, "answers") for item in listed)
