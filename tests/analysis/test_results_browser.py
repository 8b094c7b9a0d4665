"""A director opens "Résultats par question" in a real Chromium on the demo, picks a session
and reads each question's bars, the hidden small groups with their reason, and no error; one
click prepares the session's dossier, and its PDF downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import DIRECTOR, demo_page, keep_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_director_reads_the_results_of_one_session(tmp_path: Path) -> None:
    with demo_page(tmp_path, DIRECTOR, height=1400) as (page, base_url):
        page.goto(f"{base_url}/question_results")
        page.get_by_role("heading", name="Résultats par question").wait_for(timeout=60_000)
        page.get_by_text("Une session", exact=True).click()
        page.locator("h3").first.wait_for(timeout=60_000)
        page.wait_for_timeout(2000)  # let the charts finish drawing
        headings = page.locator("h3").all_inner_texts()
        body = page.locator("section.main, [data-testid='stMain']").first.inner_text()
        errors = page.locator("[data-testid='stException']").count()
        shot = tmp_path / "question_results.png"
        page.screenshot(path=str(shot), full_page=True)
        page.get_by_role("button", name="Préparer le dossier de la session").click()
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Dossier de la session (PDF)").click(timeout=120_000)
        dossier = download.value
        dossier_name = dossier.suggested_filename
        dossier_head = Path(dossier.path()).read_bytes()[:5]
        page.get_by_text("Un programme (toutes ses sessions)", exact=True).click()
        page.get_by_role("button", name="Préparer le dossier du programme").click(timeout=60_000)
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Dossier du programme (PDF)").click(timeout=120_000)
        programme = download.value
        programme_name = programme.suggested_filename
        programme_head = Path(programme.path()).read_bytes()[:5]
        errors += page.locator("[data-testid='stException']").count()
    assert errors == 0
    assert dossier_name.startswith("dossier-") and dossier_name.endswith(".pdf")
    assert dossier_head == b"%PDF-"
    assert programme_name.startswith("dossier-programme-") and programme_head == b"%PDF-"
    assert headings and headings[0].startswith("1. ")
    assert "Répondants : " in body and "None" not in body and "likert5" not in body
    keep_screenshot(shot, "ANALYSIS_SCREENSHOT_DIR")
