"""Opting out: stop every survey email to a link's person, and the unsubscribe page's facts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.audit import record
from surveys.models import Invitation, OutboundMessage, Person
from surveys.respondent.links import Database, find_link_row
from surveys.tokens import hash_token, looks_like_token

CANCELLABLE_MESSAGE_STATUSES = ("pending", "retry")
_OUTBOX = OutboundMessage.__table__  # type: ignore[attr-defined]


def cancel_messages(connection: sa.Connection, invitation_ids: sa.ColumnElement[bool]) -> int:
    result = connection.execute(
        sa.update(_OUTBOX)
        .where(invitation_ids, _OUTBOX.c.status.in_(CANCELLABLE_MESSAGE_STATUSES))
        .values(status="cancelled")
    )
    return result.rowcount or 0


def _invitation_for_update(session: Session, token: str) -> Invitation | None:
    if not looks_like_token(token):
        return None
    return session.exec(
        select(Invitation)
        .where(Invitation.token_hash == hash_token(token))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def opt_out(
    *,
    session: Session,
    now: datetime,
    token: str | None = None,
    invitation: Invitation | None = None,
) -> Invitation | None:
    """Stop every survey email to the link's person: person opted out, this invitation marked
    opted out (unless already answered), pending emails of all their invitations cancelled.

    Returns the invitation, or None for an unknown token. Idempotent.
    """
    if invitation is None:
        invitation = _invitation_for_update(session, token or "")
    if invitation is None:
        return None
    person = session.get(Person, invitation.person_id) if invitation.person_id else None
    if person is not None and person.erased_at is not None:
        return None
    if person is not None and person.opted_out_at is None:
        person.opted_out_at = now
        session.add(person)
        record(
            session,
            actor="respondent",
            action="person.opt_out",
            target=f"person:{person.id}",
            at=now,
        )
    if invitation.status not in ("completed", "opted_out"):
        invitation.status = "opted_out"
        session.add(invitation)
    scope = (
        OutboundMessage.invitation_id.in_(
            select(Invitation.id).where(Invitation.person_id == person.id)
        )
        if person is not None
        else OutboundMessage.invitation_id == invitation.id
    )
    cancel_messages(session.connection(), scope)
    session.flush()
    return invitation


def unsubscribe_status(*, session: Database, token: str) -> tuple[bool, str] | None:
    """For the unsubscribe page: None for an unknown link, else (opted out?, language)."""
    row = find_link_row(session, token, lock=False)
    if row is None or row.erased_at is not None:
        return None
    opted_out = (
        row.status == "opted_out"
        or session.exec(select(Person.opted_out_at).where(Person.id == row.person_id)).first()
        is not None
    )
    return opted_out, row.language
