"""Read-only views for the staff pages: campaign counts and response rates, one person's
message log, messages whose fate is unknown. Plain rows, no streamlit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, func, select

from surveys.i18n import label
from surveys.models import Campaign, Invitation, OutboundMessage, Person, Response, RoomSeat


@dataclass(frozen=True)
class CampaignCounts:
    id: int
    label: str
    audience: str
    timing: str
    status: str
    scheduled_at: datetime
    closes_at: datetime
    invited: int
    sent: int
    reminded: int
    answered: int
    opted_out: int
    bounced: int
    failed: int
    unknown: int

    @property
    def response_rate(self) -> float | None:
        """Answers over people reached (None before anyone was reached), never above 100 %:
        anonymous room answers cannot be tied to their person, so one who answered in the
        room and again through the emailed link is two answers but one person."""
        return min(self.answered, self.sent) / self.sent if self.sent else None


def _count_when(condition: Any) -> Any:
    return func.coalesce(func.sum(sa.case((condition, 1), else_=0)), 0)


def campaign_counts(*, session: Session, limit: int = 300) -> list[CampaignCounts]:
    """Every campaign, newest first, with its invited / sent / reminded / answered / opted
    out / bounced / failed / unknown counts."""
    invitations = (
        select(
            Invitation.campaign_id,
            func.count().label("invited"),
            _count_when(Invitation.sent_at.is_not(None)).label("sent"),
            _count_when(Invitation.reminder_count > 0).label("reminded"),
            _count_when(
                sa.or_(Invitation.status == "opted_out", Person.opted_out_at.is_not(None))
            ).label("opted_out"),
            _count_when(
                sa.or_(Invitation.status == "bounced", Person.bounced_at.is_not(None))
            ).label("bounced"),
        )
        .join(Person, Person.id == Invitation.person_id, isouter=True)
        .where(~sa.exists().where(RoomSeat.invitation_id == Invitation.id))  # room seats
        .group_by(Invitation.campaign_id)
        .subquery()
    )
    messages = (
        select(
            Invitation.campaign_id,
            _count_when(OutboundMessage.status == "failed").label("failed"),
            _count_when(OutboundMessage.status == "unknown").label("unknown"),
        )
        .join(OutboundMessage, OutboundMessage.invitation_id == Invitation.id)
        .group_by(Invitation.campaign_id)
        .subquery()
    )
    answers = (
        select(Response.campaign_id, func.count().label("answered"))
        .group_by(Response.campaign_id)
        .subquery()
    )
    zero = sa.literal(0)
    rows = session.exec(
        select(
            Campaign.id,
            Campaign.label,
            Campaign.audience,
            Campaign.timing,
            Campaign.status,
            Campaign.scheduled_at,
            Campaign.closes_at,
            func.coalesce(invitations.c.invited, zero),
            func.coalesce(invitations.c.sent, zero),
            func.coalesce(invitations.c.reminded, zero),
            func.coalesce(answers.c.answered, zero),
            func.coalesce(invitations.c.opted_out, zero),
            func.coalesce(invitations.c.bounced, zero),
            func.coalesce(messages.c.failed, zero),
            func.coalesce(messages.c.unknown, zero),
        )
        .join(invitations, invitations.c.campaign_id == Campaign.id, isouter=True)
        .join(messages, messages.c.campaign_id == Campaign.id, isouter=True)
        .join(answers, answers.c.campaign_id == Campaign.id, isouter=True)
        .order_by(Campaign.scheduled_at.desc(), Campaign.id.desc())
        .limit(limit)
    ).all()
    return [CampaignCounts(*row) for row in rows]


def find_people(*, session: Session, search: str, limit: int = 50) -> list[Person]:
    pattern = f"%{search.strip().lower()}%"
    query = select(Person).where(Person.erased_at.is_(None))
    if search.strip():
        query = query.where(
            sa.or_(
                func.lower(Person.email).like(pattern),
                func.lower(Person.last_name).like(pattern),
                func.lower(Person.first_name).like(pattern),
            )
        )
    return list(session.exec(query.order_by(Person.last_name).limit(limit)).all())


def message_log(*, session: Session, person_id: int) -> list[dict[str, Any]]:
    """Every message prepared for one person, newest first: the auditor's "who was sent
    what, when" (and what the server answered)."""
    rows = session.exec(
        select(Campaign.label, OutboundMessage)
        .join(Invitation, Invitation.id == OutboundMessage.invitation_id)
        .join(Campaign, Campaign.id == Invitation.campaign_id)
        .where(Invitation.person_id == person_id)
        .order_by(OutboundMessage.due_at.desc(), OutboundMessage.id.desc())
    ).all()
    return [
        {
            "campaign": label,
            "kind": message.kind,
            "sequence": message.sequence,
            "status": message.status,
            "due_at": message.due_at,
            "sent_at": message.sent_at,
            "attempts": message.attempts,
            "message_id": message.message_id or "",
            "error": message.last_error or "",
        }
        for label, message in rows
    ]


def unknown_messages(*, session: Session, limit: int = 200) -> list[dict[str, Any]]:
    """Messages a crashed dispatcher may or may not have handed to the server."""
    rows = session.exec(
        select(OutboundMessage, Person.email, Campaign.label)
        .join(Invitation, Invitation.id == OutboundMessage.invitation_id)
        .join(Person, Person.id == Invitation.person_id)
        .join(Campaign, Campaign.id == Invitation.campaign_id)
        .where(OutboundMessage.status == "unknown")
        .order_by(OutboundMessage.id)
        .limit(limit)
    ).all()
    return [
        {
            "id": message.id,
            "email": email,
            "campaign": label,
            "kind": message.kind,
            "claimed_at": message.claimed_at,
            "message_id": message.message_id or "",
        }
        for message, email, label in rows
    ]


def plan_choices(*, session: Session, language: str = "fr") -> list[tuple[int, str]]:
    """Every plan as (id, "survey title — programme"), for choosing one to edit (a plan with
    no programme, the yearly financer plan, names its audience in `language`)."""
    from surveys.models import Programme, Survey, SurveyPlan

    rows = session.exec(
        select(SurveyPlan.id, Survey.title, Programme.name, SurveyPlan.audience)
        .join(Survey, Survey.id == SurveyPlan.survey_id)
        .join(Programme, Programme.id == SurveyPlan.programme_id, isouter=True)
        .order_by(Programme.name, SurveyPlan.id)
    ).all()
    return [
        (plan_id, f"{title} — {programme or label('stakeholder', audience, language)}")
        for plan_id, title, programme, audience in rows
    ]
