"""What export, erasure and the retention purge share: rows as plain data, identity wiping,
dead links, the local mailbox and the erasure journal."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from surveys.db import checkpoint_after_commit
from surveys.models import (
    Complaint,
    EvidenceNote,
    Invitation,
    OutboundMessage,
    Person,
    ResponseDraft,
)

LEGAL_ENTITY_TYPES = ("financer", "company")  # their organisation is not personal data
UNSENT_STATUSES = ("pending", "retry")
ERASED_COMPLAINT_SUMMARY = "[texte effacé à la demande de la personne / erased on request]"
JOURNAL_SUFFIX = ".erasures"
ERASURE_KINDS = ("request", "retention")


class PrivacyError(ValueError):
    """The operation cannot be done (the message names the person by number only)."""


def plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def plain_row(item: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: plain(getattr(item, field)) for field in fields}


def invitations_of(session: Session, person_id: int) -> list[Invitation]:
    return list(session.exec(select(Invitation).where(Invitation.person_id == person_id)))


def wipe_identity(person: Person, *, now: datetime) -> None:
    person.email = None
    person.external_id = None  # the caller's id would name them again
    person.first_name = ""
    person.last_name = ""
    if person.stakeholder_type not in LEGAL_ENTITY_TYPES:
        person.organisation = ""
    person.erased_at = now


def kill_links_and_messages(session: Session, invitations: list[Invitation]) -> None:
    ids = [invitation.id for invitation in invitations]
    for invitation in invitations:
        invitation.token_salt = secrets.token_hex(16)
        invitation.token_hash = secrets.token_hex(32)  # matches no token: the link is dead
        session.add(invitation)
    if not ids:
        return
    session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.invitation_id.in_(ids), OutboundMessage.status.in_(UNSENT_STATUSES))
        .values(status="cancelled")
    )
    session.execute(
        sa.update(OutboundMessage)
        .where(OutboundMessage.invitation_id.in_(ids))
        .values(last_error=None)
    )
    session.execute(sa.delete(ResponseDraft).where(ResponseDraft.invitation_id.in_(ids)))


def forget_mailbox(mailbox_dir: Path | None, email: str | None) -> int:
    """Delete local-mailbox copies of emails sent to this address."""
    if mailbox_dir is None or not email or not mailbox_dir.exists():
        return 0
    removed = 0
    needle = email.lower().encode()
    for path in mailbox_dir.rglob("*.eml"):
        if needle in path.read_bytes().lower():
            path.unlink()
            removed += 1
    return removed


def detach(session: Session, person_id: int) -> None:
    """Unlink the register and notes; a complaint keeps its kind, theme and dates (indicator 31
    statistics) but loses the person's own words."""
    session.execute(
        sa.update(Complaint)
        .where(Complaint.person_id == person_id)
        .values(person_id=None, details="", summary=ERASED_COMPLAINT_SUMMARY, response_id=None)
    )
    session.execute(
        sa.update(EvidenceNote).where(EvidenceNote.person_id == person_id).values(person_id=None)
    )


def journal_path(engine: sa.Engine) -> Path | None:
    """The erasure journal of a SQLite database file (None for other databases)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    path = Path(database)
    return path.with_name(path.name + JOURNAL_SUFFIX)


def journal_erasures(session: Session, person_ids: list[int], kind: str, now: datetime) -> None:
    """Note who was erased (numbers only, never a name) outside the database, so that a
    restored backup can be erased again; and empty the WAL once the erasure has committed."""
    checkpoint_after_commit(session)
    path = journal_path(session.get_bind().engine)  # type: ignore[union-attr]
    if path is None or not person_ids:
        return
    lines = "".join(
        json.dumps({"person": person_id, "kind": kind, "at": now.isoformat()}) + "\n"
        for person_id in person_ids
    )
    with path.open("a", encoding="utf-8") as journal:
        journal.write(lines)
    path.chmod(0o600)


def read_journal(path: Path | None) -> dict[int, str]:
    """Person number -> kind of erasure ("request" wins over "retention")."""
    if path is None or not path.exists():
        return {}
    erased: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
            person, kind = int(entry["person"]), str(entry["kind"])
        except (ValueError, KeyError, TypeError):
            continue  # a line cut by a crash: the others still count
        if kind in ERASURE_KINDS and erased.get(person) != "request":
            erased[person] = kind
    return erased
