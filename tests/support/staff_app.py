"""The staff app under streamlit's AppTest: pointed at a test database, logged in as a role."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from surveys import runtime
from surveys.db import write_session
from surveys.pages.common import TEST_COOKIE_KEY
from surveys.runtime import AppContext
from surveys.staff.auth import make_session_cookie
from tests import factories
from tests.support.server import ROOT

APP = str(ROOT / "streamlit_app.py")


def clear_caches() -> None:
    runtime.app_context.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()


@contextmanager
def app_environment(
    context: AppContext, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppContext]:
    """`env` set for the app and streamlit's caches cleared before and after."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    clear_caches()
    yield context
    clear_caches()


def logged_in_app(
    context: AppContext, role: str, *, timeout: float = 30, **staff_fields: Any
) -> AppTest:
    """The app (not yet run) with the session cookie of a new staff member of `role`."""
    with write_session(context.engine) as session:
        user = factories.staff(session, role=role, **staff_fields)
        cookie = make_session_cookie(user, secret=context.settings.session_secret)
    app = AppTest.from_file(APP, default_timeout=timeout)
    app.session_state[TEST_COOKIE_KEY] = cookie
    return app


def open_dashboard_tab(app: AppTest, tab: str, language: str = "fr") -> AppTest:
    """Make the dashboard's tab `tab` ("themes", "rates", "dropouts"...) the open one at the
    next run (the dashboard draws its open tab only)."""
    from analysis.pages.shared import DASHBOARD_TAB_KEY
    from surveys.i18n import t

    app.session_state[DASHBOARD_TAB_KEY] = t(f"analysis.dashboard.tab_{tab}", language)
    return app
