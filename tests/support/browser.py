"""Headless Chromium (Debian's) driven by Playwright, and axe-core for WCAG checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
