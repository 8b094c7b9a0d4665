"""The evidence-pack page: any staff member (a director too) builds the pack and gets the PDF
and the HTML to download."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from surveys.staff.auth import StaffIdentity

PAGE = str(Path(__file__).resolve().parents[2] / "analysis" / "pages" / "evidence_pack.py")
DIRECTOR = StaffIdentity(2, "d@example.org", "Diane", "director", "fr")
ENGLISH_DIRECTOR = StaffIdentity(2, "d@example.org", "Diane", "director", "en")
ENGLISH_DAY = r"\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"


def test_a_director_builds_the_pack_and_gets_both_downloads(app_env) -> None:
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state["identity"] = DIRECTOR
    app.run()
    app.button(key="pack_build").click().run()
    assert not app.exception, [item.value for item in app.exception]
    assert any("Dossier prêt" in item.value for item in app.success)
    html, pdf, _start, _end = app.session_state["evidence_pack"]
    assert pdf.startswith(b"%PDF-") and 'data-section="notes"' in html
    assert len(app.get("download_button")) == 2


def test_an_english_reader_reads_the_pack_period_in_english(app_env) -> None:
    app = AppTest.from_file(PAGE, default_timeout=120)
    app.session_state["identity"] = ENGLISH_DIRECTOR
    app.run()
    app.button(key="pack_build").click().run()
    assert not app.exception, [item.value for item in app.exception]
    ready = app.success[0].value
    assert len(re.findall(ENGLISH_DAY, ready)) == 2, ready
    assert not re.search(r"\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2}", ready), ready
