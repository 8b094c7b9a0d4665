"""The campaign page's who-has-answered list, in French, on the real server with the demo.

Set ROOM_SCREENSHOT_DIR to keep the screenshot (docs/screenshots/who_has_answered.png is made
so)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import QUALITY, demo_page, keep_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_quality_staff_see_who_has_answered_and_who_has_not(tmp_path: Path) -> None:
    with demo_page(tmp_path, QUALITY, height=1600) as (page, base_url):
        page.goto(f"{base_url}/campaigns")
        choose = page.get_by_label("Campagne", exact=True)
        choose.wait_for(timeout=60_000)
        choose.click()
        page.keyboard.type("Trois mois après votre formation – DEV-WEB")
        page.keyboard.press("Enter")
        page.get_by_text("7 sur 15").wait_for(timeout=30_000)
        title = page.get_by_role("heading", name="Qui a répondu, qui n'a pas encore répondu")
        title.wait_for(timeout=60_000)
        title.scroll_into_view_if_needed()
        page.locator("[data-testid='stDataFrame']").nth(1).wait_for(timeout=30_000)
        page.get_by_role("button", name="Créer le lien de session").click()
        page.get_by_text("Télécharger l'affiche A4 (PDF)").wait_for(timeout=30_000)
        page.wait_for_timeout(2500)  # let the tables draw
        errors = page.locator("[data-testid='stException']").count()
        text = page.inner_text("body")
        shot = tmp_path / "who_has_answered.png"
        page.screenshot(path=str(shot), full_page=True)
    assert errors == 0
    assert "Lien de session (réponses en salle)" in text and "/s/" in text
    assert "7 sur 15 ont répondu." in text and "Renvoyer son lien à" in text
    keep_screenshot(shot, "ROOM_SCREENSHOT_DIR")
