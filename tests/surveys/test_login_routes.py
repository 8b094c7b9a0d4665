"""The login routes over HTTP: good, bad, unknown, locked, logout, and reload keeps the session."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from surveys.db import read_session, write_session
from surveys.runtime import AppContext
from surveys.staff.auth import SESSION_COOKIE, identity_from_cookie
from surveys.staff.routes import staff_routes
from tests import factories
from tests.factories import PASSWORD


@pytest.fixture
def client(context: AppContext) -> TestClient:
    with write_session(context.engine) as session:
        factories.staff(session, email="quality@example.org", role="quality")
    return TestClient(Starlette(routes=staff_routes(context)), follow_redirects=False)


def _post_login(client: TestClient, email: str, password: str, lang: str = "fr"):
    page = client.get(f"/auth/login?lang={lang}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post(
        "/auth/login", data={"email": email, "password": password, "csrf": csrf, "lang": lang}
    )


def _identity(context: AppContext, client: TestClient, cookie: str | None = None):
    """Who the client's session cookie (or `cookie`) identifies, if anyone."""
    with read_session(context.engine) as session:
        return identity_from_cookie(
            session=session,
            cookie=cookie or client.cookies.get(SESSION_COOKIE),
            secret=context.settings.session_secret,
            max_age_hours=1,
        )


def test_login_page_is_french_by_default_and_english_on_request(client: TestClient) -> None:
    french = client.get("/auth/login")
    assert french.status_code == 200 and '<html lang="fr">' in french.text
    assert "Mot de passe" in french.text
    english = client.get("/auth/login?lang=en")
    assert '<html lang="en">' in english.text and "Password" in english.text
    assert french.headers["referrer-policy"] == "no-referrer"


def test_good_password_sets_a_signed_httponly_cookie(context: AppContext, client) -> None:
    response = _post_login(client, "quality@example.org", PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/"
    set_cookie = response.headers["set-cookie"]
    assert SESSION_COOKIE in set_cookie and "HttpOnly" in set_cookie
    assert _identity(context, client).role == "quality"


def test_reload_keeps_the_session(context: AppContext, client: TestClient) -> None:
    _post_login(client, "quality@example.org", PASSWORD)
    for _ in range(3):  # a later request with the same cookie is still the same person
        assert _identity(context, client).email == "quality@example.org"


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient) -> None:
    wrong = _post_login(client, "quality@example.org", "wrong password")
    unknown = _post_login(client, "nobody@example.org", "wrong password")
    assert wrong.status_code == unknown.status_code == 401
    message = re.compile(r'<div class="error-summary".*?</div>', re.S)
    assert message.search(wrong.text).group(0) == message.search(unknown.text).group(0)
    assert SESSION_COOKIE not in client.cookies


def test_five_failures_lock_the_account(client: TestClient) -> None:
    for _ in range(5):
        assert _post_login(client, "quality@example.org", "nope nope").status_code == 401
    locked = _post_login(client, "quality@example.org", PASSWORD)
    assert locked.status_code == 401


def test_login_without_the_form_token_is_refused(client: TestClient) -> None:
    response = client.post(
        "/auth/login", data={"email": "quality@example.org", "password": PASSWORD, "csrf": "forged"}
    )
    assert response.status_code == 400
    assert SESSION_COOKIE not in client.cookies


def test_logout_revokes_the_cookie_everywhere(context: AppContext, client: TestClient) -> None:
    _post_login(client, "quality@example.org", PASSWORD)
    stolen_copy = client.cookies.get(SESSION_COOKIE)
    page = client.get("/auth/logout")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert _identity(context, client) is not None  # showing the page logs nobody out
    response = client.post("/auth/logout", data={"csrf": csrf})
    assert response.status_code == 303
    assert stolen_copy and _identity(context, client, stolen_copy) is None


def test_health_route_checks_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_logout_without_the_form_token_logs_nobody_out(context: AppContext, client) -> None:
    _post_login(client, "quality@example.org", PASSWORD)
    response = client.post("/auth/logout", data={"csrf": "forged"})
    assert response.status_code == 303 and response.headers["location"] == "/auth/logout"
    assert _identity(context, client) is not None
