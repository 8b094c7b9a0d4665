"""The campaign page's who-has-answered list, in French, on the real server with the demo.

Set ROOM_SCREENSHOT_DIR to keep the screenshot (docs/screenshots/who_has_answered.png is made
so)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select

from surveys.db import create_db_engine, read_session
from surveys.models import Campaign, Invitation
from tests.support.browser import QUALITY, demo_page, keep_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CAMPAIGN = "Trois mois après votre formation – DEV-WEB"


def _answered_of_invited(data_dir: Path) -> tuple[int, int]:
    """(answered, invited) of the newest campaign whose label starts with CAMPAIGN, read from
    the demo's database: the first one the campaign select offers for that text."""
    engine = create_db_engine(f"sqlite:///{data_dir / 'app.db'}")
    with read_session(engine) as session:
        campaign_id = session.exec(
            select(Campaign.id)
            .where(Campaign.label.startswith(CAMPAIGN))
            .order_by(Campaign.scheduled_at.desc(), Campaign.id.desc())
        ).first()
        counts = select(func.count(), func.count(Invitation.completed_at)).where(
            Invitation.campaign_id == campaign_id
        )
        invited, answered = session.exec(counts).one()
    engine.dispose()
    return answered, invited


def test_quality_staff_see_who_has_answered_and_who_has_not(tmp_path: Path) -> None:
    with demo_page(tmp_path, QUALITY, height=1600) as (page, base_url):
        page.goto(f"{base_url}/campaigns")
        choose = page.get_by_label("Campagne", exact=True)
        choose.wait_for(timeout=60_000)
        choose.click()
        page.keyboard.type(CAMPAIGN)
        page.keyboard.press("Enter")
        answered, invited = _answered_of_invited(tmp_path)
        page.get_by_text(f"{answered} sur {invited}").wait_for(timeout=30_000)
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
    assert 0 < answered < invited  # a campaign with people still to answer
    assert f"{answered} sur {invited} ont répondu." in text and "Renvoyer son lien à" in text
    keep_screenshot(shot, "ROOM_SCREENSHOT_DIR")
