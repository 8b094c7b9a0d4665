"""Session links on the database side: create one (and its campaign, ahead of time), read what
it leads to, count answers for the projection page, open an anonymous seat, send a learner
their own link.

Why a named survey asks for the email address and sends the personal link to it, rather than
a code to type back: the link is one tap in the phone's mail app and carries 256 bits, so
there is nothing to guess and no attempt counter for a room of 25 to trip; the form opens
only from the mailbox, so typing a classmate's address only sends them their own link; and
the answer lands on the learner's invitation, exactly as if they had clicked the emailed
invitation (reminders stop). The page says the same thing whatever address is typed, so it
tells nobody who is enrolled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.campaigns import invitation_token, new_invitation, session_campaign_key
from surveys.http.limits import SlidingLimit
from surveys.models import (
    Campaign,
    Enrolment,
    Invitation,
    OutboundMessage,
    Person,
    RoomSeat,
    SessionLink,
    SurveyPlan,
    SurveyVersion,
    TrainingSession,
)
from surveys.people.enrolment_status import in_scope
from surveys.plans.schedule import new_campaign, plan_schedule
from surveys.respondent.form import build_form, localized
from surveys.room.links import normalise_room_token, token_hashes
from surveys.schedule import session_campaign_start
from surveys.tokens import hash_token, make_token, new_salt

# A room of 25 behind one address, each typing their address once or twice: far below this.
EMAILS_PER_ADDRESS = SlidingLimit("room_email", 120, 600)
# One person's mailbox cannot be flooded by classmates typing their address.
EMAILS_PER_PERSON = SlidingLimit("room_email_person", 3, 1800)
OUTSTANDING = ("pending", "sending", "retry")


class RoomError(LookupError):
    """A session link cannot be made (the message key says why)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Room:
    """What a session link leads to."""

    link_id: int
    salt: str
    campaign_id: int
    session_id: int
    session_code: str
    audience: str
    anonymous: bool
    title: dict[str, str]
    languages: tuple[str, ...]
    closes_at: datetime
    closed: bool
    scope: str = "completed"  # the plan's enrolment scope: who is expected to answer

    def survey_title(self, language: str) -> str:
        return localized(self.title, language)


def latest_version_id(session: Session, survey_id: int) -> int | None:
    statement = select(sa.func.max(SurveyVersion.id)).where(SurveyVersion.survey_id == survey_id)
    return session.exec(statement).one()


def _campaign(session: Session, plan: SurveyPlan, training: TrainingSession) -> Campaign:
    key = session_campaign_key(plan.id, training.id)
    campaign = session.exec(select(Campaign).where(Campaign.key == key)).first()
    if campaign is not None:
        return campaign
    version_id = latest_version_id(session, plan.survey_id)
    if version_id is None:
        raise RoomError("room.errors.unpublished")
    title = session.get(SurveyVersion, version_id).definition.get("title") or {}
    start = session_campaign_start(plan_schedule(plan), training.end_date)
    campaign = new_campaign(
        plan,
        version_id,
        key=key,
        label=f"{localized(title, 'fr')} – {training.code}",
        start=start,
        session_id=training.id,
    )
    campaign.status = "scheduled"  # the planner opens it at its time; the room link works now
    session.add(campaign)
    session.flush()
    return campaign


def ensure_session_link(
    session: Session, *, plan: SurveyPlan, training: TrainingSession, session_secret: str
) -> tuple[SessionLink, Campaign]:
    """The session link of `plan` for `training` (created with its campaign when missing)."""
    campaign = _campaign(session, plan, training)
    link = session.exec(
        select(SessionLink).where(
            SessionLink.plan_id == plan.id, SessionLink.session_id == training.id
        )
    ).first()
    if link is None:
        salt = new_salt()
        room_hash, projection_hash = token_hashes(salt=salt, session_secret=session_secret)
        link = SessionLink(
            plan_id=plan.id,
            session_id=training.id,
            token_salt=salt,
            token_hash=room_hash,
            projection_hash=projection_hash,
        )
        session.add(link)
        session.flush()
    return link, campaign


def _room(session: Session, link: SessionLink | None) -> Room | None:
    if link is None:
        return None
    training = session.get(TrainingSession, link.session_id)
    key = session_campaign_key(link.plan_id, link.session_id)
    campaign = session.exec(select(Campaign).where(Campaign.key == key)).first()
    if campaign is None or training is None:
        return None
    version = session.get(SurveyVersion, campaign.survey_version_id)
    form = build_form(version.definition, anonymous=version.anonymous)
    return Room(
        link_id=link.id,
        salt=link.token_salt,
        campaign_id=campaign.id,
        session_id=training.id,
        session_code=training.code,
        audience=campaign.audience,
        anonymous=form.anonymous,
        title=dict(form.title),
        languages=form.languages,
        closes_at=campaign.closes_at,
        closed=campaign.status == "closed",
        scope=session.get(SurveyPlan, link.plan_id).enrolment_scope,
    )


def find_room(session: Session, typed_token: str) -> Room | None:
    token = normalise_room_token(typed_token)
    if token is None:
        return None
    statement = select(SessionLink).where(SessionLink.token_hash == hash_token(token))
    return _room(session, session.exec(statement).first())


def find_projection(session: Session, token: str) -> Room | None:
    if len(token) != 43:
        return None
    statement = select(SessionLink).where(SessionLink.projection_hash == hash_token(token))
    return _room(session, session.exec(statement).first())


