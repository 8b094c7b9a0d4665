"""Bulk inserts for the demo: SQLAlchemy Core, ten times faster than the ORM at this size."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

DEMO_SEED = 20261127


def insert_returning_ids(session: Session, model: type, rows: list[dict[str, Any]]) -> list[Any]:
    """Bulk insert with Core and return the new primary keys in the order of `rows`."""
    if not rows:
        return []
    statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
    return list(session.scalars(statement, rows))


class Builder:
    """The session, the seeded generator and the rows counted so far, for every demo step."""

    def __init__(self, session: Session, *, now: datetime, session_secret: str) -> None:
        self.session = session
        self.now = now
        self.secret = session_secret
        self.rng = random.Random(DEMO_SEED)
        self.counts: dict[str, int] = {}
        self.pending_answers: list[dict[str, Any]] = []

    def count(self, model: type, added: int) -> None:
        name = model.__tablename__  # type: ignore[attr-defined]
        self.counts[name] = self.counts.get(name, 0) + added

    def add(self, model: type, rows: list[dict[str, Any]]) -> list[Any]:
        """Insert `rows` and return their ids."""
        ids = insert_returning_ids(self.session, model, rows)
        self.count(model, len(ids))
        return ids

    def add_without_ids(self, model: type, rows: list[dict[str, Any]], *, counted: bool) -> None:
        """Insert `rows` in one executemany (no ids read back)."""
        if rows:
            self.session.execute(sa.insert(model), rows)
            if counted:
                self.count(model, len(rows))
