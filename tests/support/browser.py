"""Headless Chromium (Debian's) driven by Playwright, and axe-core for WCAG checks."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.server import run_cli, server_env, start_server
from tests.support.tools import missing_tool

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# the demo's staff accounts (`python -m surveys demo`)
QUALITY = ("qualite@formasud.example.org", "Demo-qualite-2026")
DIRECTOR = ("direction@formasud.example.org", "Demo-direction-2026")


@contextmanager
def chromium() -> Iterator[Any]:
    """A Playwright browser, or a loud skip (a failure in CI) without Chromium."""
    if not CHROMIUM.exists():
        missing_tool("Chromium", "apt-get install chromium (or run `make test` as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (bundled in axe-playwright-python) in the page; WCAG 2.1 A/AA violations.

    Our pages forbid inline scripts (CSP), so the page's context must be created with
    `bypass_csp=True` for axe to be injected."""
    import axe_playwright_python

    script = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    page.add_script_tag(path=str(script))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        list(WCAG_TAGS),
    )
    return result["violations"]


def log_in(page: Any, base_url: str, account: tuple[str, str]) -> None:
    """Log in through the login form, as a person does, and wait for the first staff page."""
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("Adresse e-mail").fill(account[0])
    page.get_by_label("Mot de passe").fill(account[1])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/**")


@contextmanager
def demo_page(
    data_dir: Path, account: tuple[str, str], *, height: int
) -> Iterator[tuple[Any, str]]:
    """The real server on a fresh demo in `data_dir`, and a French 1440-px-wide Chromium page
    logged in as `account`: yields (page, the server's base URL). The server and the browser
    stop when the block ends."""
    env = server_env(data_dir, DEMO_DATA="off")
    run_cli(env, "surveys", "demo")
    server = start_server(env)
    try:
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1440, "height": height}, locale="fr-FR")
            log_in(page, server.base_url, account)
            yield page, server.base_url
    finally:
        server.stop()


def keep_screenshot(shot: Path, variable: str) -> None:
    """Copy `shot` into the folder named by the environment variable `variable`, if it is set
    (how docs/screenshots/ is refreshed from the browser tests)."""
    keep = os.environ.get(variable)
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)
