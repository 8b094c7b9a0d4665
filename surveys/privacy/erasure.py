"""Erasure on request (right to erasure), and again after a backup is restored."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.audit import record
from surveys.frozen import FrozenSurvey
from surveys.models import Answer, Invitation, NamedResponse, Person, Response, SurveyVersion
from surveys.privacy.common import (
    PrivacyError,
    detach,
    forget_mailbox,
    invitations_of,
    journal_erasures,
    kill_links_and_messages,
    wipe_identity,
)


def _is_free_text(session: Session, response_ids: list[str]) -> sa.ColumnElement[bool]:
    """Answers to `text` questions of these responses' survey versions."""
    version_ids = select(Response.survey_version_id).where(Response.id.in_(response_ids))
    versions = session.exec(
        select(SurveyVersion.definition).where(SurveyVersion.id.in_(version_ids))
    ).all()
    text_ids = {q["id"] for d in versions for q in FrozenSurvey(d).questions(of_type="text")}
    return Answer.question_id.in_(sorted(text_ids))


def _unlink_responses(session: Session, person_id: int) -> int:
    """Named responses become anonymous; their free-text answers are deleted."""
    links = list(session.exec(select(NamedResponse).where(NamedResponse.person_id == person_id)))
    response_ids = [link.response_id for link in links]
    if response_ids:
        session.execute(
            sa.delete(Answer).where(
                Answer.response_id.in_(response_ids),
                Answer.text.is_not(None),
                Answer.number.is_(None),
                _is_free_text(session, response_ids),
            )
        )
        session.execute(sa.delete(NamedResponse).where(NamedResponse.person_id == person_id))
        session.execute(
            sa.update(Response).where(Response.id.in_(response_ids)).values(anonymous=True)
        )
    return len(response_ids)


def anonymise(
    session: Session, person: Person, *, now: datetime, mailbox_dir: Path | None = None
) -> list[Invitation]:
    """What erasure and the retention purge both do to a person (see the package's doc);
    returns the person's invitations."""
    invitations = invitations_of(session, person.id)
    forget_mailbox(mailbox_dir, person.email)
    kill_links_and_messages(session, invitations)
    detach(session, person.id)
    wipe_identity(person, now=now)
    session.add(person)
    return invitations


def erase_person(
    *,
    session: Session,
    person_id: int,
    actor: str,
    now: datetime,
    mailbox_dir: Path | None = None,
) -> None:
    """Erase a person on request (right to erasure). Aggregated scores are unchanged."""
    person = session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        raise PrivacyError(f"La personne n°{person_id} n'existe pas ou a déjà été effacée.")
    unlinked = _unlink_responses(session, person_id)
    for invitation in anonymise(session, person, now=now, mailbox_dir=mailbox_dir):
        invitation.person_id = None
        session.add(invitation)
    journal_erasures(session, [person_id], "request", now)
    record(
        session,
        actor=actor,
        action="person.erase",
        target=f"person:{person_id}",
        at=now,
        details={"named_responses_unlinked": unlinked},
    )


def reapply_erasures(*, session: Session, erased: dict[int, str], now: datetime) -> int:
    """Erase again, in a restored database, the people erased since its backup was made
    (`erased`: person number -> "request" or "retention"). Returns how many."""
    again = 0
    for person_id, kind in sorted(erased.items()):
        person = session.get(Person, person_id)
        if person is None or person.erased_at is not None:
            continue
        if kind == "request":
            erase_person(session=session, person_id=person_id, actor="system:restore", now=now)
        else:
            anonymise(session, person, now=now)
            journal_erasures(session, [person_id], "retention", now)
        again += 1
    if again:
        record(
            session, actor="system", action="restore.erasures", at=now, details={"people": again}
        )
    return again
