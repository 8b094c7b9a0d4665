"""Every staff page runs for every role allowed to see it; other roles cannot reach it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from streamlit_app import PAGES, pages_for
from surveys.staff.auth import StaffIdentity
from tests.support.staff_app import APP, logged_in_app


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
