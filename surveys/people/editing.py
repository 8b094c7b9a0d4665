"""People and enrolments edited one at a time by the staff (the people page).

Each change is checked with the import's own rules (`surveys.people.record_checks`), written
in the caller's transaction, and audit-logged with the acting staff member. The audit entry
names the fields that changed, never their values (a person's erasure must not leave their
address in the log).

- A person's email is what the dispatcher reads when it claims a message
  (`reminders.outbox`): messages still waiting (pending, retry) go to the new address; those
  already sent stay as they were (their log keeps when and with which id they went). When the
  old address had bounced, the bounce is forgotten and the bounced invitations become failed
  ones, so a staff member can resend them.
- Removing an enrolment keeps every answer and every invitation that was answered. The
  person's other invitations to that session's campaigns (same role) are kept too, for the
  message log's "who was sent what", but nothing more is sent about it: their waiting
  messages are cancelled (`enrolment_removed`) and the planner queues no further reminder for
  someone no longer enrolled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from surveys.audit import record
from surveys.i18n import TranslatableError
from surveys.models import (
    Campaign,
    Enrolment,
    Invitation,
    OutboundMessage,
    Person,
    Programme,
    TrainingSession,
)
from surveys.people.enrolment_status import change_status
from surveys.people.record_checks import check_person

EDITABLE = ("first_name", "last_name", "email", "stakeholder_type", "organisation", "language")
WAITING = ("pending", "retry")  # messages not handed to the mail server yet


class EditRefused(TranslatableError):
    """A change refused with a message the staff member reads (field named in `field`)."""

    def __init__(self, field_name: str, key: str, **params: Any) -> None:
        super().__init__(key, **params)
        self.field = field_name


@dataclass
class PersonChange:
    person: Person
    changed: list[str] = field(default_factory=list)
    messages_following: int = 0  # waiting messages that now go to the new address
    bounce_cleared: bool = False


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    try:
        row = check_person({name: values.get(name) for name in EDITABLE})
    except TranslatableError as refused:
        raise EditRefused(getattr(refused, "field", ""), refused.key, **refused.params) from None
    return {name: getattr(row, name) for name in EDITABLE} | {"language": row.language or "fr"}


def _email_taken(session: Session, email: str, person_id: int | None) -> None:
    query = select(Person.id).where(func.lower(Person.email) == email.lower())
    if person_id is not None:
        query = query.where(Person.id != person_id)
    if session.exec(query).first() is not None:
        raise EditRefused("email", "people.edit.errors.duplicate_email", email=email)


def add_person(*, session: Session, values: dict[str, Any], actor: str, now: datetime) -> Person:
    """A new person from the form's values; EditRefused says why not."""
    fields = _checked(values)
    _email_taken(session, fields["email"], None)
    person = Person(**fields, created_at=now)
    session.add(person)
    session.flush()
    details = {"stakeholder_type": person.stakeholder_type, "language": person.language}
    record(session, actor=actor, action="person.create", target=f"person:{person.id}",
           details=details, at=now)  # fmt: skip
    return person


def _get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        raise EditRefused("", "people.edit.errors.no_person")
    return person


def _waiting_messages(session: Session, person_id: int) -> int:
    query = (
        select(func.count())
        .select_from(OutboundMessage)
        .join(Invitation, Invitation.id == OutboundMessage.invitation_id)
        .where(Invitation.person_id == person_id, col(OutboundMessage.status).in_(WAITING))
    )
    return session.exec(query).one()


def _forget_bounce(session: Session, person: Person) -> bool:
    if person.bounced_at is None:
        return False
    person.bounced_at = None
    session.execute(
        sa.update(Invitation)
        .where(col(Invitation.person_id) == person.id, col(Invitation.status) == "bounced")
        .values(status="failed")
    )
    return True


