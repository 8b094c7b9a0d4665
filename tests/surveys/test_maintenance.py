"""The daily job thread purges people past retention and stops cleanly."""

from __future__ import annotations

import time
from datetime import date, timedelta

from sqlmodel import select

from surveys.db import read_session, write_session
from surveys.maintenance import DailyJobs
from surveys.models import AuditLog, Person, utc_now
from tests import factories


def test_daily_jobs_purge_at_start_and_stop_cleanly(sqlite_context) -> None:
    with write_session(sqlite_context.engine) as session:
        old = factories.person(session, email="old@example.org")
        course = factories.training_session(session, end_date=date(2019, 1, 31))
        factories.enrol(session, old.id, course.id)
        old_id = old.id
    jobs = DailyJobs(sqlite_context, clock=lambda: utc_now() + timedelta(days=1))
    jobs.start()
    deadline = time.monotonic() + 20
    while jobs.last_day is None and time.monotonic() < deadline:
        time.sleep(0.05)
    jobs.stop()
    assert not jobs.thread.is_alive()
    with read_session(sqlite_context.engine) as session:
        assert session.get(Person, old_id).email is None
        assert session.exec(select(AuditLog).where(AuditLog.action == "retention.purge")).first()
