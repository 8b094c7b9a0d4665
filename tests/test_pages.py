"""Every staff page runs for every role allowed to see it; other roles cannot reach it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from streamlit_app import PAGES, pages_for
from surveys import runtime
from surveys.db import write_session
from surveys.pages.common import TEST_COOKIE_KEY
from surveys.runtime import AppContext
from surveys.staff.auth import StaffIdentity, make_session_cookie
from tests import factories
from tests.conftest import TEST_SECRET

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


@pytest.fixture
def app_env(sqlite_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setenv("DATABASE_URL", sqlite_context.settings.database_url)
    monkeypatch.setenv("DATA_DIR", str(sqlite_context.settings.data_dir))
    monkeypatch.setenv("SESSION_SECRET", TEST_SECRET)
    monkeypatch.setenv("DISPATCHER", "off")
    runtime.app_context.cache_clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    yield sqlite_context
    runtime.app_context.cache_clear()
    st.cache_resource.clear()


def logged_in_app(context: AppContext, role: str) -> AppTest:
    with write_session(context.engine) as session:
        user = factories.staff(session, role=role)
        cookie = make_session_cookie(user, secret=TEST_SECRET)
    app = AppTest.from_file(APP, default_timeout=30)
    app.session_state[TEST_COOKIE_KEY] = cookie
    return app


def test_a_visitor_without_a_session_sees_only_the_login_invitation(app_env) -> None:
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert any(button.proto.url == "/auth/login" for button in app.get("link_button"))


@pytest.mark.parametrize(
    ("role", "path"),
    [(role, spec.path) for role in ("admin", "quality", "director") for spec in pages_for(role)],
)
def test_every_page_runs_for_each_role_that_may_see_it(app_env, role: str, path: str) -> None:
    app = logged_in_app(app_env, role).run()
    app.switch_page(path).run()
    assert not app.exception, [item.value for item in app.exception]
    assert not [item for item in app.error if "pas accessible" in item.value]
    assert app.title, f"{path} shows no title"


QUALITY_ONLY = [spec.path for spec in PAGES if "director" not in spec.roles]


@pytest.mark.parametrize("path", QUALITY_ONLY)
def test_a_director_cannot_open_a_quality_page_by_url(app_env, path: str) -> None:
    app = logged_in_app(app_env, "director").run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(path).run()


@pytest.mark.parametrize("path", QUALITY_ONLY)
def test_each_quality_page_also_stops_a_director_itself(app_env, path: str) -> None:
    director = StaffIdentity(1, "d@example.org", "D", "director", "fr")
    app = AppTest.from_file(str(Path(APP).parent / path), default_timeout=30)
    app.session_state["identity"] = director
    app.run()
    assert any("pas accessible" in item.value for item in app.error)
    assert not app.dataframe and not app.get("form")
