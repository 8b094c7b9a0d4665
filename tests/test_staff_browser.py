"""Staff in a real browser against the real server: log in, reload, roles, log out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.browser import DIRECTOR, QUALITY, axe_violations, chromium, log_in
from tests.support.server import RunningServer, run_cli, server_env, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
HOME_TITLE = "Tableau de bord de l'organisme"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    env = server_env(tmp_path_factory.mktemp("server"))
    run_cli(env, "surveys", "demo")
    running = start_server(env)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with chromium() as launched:
        yield launched


def test_login_page_has_no_wcag_violation(server: RunningServer, browser) -> None:
    context = browser.new_context(bypass_csp=True, locale="fr-FR")
    page = context.new_page()
    for url in ("/auth/login", "/auth/login?lang=en"):
        page.goto(f"{server.base_url}{url}")
        assert axe_violations(page) == [], url
    log_in(page, server.base_url, ("nobody@example.org", "wrong password"))
    assert axe_violations(page) == []  # the error state too
    context.close()


def test_quality_user_logs_in_and_a_reload_keeps_the_session(server, browser) -> None:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    log_in(page, server.base_url, QUALITY)
    page.get_by_text(HOME_TITLE).wait_for(timeout=30_000)
    page.reload()
    page.get_by_text(HOME_TITLE).wait_for(timeout=30_000)
    page.get_by_text("Personnes et sessions").first.wait_for(timeout=10_000)
    cookie = next(c for c in context.cookies() if c["name"] == "qs_session")
    assert cookie["httpOnly"]
    context.close()


def test_a_director_typing_a_quality_page_url_lands_on_the_home_page(server, browser) -> None:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    log_in(page, server.base_url, DIRECTOR)
    page.goto(f"{server.base_url}/people")
    page.get_by_text(HOME_TITLE).wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Personnes et sessions").count() == 0
    context.close()


def test_wrong_password_shows_one_message_and_logout_ends_the_session(server, browser) -> None:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    log_in(page, server.base_url, (QUALITY[0], "not the password"))
    assert page.get_by_role("alert").inner_text().startswith("Connexion impossible")
    log_in(page, server.base_url, QUALITY)
    page.get_by_text(HOME_TITLE).wait_for(timeout=30_000)
    page.goto(f"{server.base_url}/auth/logout")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{server.base_url}/auth/login**")
    page.goto(f"{server.base_url}/")
    page.get_by_text("Connectez-vous pour accéder à la plateforme.").wait_for(timeout=30_000)
    context.close()
