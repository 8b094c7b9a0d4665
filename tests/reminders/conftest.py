"""Fixtures of the reminders tests: a database (SQLite and PostgreSQL) whose settings send to
the recording SMTP server on loopback (`smtp`, from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from surveys.runtime import AppContext
from tests.conftest import make_context
from tests.support.smtp import SmtpServer, smtp_settings


@pytest.fixture
def mail_context(tmp_path: Path, database_url: str, smtp: SmtpServer) -> Iterator[AppContext]:
    """A migrated database on both backends whose SMTP settings point at `smtp`."""
    built = make_context(tmp_path, database_url, **smtp_settings(smtp.port))
    yield built
    built.engine.dispose()
