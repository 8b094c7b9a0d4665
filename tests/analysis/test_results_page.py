"""The per-question results page under AppTest on the demo: a first visit opens on the
questionnaire with the most responses in the period (so it shows results), and every scope's
choices read as people read them in French and in English (no ISO dates, no raw keys)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from analysis.frames import AnalysisFilters, load_frames
from analysis.results import SCOPE_KINDS
from analysis.results.choices import busiest_choice, scope_choices
from surveys.models import utc_now
from surveys.runtime import AppContext
from tests.support.demo_database import build_demo_database, demo_environment
from tests.support.page_texts import leaks, page_texts
from tests.support.staff_app import app_environment, logged_in_app

PAGE = "analysis/pages/question_results.py"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    context = build_demo_database(tmp_path_factory.mktemp("results_page"), now=utc_now())
    yield context
    context.engine.dispose()


@pytest.fixture
def app_env(demo: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    with app_environment(demo, demo_environment(demo.settings.data_dir), monkeypatch):
        yield demo


def _open(context: AppContext, language: str, kind: str = "survey") -> AppTest:
    """A fresh app per scope kind: AppTest formats a widget's choices outside the script run
    (where the reader's language is unknown), so the radio is set through the session."""
    app = logged_in_app(context, "director", timeout=60, language=language)
    app.session_state["results_kind"] = kind
    return app.run().switch_page(PAGE).run()


def test_a_first_visit_opens_on_the_questionnaire_with_the_most_responses(
    app_env: AppContext,
) -> None:
    app = _open(app_env, "fr")
    assert not app.exception
    chosen = app.selectbox(key="results_value_survey").value
    start, end = app.date_input(key="results_period").value
    frames = load_frames(engine=app_env.engine)
    options = scope_choices(app_env.engine, frames, "survey", "fr")
    period = AnalysisFilters(start=start, end=end)
    busiest = busiest_choice(app_env.engine, frames, "survey", options, period)
    assert list(options).index(chosen) == busiest
    assert app.subheader, "the default questionnaire shows no question"
    assert app.subheader[0].value.startswith("1. ")
    other = next(key for key in options if key != chosen)  # the reader's pick is kept
    app.selectbox(key="results_value_survey").select(other).run()
    assert app.run().selectbox(key="results_value_survey").value == other


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_scope_reads_as_people_read_it(app_env: AppContext, language: str) -> None:
    found: dict[str, list[tuple[str, str]]] = {}
    campaign_labels: list[str] = []
    for kind in SCOPE_KINDS:
        app = _open(app_env, language, kind)
        assert not app.exception, (kind, [item.value for item in app.exception])
        if problems := leaks(list(page_texts(app._tree)), language):
            found[kind] = problems[:4]
        if kind == "campaign":
            campaign_labels = list(app.selectbox(key="results_value_campaign").options)
    assert not found, found
    assert campaign_labels
    day = r"\d{2}/\d{2}/\d{4}" if language == "fr" else r"\d{1,2} [A-Z][a-z]{2} \d{4}"
    assert all(re.search(day + "$", text) for text in campaign_labels), campaign_labels[:3]