def edit_person(
    *, session: Session, person_id: int, values: dict[str, Any], actor: str, now: datetime
) -> PersonChange:
    """The person's fields set to the form's values (name, email, type, organisation,
    language); nothing is written or logged when nothing changed."""
    person = _get_person(session, person_id)
    fields = _checked(values)
    change = PersonChange(person)
    change.changed = [name for name in EDITABLE if getattr(person, name) != fields[name]]
    if not change.changed:
        return change
    if "email" in change.changed:
        _email_taken(session, fields["email"], person.id)
        change.messages_following = _waiting_messages(session, person.id)
        change.bounce_cleared = _forget_bounce(session, person)
    for name in change.changed:
        setattr(person, name, fields[name])
    session.add(person)
    details: dict[str, Any] = {"fields": change.changed}
    if "email" in change.changed:
        details |= {"messages_following": change.messages_following,
                    "bounce_cleared": change.bounce_cleared}  # fmt: skip
    record(session, actor=actor, action="person.edit", target=f"person:{person.id}",
           details=details, at=now)  # fmt: skip
    return change


def person_enrolments(*, session: Session, person_id: int) -> list[dict[str, Any]]:
    """The person's enrolments, latest session first, for the people page."""
    rows = session.exec(
        select(Enrolment, TrainingSession.code, Programme.name, TrainingSession.end_date)
        .join(TrainingSession, TrainingSession.id == Enrolment.session_id)
        .join(Programme, Programme.id == TrainingSession.programme_id)
        .where(Enrolment.person_id == person_id)
        .order_by(col(TrainingSession.end_date).desc(), col(Enrolment.id))
    ).all()
    return [
        {
            "id": enrolment.id,
            "session": code,
            "programme": programme,
            "end": end,
            "role": enrolment.role,
            "status": enrolment.status,
            "status_changed_on": enrolment.status_changed_on,
        }
        for enrolment, code, programme, end in rows
    ]


def _get_enrolment(session: Session, enrolment_id: int) -> Enrolment:
    enrolment = session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise EditRefused("", "people.edit.errors.no_enrolment")
    return enrolment


def set_enrolment_status(
    *,
    session: Session,
    enrolment_id: int,
    status: str,
    actor: str,
    now: datetime,
    day: date | None = None,
) -> bool:
    """The status of one enrolment, through the one function that dates and logs it."""
    enrolment = _get_enrolment(session, enrolment_id)
    return change_status(session, enrolment, status, actor=actor, now=now, day=day)


@dataclass(frozen=True)
class RemovedEnrolment:
    answered: int  # invitations answered: kept, with their answers
    kept: int  # other invitations of the session's campaigns: kept, nothing more sent
    cancelled: int  # their waiting messages, cancelled


def _session_invitations(session: Session, enrolment: Enrolment) -> list[Invitation]:
    return list(
        session.exec(
            select(Invitation)
            .join(Campaign, Campaign.id == Invitation.campaign_id)
            .where(
                Invitation.person_id == enrolment.person_id,
                Campaign.session_id == enrolment.session_id,
                Campaign.audience == enrolment.role,
            )
        ).all()
    )


def remove_enrolment(
    *, session: Session, enrolment_id: int, actor: str, now: datetime
) -> RemovedEnrolment:
    """The enrolment deleted; its answers kept; nothing more sent about that session."""
    enrolment = _get_enrolment(session, enrolment_id)
    invitations = _session_invitations(session, enrolment)
    open_ids = [item.id for item in invitations if item.status != "completed"]
    cancelled = 0
    if open_ids:
        cancelled = session.execute(
            sa.update(OutboundMessage)
            .where(
                col(OutboundMessage.invitation_id).in_(open_ids),
                col(OutboundMessage.status).in_(WAITING),
            )
            .values(status="cancelled", last_error="enrolment_removed")
        ).rowcount
    result = RemovedEnrolment(len(invitations) - len(open_ids), len(open_ids), cancelled)
    details = {"person": enrolment.person_id, "session": enrolment.session_id,
               "role": enrolment.role, "status": enrolment.status,
               "invitations_answered": result.answered, "invitations_kept": result.kept,
               "messages_cancelled": result.cancelled}  # fmt: skip
    session.delete(enrolment)
    record(session, actor=actor, action="enrolment.remove", target=f"enrolment:{enrolment_id}",
           details=details, at=now)  # fmt: skip
    return result
