"""Quality staff add and edit a custom question in the browser (AppTest on the real page)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from surveys.builder.custom_questions import list_custom_questions
from surveys.db import read_session
from surveys.staff.auth import StaffIdentity

PAGE = str(Path(__file__).resolve().parents[2] / "surveys" / "pages" / "custom_questions.py")
QUALITY = StaffIdentity(1, "q@example.org", "Q", "quality", "fr")


def _page() -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=30)
    app.session_state["identity"] = QUALITY
    return app.run()


def _fill(app: AppTest, fr: str, en: str) -> AppTest:
    app.text_input(key="custom_text_fr").input(fr)
    app.text_input(key="custom_text_en").input(en)
    app.multiselect(key="custom_audiences").select("learner")
    app.multiselect(key="custom_timings").select("hot")
    return app.button[0].click().run()


def test_a_quality_user_adds_a_question_in_the_browser(app_env) -> None:
    app = _fill(_page(), "Le forum vous a-t-il été utile ?", "Was the forum useful?")
    assert [s.value for s in app.success], [e.value for e in app.error]
    with read_session(app_env.engine) as session:
        stored = list_custom_questions(session=session)
    assert [q.text.en for q in stored] == ["Was the forum useful?"]


def test_a_question_without_english_is_refused_on_the_page(app_env) -> None:
    app = _fill(_page(), "Sans traduction ?", "")
    assert any("text.en" in e.value for e in app.error)
    with read_session(app_env.engine) as session:
        assert list_custom_questions(session=session) == []
