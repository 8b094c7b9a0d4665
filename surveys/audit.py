"""The audit trail: who did what, when. Written in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select

from surveys.models import AuditLog, utc_now

Row = TypeVar("Row", bound=SQLModel)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        AuditLog(
            actor=actor, action=action, target=target, details=details or {}, at=at or utc_now()
        )
    )


def save_with_audit(
    session: Session,
    row: Row,
    *,
    actor: str,
    action: str,
    kind: str,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Row:
    """Write `row` (flushed: it has its id) and the audit line of `action` on `<kind>:<id>`."""
    session.add(row)
    session.flush()
    record(session, actor=actor, action=action, target=f"{kind}:{row.id}", details=details, at=at)
    return row


def list_entries(
    *, session: Session, action: str = "", actor: str = "", limit: int = 500
) -> list[dict[str, Any]]:
    """The latest entries, newest first, optionally filtered by action prefix and actor."""
    query = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    if action:
        query = query.where(AuditLog.action.startswith(action))
    if actor:
        query = query.where(AuditLog.actor == actor)
    return [
        {
            "at": entry.at,
            "actor": entry.actor,
            "action": entry.action,
            "target": entry.target,
            "details": entry.details,
        }
        for entry in session.exec(query)
    ]
