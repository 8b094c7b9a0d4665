"""Session-link use in the dossier's solicitation timeline: a learner answering in the room
(the short link or the QR code, an anonymous seat of the session link) shows as its own step
with its day and count, beside the emailed invitation, its reminder and a link sent again;
the seats are answers, not people asked, so the response rate stays over the learners' own
invitations. Counts are checked against plain SQL written here."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from analysis.dossier import build_dossier
from surveys.campaigns import new_invitation
from surveys.config import paris_day
from surveys.db import write_session
from surveys.models import Campaign, Enrolment, OutboundMessage, Person, utc_now
from surveys.respondent.links import resolve_link
from surveys.respondent.submit import submit_response
from surveys.room import service
from surveys.runtime import AppContext
from tests.factories import complete_answers
from tests.room.test_room_service import _kit, _setup

SEATS = 2


def _email_everyone(context: AppContext, campaign_id: int) -> None:
    """The planner's work, done by hand: each learner's invitation sent, one reminder sent,
    one link sent again."""
    sent = utc_now() - timedelta(hours=2)
    with write_session(context.engine) as session:
        people = session.exec(
            select(Person).join(Enrolment, Enrolment.person_id == Person.id)
        ).all()
        for number, person in enumerate(people):
            invitation = new_invitation(
                campaign_id=campaign_id, person=person, session_secret="s" * 40
            )
            invitation.status, invitation.sent_at = "sent", sent
            session.add(invitation)
            session.flush()
            kinds = [("invitation", 0), ("reminder", 1)] + ([("resend", 1)] if number == 0 else [])
            for kind, sequence in kinds:
                session.add(
                    OutboundMessage(
                        invitation_id=invitation.id,
                        kind=kind,
                        sequence=sequence,
                        status="sent",
                        due_at=sent,
                        sent_at=sent,
                    )
                )


def _answer_in_the_room(context: AppContext, token: str) -> None:
    secret, now = context.settings.session_secret, utc_now()
    for _ in range(SEATS):
        with write_session(context.engine) as session:
            room = service.find_room(session, token)
            seat = service.open_seat(session, room, session_secret=secret)
            link = resolve_link(session=session, token=seat, now=now, lock=True)
            answers = complete_answers(link.form)
            assert submit_response(session=session, link=link, now=now, answers=answers).status == (
                "created"
            )


def _steps(html: str) -> dict[str, tuple[str, int]]:
    (table,) = re.findall(r'<table class="compact steps"[^>]*>(.*?)</table>', html, re.S)
    rows = re.findall(
        r'<tr data-step="([a-z_]+)"><td>[^<]*</td><td>([^<]*)</td>'
        r'<td class="num">(\d+)</td>',
        table,
    )
    return {kind: (when, int(count)) for kind, when, count in rows}


def test_answers_through_the_session_link_are_listed_among_the_solicitations(
    context: AppContext,
) -> None:
    code, _ = _setup(context, anonymous=True, learners=4)
    kit = _kit(context, code)
    with write_session(context.engine) as session:
        campaign_id = int(session.exec(select(Campaign.id)).one())
    _email_everyone(context, campaign_id)
    _answer_in_the_room(context, kit.url.rsplit("/", 1)[1])

    html = build_dossier(engine=context.engine, settings=context.settings, code=code).html

    with context.engine.connect() as connection:
        seats = connection.execute(
            sa.text(
                "SELECT COUNT(*) FROM invitation i JOIN room_seat s ON s.invitation_id = i.id"
                " WHERE i.campaign_id = :c AND i.status = 'completed'"
            ),
            {"c": campaign_id},
        ).scalar()
        asked = connection.execute(
            sa.text(
                "SELECT COUNT(*) FROM invitation i WHERE i.campaign_id = :c AND NOT EXISTS"
                " (SELECT 1 FROM room_seat s WHERE s.invitation_id = i.id)"
            ),
            {"c": campaign_id},
        ).scalar()
        responses = connection.execute(
            sa.text("SELECT COUNT(*) FROM response WHERE campaign_id = :c"), {"c": campaign_id}
        ).scalar()
    assert (seats, asked, responses) == (SEATS, 4, SEATS)
    today = paris_day(utc_now()).strftime("%d/%m/%Y")
    steps = _steps(html)
    assert list(steps) == ["invitation", "reminder", "resend", "room"]
    assert steps["room"] == (today, SEATS)
    assert steps["invitation"][1] == 4 and steps["reminder"][1] == 4 and steps["resend"][1] == 1
    assert "Réponses par le lien de session (lien court, QR code)" in html
    assert "Liens envoyés à nouveau" in html
    # the seats are answers, not people asked: the rate is over the four learners' invitations
    assert 'data-figure="invited">4<' in html and 'data-figure="reminders">4<' in html
    assert f'data-figure="responses">{SEATS}<' in html
    assert 'data-figure="rate">50\u202f%<' in html
