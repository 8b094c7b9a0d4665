"""Fixtures of the reminders tests: a recording SMTP server on loopback and a database (SQLite
and PostgreSQL) whose settings send to it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from surveys.runtime import AppContext
from tests.conftest import make_context
from tests.reminders.smtp import SmtpServer

HOT_SEND_TIME = datetime(2026, 6, 30, 15, 0, tzinfo=UTC)  # 17:00 in Paris (summer)
FAST_RATES = {"MAIL_RATE_PER_MINUTE": "1000000", "MAIL_RATE_PER_DAY": "10000000"}


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def smtp_settings(port: int) -> dict[str, str]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_SECURITY": "none",
        "MAIL_FROM": "qualite@formasud.example.org",
        **FAST_RATES,
    }


@pytest.fixture
def mail_context(tmp_path: Path, database_url: str, smtp: SmtpServer) -> Iterator[AppContext]:
    """A migrated database on both backends whose SMTP settings point at `smtp`."""
    built = make_context(tmp_path, database_url, **smtp_settings(smtp.port))
    yield built
    built.engine.dispose()
