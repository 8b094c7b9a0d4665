"""The audit trail: who did what, when. Written in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from surveys.models import AuditLog, utc_now


def record(
    session: Session, *, actor: str, action: str, target: str = "",
    details: dict[str, Any] | None = None, at: datetime | None = None,
) -> None:
    session.add(
        AuditLog(actor=actor, action=action, target=target, details=details or {},
                 at=at or utc_now())
    )
