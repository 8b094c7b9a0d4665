"""The audit trail: who did what, when. Written in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from surveys.models import AuditLog, utc_now


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
