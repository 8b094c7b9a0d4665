"""SQLite done right: WAL, busy timeout, and writers that queue instead of deadlocking."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from sqlmodel import select

from surveys.db import read_session, write_session
from surveys.models import Programme
from surveys.runtime import AppContext


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_context: AppContext) -> None:
    with sqlite_context.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_concurrent_read_then_write_transactions_never_deadlock(context: AppContext) -> None:
    """Each worker reads a counter then writes it + 1: with deferred transactions on SQLite two
    readers would both try to upgrade their lock and one would fail ("database is locked");
    with BEGIN IMMEDIATE they queue, and on PostgreSQL the row lock serialises them."""
    with write_session(context.engine) as session:
        session.add(Programme(code="COUNTER", name="0"))
    errors: list[BaseException] = []

    def increment() -> None:
        try:
            for _ in range(10):
                with write_session(context.engine) as session:
                    row = session.exec(
                        select(Programme).where(Programme.code == "COUNTER").with_for_update()
                    ).one()
                    row.name = str(int(row.name) + 1)
                    session.add(row)
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=increment) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    with read_session(context.engine) as session:
        assert session.exec(select(Programme.name).where(Programme.code == "COUNTER")).one() == "40"


def test_foreign_keys_are_enforced_on_sqlite(sqlite_context: AppContext) -> None:
    with sqlite_context.engine.begin() as connection:
        try:
            connection.execute(
                sa.text(
                    "INSERT INTO training_session (code, programme_id, start_date, end_date,"
                    " modality, lms, location, created_at) VALUES ('X', 999, '2026-01-01',"
                    " '2026-01-02', 'onsite', '', '', CURRENT_TIMESTAMP)"
                )
            )
        except sa.exc.IntegrityError:
            return
    raise AssertionError("a session pointing at a missing programme was accepted")
