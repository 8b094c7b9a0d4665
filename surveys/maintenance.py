"""Daily housekeeping inside the server: the retention purge, once a day.

The job is idempotent (a purge finds nothing more to do the second time), so several servers
running it, or a restart in the middle, do no harm.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from surveys.db import write_session
from surveys.models import utc_now
from surveys.privacy import purge_expired
from surveys.runtime import AppContext

log = logging.getLogger(__name__)
CHECK_EVERY_SECONDS = 3600


def run_daily_jobs(context: AppContext, *, now: datetime) -> dict[str, int]:
    with write_session(context.engine) as session:
        report = purge_expired(session=session, now=now, mailbox_dir=context.settings.mailbox_dir)
    return {"purged": len(report.people)}


class DailyJobs:
    """A background thread running `run_daily_jobs` at start and then once per calendar day."""

    def __init__(self, context: AppContext, clock: Callable[[], datetime] = utc_now) -> None:
        self.context = context
        self.clock = clock
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="daily-jobs", daemon=True)
        self.last_day: str | None = None

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)

    def _loop(self) -> None:
        while not self.stopping.is_set():
            today = self.clock().date().isoformat()
            if today != self.last_day:
                try:
                    log.info("daily jobs: %s", run_daily_jobs(self.context, now=self.clock()))
                    self.last_day = today
                except Exception:  # keep the server up; the next check retries
                    log.exception("daily jobs failed")
            self.stopping.wait(CHECK_EVERY_SECONDS)
