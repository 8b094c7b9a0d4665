"""What the server does beside the respondents in answer_bench's loaded case.

- **A backlog**: `BACKLOG` learners enrolled in sessions that ended yesterday under the hot
  plan, planned with the real planner (`plan_due`), so the outbox holds that many invitations
  due now (what the demo's own plans have due today, the new learners included, is
  cancelled). The server's dispatcher (DISPATCHER=on: its child process) sends them to an aiosmtpd
  sink on loopback (its own process, as a real mail relay would be).
- **A staff user**: headless Chromium (Debian's) logged in with a session cookie, reloading
  the dashboard over and over (each reload is a new Streamlit session: the whole script runs
  in the server, over its websocket) until told to stop.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from benchmarks.bench_rows import hot_plan_over_sessions
from benchmarks.dispatch_bench import free_port, start_sink
from reminders.planner import plan_due
from surveys.config import load_settings, paris_day
from surveys.db import create_db_engine, write_connection, write_session
from surveys.i18n import t
from surveys.models import (
    Campaign,
    Enrolment,
    Invitation,
    OutboundMessage,
    Person,
    StaffUser,
    SurveyPlan,
)
from surveys.staff.auth import SESSION_COOKIE, make_session_cookie

BACKLOG = 10_000
BACKLOG_SESSIONS = 20
MAIL_FROM = "qualite@bench.example.org"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def mail_env(smtp_port: int) -> dict[str, str]:
    """The server's settings for the loaded phase: dispatcher on, mail to the sink, no rate
    limit in the way."""
    return {
        "DISPATCHER": "on",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "SMTP_SECURITY": "none",
        "MAIL_FROM": MAIL_FROM,
        "MAIL_RATE_PER_MINUTE": "100000000",
        "MAIL_RATE_PER_DAY": "100000000",
    }


def add_backlog(env: dict[str, str], messages: int = BACKLOG) -> int:
    """`messages` due invitations in the outbox (Core bulk inserts, then the real planner)."""
    settings = load_settings(env)
    engine = create_db_engine(settings.database_url)
    now = datetime.now(UTC)
    ended = paris_day(now) - timedelta(days=1)
    with write_session(engine) as session:
        trainings = hot_plan_over_sessions(session, sessions=BACKLOG_SESSIONS, session_end=ended)
        training_ids = [training.id for training in trainings]
        programme_id = trainings[0].programme_id
    with write_connection(engine) as connection:  # BEGIN IMMEDIATE: the server may be writing
        first = connection.execute(sa.select(sa.func.max(Person.id))).scalar() or 0
        connection.execute(
            sa.insert(Person),
            [
                {
                    "email": f"backlog{index:05d}@bench.example.org",
                    "first_name": "Camille",
                    "last_name": f"Martin {index}",
                    "stakeholder_type": "learner",
                    "language": "fr",
                    "created_at": now,
                    "updated_at": now,
                }
                for index in range(messages)
            ],
        )
        ids = connection.execute(sa.select(Person.id).where(Person.id > first)).scalars().all()
        connection.execute(
            sa.insert(Enrolment),
            [
                {"person_id": pid, "session_id": training_ids[i % len(training_ids)]}
                | {"role": "learner"}
                for i, pid in enumerate(ids)
            ],
        )
    with write_session(engine) as session:
        plan_due(session=session, now=now, settings=settings)
        backlog = _keep_only_the_backlog(session.connection(), programme_id)
    engine.dispose()
    return backlog


def _keep_only_the_backlog(connection: sa.Connection, programme_id: int) -> int:
    """Cancel what the demo's own plans had due today (its yearly surveys also invite the new
    learners): only the hot survey of the backlog's programme stays pending."""
    ours = (
        sa.select(Invitation.id)
        .join(Campaign, Campaign.id == Invitation.campaign_id)
        .join(SurveyPlan, SurveyPlan.id == Campaign.plan_id)
        .where(SurveyPlan.programme_id == programme_id)
    )
    pending = OutboundMessage.status == "pending"
    connection.execute(
        sa.update(OutboundMessage)
        .where(pending, OutboundMessage.invitation_id.not_in(ours))
        .values(status="cancelled")
    )
    return connection.execute(sa.select(sa.func.count()).where(pending)).scalar_one()


def outbox_counts(database_url: str) -> dict[str, int]:
    engine = create_db_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(OutboundMessage.status, sa.func.count()).group_by(OutboundMessage.status)
        ).all()
    engine.dispose()
    return {status: count for status, count in rows}


def staff_cookie(database_url: str, secret: str) -> str:
    engine = create_db_engine(database_url)
    with write_session(engine) as session:
        user = session.exec(select(StaffUser).where(StaffUser.role == "quality")).first()
        assert user is not None, "the demo's quality user is missing"
        cookie = make_session_cookie(user, secret=secret)
    engine.dispose()
    return cookie


class StaffReloads:
    """Chromium reloading the dashboard on its own thread (Playwright's sync API stays on
    the thread that started it) until `stop()`; `durations` holds each reload's seconds."""

    def __init__(self, base_url: str, cookie: str) -> None:
        self.base_url, self.cookie = base_url, cookie
        self.durations: list[float] = []
        self.ready, self.stopping = threading.Event(), threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="staff-reloads", daemon=True)

    def start(self, timeout: float = 120) -> StaffReloads:
        self.thread.start()
        self.ready.wait(timeout)
        if self.error is not None:
            raise SystemExit(f"the staff browser failed: {self.error!r}")
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(60)

    def _run(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                self._reload_until_stopped(browser)
                browser.close()
        except BaseException as error:  # reported by start() or after stop()
            self.error = error
            self.ready.set()

    def _reload_until_stopped(self, browser) -> None:  # type: ignore[no-untyped-def]
        context = browser.new_context(locale="fr-FR")
        context.add_cookies([{"name": SESSION_COOKIE, "value": self.cookie, "url": self.base_url}])
        page = context.new_page()
        title = t("analysis.dashboard.title", "fr")
        page.goto(f"{self.base_url}/dashboard")
        page.get_by_text(title).first.wait_for(timeout=120_000)
        self.ready.set()
        while not self.stopping.is_set():
            started = time.perf_counter()
            page.reload()
            page.get_by_text(title).first.wait_for(timeout=120_000)
            page.wait_for_load_state("networkidle")
            self.durations.append(time.perf_counter() - started)
        context.close()


def start_mail_sink() -> tuple[int, object]:
    port = free_port()
    return port, start_sink(port)
