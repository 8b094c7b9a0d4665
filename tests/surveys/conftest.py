"""Fixtures of the surveys tests."""

from __future__ import annotations

import pytest

from surveys.db import write_session
from surveys.demo import load_demo
from surveys.models import utc_now
from surveys.runtime import AppContext


@pytest.fixture
def demo(context: AppContext) -> AppContext:
    """`context` (SQLite and PostgreSQL) holding the demo organisation, loaded now."""
    with write_session(context.engine) as session:
        load_demo(session=session, now=utc_now(), session_secret=context.settings.session_secret)
    return context
