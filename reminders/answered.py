"""Who has not answered yet: a campaign's invitations, each with where it stands.

For an anonymous survey this is still the fact of answering, never the answers: invitations
hold no link to a response (`surveys/respondent/anonymity.py`), and this list reads nothing
else. Seats opened by a session link in the room have no person and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.models import Invitation, Person

# In the order staff read them: the first that applies is the invitation's state.
STATES = ("answered", "opted_out", "bounced", "opened", "reminded", "invited", "planned")


@dataclass(frozen=True)
class InvitationState:
    invitation_id: int
    name: str
    email: str
    state: str
    reminders: int
    last_activity: datetime | None


def state_of(
    *,
    status: str,
    opted_out: bool,
    bounced: bool,
    opened: bool,
    reminders: int,
    sent: bool,
) -> str:
    """The one state shown for an invitation (pure: tested as a table)."""
    if status == "completed":
        return "answered"
    if status == "opted_out" or opted_out:
        return "opted_out"
    if status == "bounced" or bounced:
        return "bounced"
    if opened:
        return "opened"
    if reminders > 0:
        return "reminded"
    return "invited" if sent else "planned"


def campaign_invitations(*, session: Session, campaign_id: int) -> list[InvitationState]:
    """Every person invited to the campaign, not answered first, then by name."""
    rows = session.exec(
        select(
            Invitation.id,
            Person.first_name,
            Person.last_name,
            Person.email,
            Invitation.status,
            Person.opted_out_at,
            Person.bounced_at,
            Invitation.opened_at,
            Invitation.reminder_count,
            Invitation.sent_at,
            Invitation.last_reminded_at,
            Invitation.completed_at,
        )
        .join(Person, Person.id == Invitation.person_id)
        .where(Invitation.campaign_id == campaign_id, Person.erased_at.is_(None))
        .order_by(sa.case((Invitation.status == "completed", 1), else_=0), Person.last_name)
    ).all()
    states = []
    for row in rows:
        state = state_of(
            status=row.status,
            opted_out=row.opted_out_at is not None,
            bounced=row.bounced_at is not None,
            opened=row.opened_at is not None,
            reminders=row.reminder_count,
            sent=row.sent_at is not None,
        )
        moments = [row.completed_at, row.last_reminded_at, row.sent_at]
        states.append(
            InvitationState(
                invitation_id=row.id,
                name=f"{row.first_name} {row.last_name}".strip(),
                email=row.email or "",
                state=state,
                reminders=row.reminder_count,
                last_activity=max((m for m in moments if m is not None), default=None),
            )
        )
    return states
