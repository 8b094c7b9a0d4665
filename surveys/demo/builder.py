"""Bulk inserts for the demo: SQLAlchemy Core, ten times faster than the ORM at this size."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from sqlmodel import Session

from surveys.models import Answer

DEMO_SEED = 20261127


ANSWERS_PER_FLUSH = 50_000  # answers kept in memory before they are written
CHUNK = 2_000  # rows per RETURNING statement: the driver splices results, keep each short


def insert_returning_ids(session: Session, model: type, rows: list[dict[str, Any]]) -> list[Any]:
    """Bulk insert with Core and return the new primary keys in the order of `rows`."""
    table = model.__table__  # type: ignore[attr-defined]
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    connection = session.connection()
    ids: list[Any] = []
    for start in range(0, len(rows), CHUNK):
        ids += connection.execute(statement, rows[start : start + CHUNK]).scalars()
    return ids


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
            table = model.__table__  # type: ignore[attr-defined]
            self.session.connection().execute(table.insert(), rows)
            if counted:
                self.count(model, len(rows))

    def flush_answers(self, *, at_least: int = 0) -> None:
        """Write the answers drawn so far (their responses are written already), when they
        number `at_least`: memory stays flat at any scale."""
        if self.pending_answers and len(self.pending_answers) >= at_least:
            self.add_without_ids(Answer, self.pending_answers, counted=True)
            self.pending_answers = []