def expected_count(session: Session, room: Room) -> int:
    """How many are expected to answer: the session's enrolments with the survey's audience."""
    statement = select(sa.func.count()).where(
        Enrolment.session_id == room.session_id,
        Enrolment.role == room.audience,
        in_scope(Enrolment.status, room.scope),
    )
    return session.exec(statement).one()


def answered_count(session: Session, room: Room) -> int:
    """Answers received, from the room or from emailed links, never more than the learners
    expected: an anonymous room answer cannot be tied to its person, so one who answered in
    the room and again through their emailed link would otherwise count twice."""
    statement = select(sa.func.count()).where(
        Invitation.campaign_id == room.campaign_id, Invitation.status == "completed"
    )
    return min(session.exec(statement).one(), expected_count(session, room))


def seat_token(session: Session, room: Room, token: str) -> bool:
    """Whether `token` (from a device's cookie) is a seat of this room's campaign."""
    statement = (
        select(RoomSeat.invitation_id)
        .join(Invitation, Invitation.id == RoomSeat.invitation_id)
        .where(Invitation.token_hash == hash_token(token), RoomSeat.campaign_id == room.campaign_id)
    )
    return session.exec(statement).first() is not None


def open_seat(session: Session, room: Room, *, session_secret: str) -> str | None:
    """A new anonymous seat's answer token, or None when the room is full: seats (answered or
    not) and personal answers together never exceed the learners expected."""
    session.exec(select(Campaign.id).where(Campaign.id == room.campaign_id).with_for_update())
    seats = session.exec(
        select(sa.func.count()).where(RoomSeat.campaign_id == room.campaign_id)
    ).one()
    personal = session.exec(
        select(sa.func.count())
        .select_from(Invitation)
        .where(
            Invitation.campaign_id == room.campaign_id,
            Invitation.status == "completed",
            ~sa.exists().where(RoomSeat.invitation_id == Invitation.id),
        )
    ).one()
    if seats + personal >= expected_count(session, room):
        return None
    salt = new_salt()
    token = make_token(salt=salt, session_secret=session_secret)
    seat = Invitation(
        campaign_id=room.campaign_id,
        person_id=None,
        token_salt=salt,
        token_hash=hash_token(token),
        language=room.languages[0],
        status="sent",  # nothing to send: the seat is answered on the spot
    )
    session.add(seat)
    session.flush()
    session.add(RoomSeat(invitation_id=seat.id, campaign_id=room.campaign_id))
    session.flush()
    return token


def _enrolled_person(session: Session, room: Room, email: str) -> Person | None:
    statement = (
        select(Person)
        .join(Enrolment, Enrolment.person_id == Person.id)
        .where(
            sa.func.lower(Person.email) == email.strip().lower(),
            Person.erased_at.is_(None),
            Enrolment.session_id == room.session_id,
            Enrolment.role == room.audience,
            in_scope(Enrolment.status, room.scope),
        )
    )
    return session.exec(statement).first()


def _invitation_of(
    session: Session, room: Room, person: Person, *, now: datetime, session_secret: str
) -> Invitation:
    """The person's invitation to the campaign; created (with its email at the campaign's
    time, as the planner would) when the room comes before the campaign's start."""
    invitation = session.exec(
        select(Invitation).where(
            Invitation.campaign_id == room.campaign_id, Invitation.person_id == person.id
        )
    ).first()
    if invitation is not None:
        return invitation
    invitation = new_invitation(
        campaign_id=room.campaign_id, person=person, session_secret=session_secret
    )
    session.add(invitation)
    session.flush()
    campaign = session.get(Campaign, room.campaign_id)
    session.add(
        OutboundMessage(
            invitation_id=invitation.id,
            kind="invitation",
            sequence=0,
            due_at=max(campaign.scheduled_at, now),
            created_at=now,
        )
    )
    return invitation


def _queue_link(session: Session, invitation: Invitation, now: datetime) -> None:
    rows = OutboundMessage.invitation_id == invitation.id
    # An email already on its way carries the same link: move it up rather than add one.
    waiting = session.exec(
        select(OutboundMessage).where(rows, OutboundMessage.status.in_(("pending", "retry")))
    ).first()
    if waiting is not None and waiting.due_at > now:
        waiting.due_at = now
        session.add(waiting)
        return
    if (
        waiting is not None
        or session.exec(
            select(OutboundMessage.id).where(rows, OutboundMessage.status == "sending")
        ).first()
    ):
        return
    last = session.exec(
        select(sa.func.max(OutboundMessage.sequence)).where(rows, OutboundMessage.kind == "resend")
    ).one()
    session.add(
        OutboundMessage(
            invitation_id=invitation.id,
            kind="resend",
            sequence=(last or 0) + 1,
            due_at=now,
            created_at=now,
        )
    )


def request_personal_link(
    session: Session, room: Room, email: str, *, now: datetime, session_secret: str
) -> str | None:
    """Email the learner their own answer link, at once. Returns the invitation's token for
    tests and logs nothing; the page shown is the same whatever happened (an unknown address,
    someone who opted out, a flooded mailbox), so it tells nobody who is enrolled."""
    person = _enrolled_person(session, room, email)
    if person is None or person.opted_out_at is not None or person.bounced_at is not None:
        return None
    if EMAILS_PER_PERSON.check_and_record(session.connection(), f"person:{person.id}", now):
        return None
    invitation = _invitation_of(session, room, person, now=now, session_secret=session_secret)
    if invitation.status in ("completed", "opted_out"):
        return None
    _queue_link(session, invitation, now)
    session.flush()
    return invitation_token(invitation, session_secret=session_secret)
