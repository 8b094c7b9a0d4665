"""Every analysis page runs on the demo data with each class of filter combination, and shows
the signals the demo planted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from analysis.pages import PAGES
from surveys.db import read_session
from surveys.demo import DROPPING_PROGRAMME, WEAK_TRAINER_EMAIL
from surveys.models import Person, TrainingSession, utc_now
from surveys.runtime import AppContext
from tests.support.demo_database import build_demo_database, demo_environment
from tests.support.staff_app import app_environment, logged_in_app, open_dashboard_tab

DASHBOARD_PAGES = ("dashboard", "breakdowns", "coverage", "verbatims")
PAGE_PATHS = [spec.path for spec in PAGES if Path(spec.path).stem in DASHBOARD_PAGES]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    folder = tmp_path_factory.mktemp("demo_pages")
    context = build_demo_database(folder, now=utc_now())
    yield context
    context.engine.dispose()


@pytest.fixture
def app_env(demo: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    with app_environment(demo, demo_environment(demo.settings.data_dir), monkeypatch):
        yield demo


def open_page(
    context: AppContext,
    path: str,
    role: str = "director",
    language: str = "fr",
    tab: str | None = None,
) -> AppTest:
    """`path` open as `role`; on the dashboard, with its tab `tab` (e.g. "hot_cold") open
    (only the open tab is drawn)."""
    app = logged_in_app(context, role, timeout=60, language=language)
    app.run()
    if tab is not None:
        open_dashboard_tab(app, tab, language)
    return app.switch_page(path).run()


def _bruno(context: AppContext) -> list[int]:
    with read_session(context.engine) as session:
        return [session.exec(select(Person.id).where(Person.email == WEAK_TRAINER_EMAIL)).one()]


def _a_session(context: AppContext) -> list[str]:
    with read_session(context.engine) as session:
        return [
            session.exec(
                select(TrainingSession.code)
                .where(TrainingSession.code.startswith("BILAN"))
                .order_by(TrainingSession.end_date)
            ).first()
        ]


@dataclass(frozen=True)
class Setting:
    widget: str  # the end of the widget key: "<page>_<widget>"
    value: Callable[[AppContext], object]

    def apply(self, app: AppTest, page: str, context: AppContext) -> None:
        widget = app.date_input if self.widget == "period" else app.multiselect
        widget(key=f"{page}_{self.widget}").set_value(self.value(context))
        app.run()


def _days(back: int, length: int) -> Callable[[AppContext], tuple[date, date]]:
    end = utc_now().date() - timedelta(days=back)
    return lambda _context: (end - timedelta(days=length), end)


FILTER_CLASSES: dict[str, list[Setting]] = {
    "no filter": [],
    "a recent month": [Setting("period", _days(0, 30))],
    "a period before any data": [Setting("period", _days(2000, 30))],
    "a programme": [Setting("programmes", lambda c: [DROPPING_PROGRAMME])],
    "a programme and one of its sessions": [
        Setting("programmes", lambda c: ["BILAN"]),
        Setting("sessions", _a_session),
    ],
    "a trainer": [Setting("trainers", _bruno)],
    "a modality": [Setting("modalities", lambda c: ["remote"])],
    "an audience with small groups": [Setting("audiences", lambda c: ["trainer"])],
    "a timing": [Setting("timings", lambda c: ["cold"])],
    "everything at once": [
        Setting("period", _days(0, 500)),
        Setting("programmes", lambda c: [DROPPING_PROGRAMME]),
        Setting("trainers", _bruno),
        Setting("modalities", lambda c: ["hybrid"]),
        Setting("audiences", lambda c: ["learner"]),
        Setting("timings", lambda c: ["hot"]),
    ],
    "filters that exclude each other": [
        Setting("programmes", lambda c: [DROPPING_PROGRAMME]),
        Setting("modalities", lambda c: ["onsite"]),
    ],
}
PERIOD_ONLY_PAGES = {"analysis/pages/coverage.py"}
DASHBOARD_TABS = ("themes", "likert", "rates", "hot_cold", "trends", "dropouts")


@pytest.mark.parametrize("path", PAGE_PATHS)
@pytest.mark.parametrize("case", list(FILTER_CLASSES))
def test_every_analysis_page_runs_with_each_class_of_filters(
    app_env: AppContext, path: str, case: str
) -> None:
    settings = [
        setting
        for setting in FILTER_CLASSES[case]
        if path not in PERIOD_ONLY_PAGES or setting.widget == "period"
    ]
    # only the quality team and admins have the trainer filter (TRAINER_RESULT_ROLES)
    role = "quality" if any(setting.widget == "trainers" for setting in settings) else "director"
    app = open_page(app_env, path, role=role)
    for setting in settings:
        setting.apply(app, Path(path).stem, app_env)
    tabs = DASHBOARD_TABS if path == "analysis/pages/dashboard.py" else (None,)
    for tab in tabs:  # the dashboard draws its open tab only: each one in turn
        if tab is not None:
            open_dashboard_tab(app, tab).run()
        assert not app.exception, (tab, [item.value for item in app.exception])
        assert not app.error, (tab, [item.value for item in app.error])
        assert app.title


def _number(text: object) -> object:
    """A figure as the page writes it ("−0,7", "3,78", "1\u202f234") back to a number."""
    cleaned = str(text).replace("−", "-").replace("\u202f", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return text


def _table(app: AppTest, column: str) -> pd.DataFrame:
    frame = next(frame.value for frame in app.dataframe if column in frame.value.columns)
    return frame.map(_number)


def test_the_dashboard_shows_the_weak_theme_lowest(app_env: AppContext) -> None:
    app = open_page(app_env, "analysis/pages/dashboard.py")
    app.multiselect(key="dashboard_audiences").set_value(["learner"]).run()
    app.multiselect(key="dashboard_timings").set_value(["hot"]).run()
    scores = _table(app, "Moyenne (sur 5)")
    lowest = scores.sort_values("Moyenne (sur 5)").iloc[0]
    assert lowest["Thème"] == "Assistance technique et pédagogique"
    assert [metric.label for metric in app.metric][:2] == ["Réponses", "Taux de réponse"]


def test_the_dashboard_shows_the_hot_to_cold_drop_of_the_dropping_programme(
    app_env: AppContext,
) -> None:
    app = open_page(app_env, "analysis/pages/dashboard.py", tab="hot_cold")
    by_programme = _table(app, "Formation")
    drops = dict(zip(by_programme["Formation"], by_programme["Évolution"], strict=True))
    assert min(drops, key=drops.get) == DROPPING_PROGRAMME and drops[DROPPING_PROGRAMME] < -0.6


def test_the_breakdown_by_trainer_shows_the_weaker_trainer_lowest(app_env: AppContext) -> None:
    app = open_page(app_env, "analysis/pages/breakdowns.py", role="quality")
    app.selectbox(key="breakdowns_dimension").set_value("trainer").run()
    app.selectbox(key="breakdowns_theme").set_value("trainer_digital_mastery").run()
    table = _table(app, "Formateur").dropna(subset=["Moyenne (sur 5)"])
    assert table.sort_values("Moyenne (sur 5)").iloc[0]["Formateur"] == "Bruno Lefèvre"


@pytest.mark.parametrize("dimension", ["programme", "session", "modality", "financer"])
def test_every_breakdown_dimension_draws(app_env: AppContext, dimension: str) -> None:
    app = open_page(app_env, "analysis/pages/breakdowns.py")
    app.selectbox(key="breakdowns_dimension").set_value(dimension).run()
    assert not app.exception and len(_table(app, "Moyenne (sur 5)")) > 1


def test_the_coverage_page_names_the_financers_never_asked(app_env: AppContext) -> None:
    app = open_page(app_env, "analysis/pages/coverage.py")
    warnings = " ".join(item.value for item in app.warning)
    assert "Financeur jamais sollicité — Financeurs — Région Occitanie" in warnings
    assert "Agefiph" in warnings


def test_the_verbatim_browser_searches_and_filters_by_theme(app_env: AppContext) -> None:
    app = open_page(app_env, "analysis/pages/verbatims.py")
    app.text_input(key="verbatims_search").set_value("hotline").run()
    found = _table(app, "Réponse")
    assert len(found) > 0 and found["Réponse"].str.contains("hotline", case=False).all()
    app.multiselect(key="verbatims_themes").set_value(["transfer_to_work"]).run()
    assert not app.exception


def test_respondent_names_show_to_the_quality_team_only(app_env: AppContext) -> None:
    director = open_page(app_env, "analysis/pages/verbatims.py", role="director")
    quality = open_page(app_env, "analysis/pages/verbatims.py", role="quality")
    assert "Répondant" not in _table(director, "Réponse").columns
    assert _table(quality, "Réponse")["Répondant"].notna().any()


def test_reruns_and_filter_changes_reuse_the_frames_read_once(
    app_env: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.frames import load_frames
    from analysis.frames.cache import FRAMES

    reads: list[int] = []

    def counting_load_frames(engine, kept):  # type: ignore[no-untyped-def]
        reads.append(1)
        return load_frames(engine=engine, kept=kept)

    FRAMES.clear()
    monkeypatch.setattr(FRAMES, "_build", counting_load_frames)
    app = open_page(app_env, "analysis/pages/dashboard.py")
    app.run()
    app.multiselect(key="dashboard_timings").set_value(["cold"]).run()
    app.switch_page("analysis/pages/breakdowns.py").run()
    assert not app.exception and len(reads) == 1


def test_the_dashboard_speaks_english_to_an_english_speaker(app_env: AppContext) -> None:
    app = open_page(app_env, "analysis/pages/dashboard.py", language="en")
    assert app.title[0].value == "Satisfaction dashboard"
    assert "Mean (out of 5)" in _table(app, "Mean (out of 5)").columns


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_a_director_sees_no_result_per_trainer(app_env: AppContext, path: str) -> None:
    director = open_page(app_env, path, role="director")
    keys = {widget.key for widget in director.multiselect}
    assert not any(key.endswith("_trainers") for key in keys)
    if path.endswith("breakdowns.py"):
        assert "Formateur" not in director.selectbox(key="breakdowns_dimension").options
        quality = open_page(app_env, path, role="quality")
        assert "Formateur" in quality.selectbox(key="breakdowns_dimension").options


@pytest.mark.parametrize("path", ["analysis/pages/verbatims.py", "analysis/pages/dashboard.py"])
def test_a_selection_under_the_threshold_shows_a_sentence_not_its_answers(
    app_env: AppContext, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    from analysis.pages import shared

    # every selection of the demo is then "too small": the organisation's threshold is huge
    monkeypatch.setattr(shared, "small_group_min", lambda **_kwargs: 100_000)
    app = open_page(app_env, path, role="quality")
    assert not app.exception
    warnings = " ".join(item.value for item in app.warning)
    assert "moins de 100000 répondants" in warnings
    assert not app.dataframe and not app.metric
    assert not [button for button in app.get("download_button")]
