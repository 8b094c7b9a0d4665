"""The director's dashboard in a real browser, on the real server with the demo data.

Set ANALYSIS_SCREENSHOT_DIR to keep the screenshot (docs/screenshots/dashboard.png is made so).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import DIRECTOR, demo_page, keep_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_director_logs_in_and_sees_the_dashboard_with_its_charts(tmp_path: Path) -> None:
    with demo_page(tmp_path, DIRECTOR, height=1400) as (page, base_url):
        page.goto(f"{base_url}/dashboard")
        page.get_by_role("heading", name="Tableau de bord satisfaction").wait_for(timeout=60_000)
        page.locator("[data-testid='stMetric']").nth(3).wait_for(timeout=60_000)
        page.locator(".vega-embed").first.wait_for(timeout=60_000)
        page.wait_for_function(  # every chart has drawn its canvas or SVG
            "[...document.querySelectorAll('.vega-embed')]"
            ".every(c => c.querySelector('canvas, svg'))",
            timeout=60_000,
        )
        drawn = page.locator(".vega-embed canvas, .vega-embed svg").count()
        metrics = page.locator("[data-testid='stMetricLabel']").all_inner_texts()
        errors = page.locator("[data-testid='stException']").count()
        shot = tmp_path / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        # only the open tab is drawn: another one draws when it is opened
        assert page.get_by_text("Taux d'abandon", exact=True).count() == 0
        page.get_by_role("tab", name="Abandons").click()
        page.get_by_text("Taux d'abandon", exact=True).first.wait_for(timeout=60_000)
        errors += page.locator("[data-testid='stException']").count()
    assert errors == 0
    assert [label.strip() for label in metrics[:4]] == [
        "Réponses",
        "Taux de réponse",
        "Satisfaction moyenne (sur 5)",
        "Net Promoter Score",
    ]
    assert drawn >= 1 and shot.stat().st_size > 20_000
    keep_screenshot(shot, "ANALYSIS_SCREENSHOT_DIR")
