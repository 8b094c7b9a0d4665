"""Planner benchmark: planning N due invitations, a second (idempotent) pass, then N reminders.

    .venv/bin/python benchmarks/planner_bench.py [--messages 10000] [--sessions 5]
                                                [--database-url URL]

Set-up (not timed): one published hot survey planned for a programme with `--sessions`
sessions that ended yesterday, `--messages` learners enrolled across them (Core bulk inserts).
Timed, each in its own write transaction, as the worker runs them:
- first pass: `plan_due` creates the campaigns, the invitations (salt + token hash each) and
  their invitation emails in the outbox;
- second pass: the same call again, which must queue nothing (idempotence);
- reminders pass: every invitation marked sent, `plan_due` a week later queues the reminders.
As a yardstick it also times a bare sqlite3 executemany of the same number of invitation and
outbox rows (no planning logic) and prints the ratio. Target: first pass < 2 s for 10,000.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from benchmarks.bench_rows import hot_plan_over_sessions, require_empty  # noqa: E402
from reminders.planner import plan_due  # noqa: E402
from surveys.config import load_settings  # noqa: E402
from surveys.db import create_db_engine, upgrade_to_head, write_session  # noqa: E402
from surveys.models import Enrolment, Invitation, OutboundMessage, Person  # noqa: E402
from surveys.tokens import hash_token, make_token, new_salt  # noqa: E402

SESSION_END = date(2026, 6, 30)
SEND_AT = datetime(2026, 6, 30, 15, 0, tzinfo=UTC)  # 17:00 Paris, the hot survey's time


def prepare(engine: sa.Engine, messages: int, sessions: int) -> None:
    with write_session(engine) as session:
        trainings = hot_plan_over_sessions(session, sessions=sessions, session_end=SESSION_END)
        training_ids = [training.id for training in trainings]
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(Person),
            [
                {
                    "email": f"learner{index:05d}@bench.example.org",
                    "first_name": "Camille",
                    "last_name": f"Martin {index}",
                    "stakeholder_type": "learner",
                    "language": "en" if index % 10 == 0 else "fr",
                    "created_at": now,
                    "updated_at": now,
                }
                for index in range(messages)
            ],
        )
        ids = connection.execute(sa.select(Person.id).order_by(Person.id)).scalars().all()
        connection.execute(
            sa.insert(Enrolment),
            [
                {"person_id": pid, "session_id": training_ids[i % sessions], "role": "learner"}
                for i, pid in enumerate(ids)
            ],
        )


def timed_pass(engine: sa.Engine, settings, now: datetime) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with write_session(engine) as session:
        planned = plan_due(session=session, now=now, settings=settings)
    return planned, time.perf_counter() - started


def mark_sent(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.update(Invitation).values(status="sent", sent_at=SEND_AT))
        connection.execute(
            sa.update(OutboundMessage).values(status="sent", sent_at=SEND_AT, attempts=1)
        )


def bare_insert(folder: str, messages: int) -> float:
    """The same invitation + outbox rows (salt and token hash included) written by a bare
    sqlite3 executemany into tables of the same columns: no planning logic, no ORM."""
    connection = sqlite3.connect(f"{folder}/bare.db")
    connection.executescript(
        "CREATE TABLE invitation (id INTEGER PRIMARY KEY, campaign_id INT, person_id INT,"
        " token_hash TEXT UNIQUE, token_salt TEXT, language TEXT, status TEXT,"
        " reminder_count INT, created_at TEXT);"
        "CREATE TABLE outbound_message (id INTEGER PRIMARY KEY, invitation_id INT, kind TEXT,"
        " sequence INT, status TEXT, due_at TEXT, attempts INT, created_at TEXT,"
        " UNIQUE (invitation_id, kind, sequence));"
    )
    started = time.perf_counter()
    with connection:
        salts = [new_salt() for _ in range(messages)]
        connection.executemany(
            "INSERT INTO invitation VALUES (?, 1, ?, ?, ?, 'fr', 'pending', 0, ?)",
            [
                (
                    index + 1,
                    index + 1,
                    hash_token(make_token(salt=salt, session_secret="b" * 48)),
                    salt,
                    SEND_AT.isoformat(),
                )
                for index, salt in enumerate(salts)
            ],
        )
        connection.executemany(
            "INSERT INTO outbound_message (invitation_id, kind, sequence, status, due_at,"
            " attempts, created_at) VALUES (?, 'invitation', 0, 'pending', ?, 0, ?)",
            [(index + 1, SEND_AT.isoformat(), SEND_AT.isoformat()) for index in range(messages)],
        )
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        settings = load_settings(
            {"DATA_DIR": folder, "DATABASE_URL": url, "SESSION_SECRET": "b" * 48}
        )
        engine = create_db_engine(url)
        upgrade_to_head(engine)
        require_empty(engine)
        prepare(engine, args.messages, args.sessions)
        first, first_s = timed_pass(engine, settings, SEND_AT)
        again, again_s = timed_pass(engine, settings, SEND_AT)
        mark_sent(engine)
        reminders, reminders_s = timed_pass(engine, settings, SEND_AT + timedelta(days=3, hours=1))
        engine.dispose()
        bare_s = bare_insert(folder, args.messages)
    assert first == args.messages, first
    assert again == 0, again
    assert reminders == args.messages, reminders
    print(f"first pass:     {first} invitations queued in {first_s:6.2f} s (target < 2 s)")
    print(f"second pass:    {again} queued (idempotent) in {again_s:6.2f} s")
    print(f"reminders pass: {reminders} reminders queued in {reminders_s:6.2f} s")
    print(
        f"bare sqlite3 executemany of the same rows: {bare_s:6.2f} s; "
        f"first pass / bare = {first_s / bare_s:.1f}x"
    )


if __name__ == "__main__":
    main()
