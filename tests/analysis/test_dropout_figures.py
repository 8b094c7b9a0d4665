"""Issue 15's must-show 3 on the demo data: dropout rates and causes follow the dashboard's
filters, the causes obey the small-group rule, the dropouts of the demo are true (no hot
survey, a dropout survey with causes), and the dashboard's dropout tab shows them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html import unescape

import pytest
from sqlmodel import select

from analysis.dropouts import dropout_figures
from analysis.evidence import collect_evidence, evidence_document
from analysis.frames import AnalysisFilters, AnalysisFrames, load_frames
from surveys.db import read_session
from surveys.models import Campaign, Enrolment, Invitation, SurveyPlan
from surveys.runtime import AppContext
from tests.support.demo_database import DEMO_NOW, build_demo_database, demo_environment
from tests.support.staff_app import app_environment, logged_in_app, open_dashboard_tab

pytestmark = pytest.mark.slow
WIDE = (date(2024, 1, 1), date(2027, 12, 31))  # the demo's two years, whatever today is


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    context = build_demo_database(tmp_path_factory.mktemp("demo_dropouts"), now=DEMO_NOW)
    yield context
    context.engine.dispose()


@pytest.fixture(scope="module")
def frames(demo: AppContext) -> AnalysisFrames:
    return load_frames(engine=demo.engine)


def test_the_demo_dropouts_get_the_dropout_survey_and_never_the_hot_one(demo: AppContext) -> None:
    with read_session(demo.engine) as session:
        dropped = session.exec(
            select(Enrolment.person_id, Enrolment.session_id).where(
                Enrolment.status == "dropped_out"
            )
        ).all()
        invited = session.exec(
            select(Invitation.person_id, Campaign.session_id, SurveyPlan.enrolment_scope)
            .join(Campaign, Campaign.id == Invitation.campaign_id)
            .join(SurveyPlan, SurveyPlan.id == Campaign.plan_id)
            .where(Campaign.audience == "learner")
        ).all()
    assert len(dropped) >= 10
    scopes = {(person, training): scope for person, training, scope in invited}
    assert {scopes.get(pair) for pair in dropped} <= {"dropped_out", None}  # None: not yet sent
    assert sum(scope == "dropped_out" for scope in scopes.values()) == len(
        [pair for pair in dropped if pair in scopes]
    )


def test_the_rates_follow_the_programme_period_and_modality_filters(
    frames: AnalysisFrames,
) -> None:
    everything = dropout_figures(frames, AnalysisFilters(), small_group_min=5)
    assert 0 < everything.dropouts < everything.learners
    assert everything.dropouts == int(everything.by_session["dropouts"].sum())
    programme = str(everything.by_programme["programme"].iloc[0])
    one = dropout_figures(frames, AnalysisFilters(programmes=(programme,)), small_group_min=5)
    assert list(one.by_programme["programme"]) == [programme]
    assert one.learners < everything.learners
    enrolments = frames.enrolments
    last_end = enrolments["end_date"].max().date()
    late = dropout_figures(frames, AnalysisFilters(start=last_end), small_group_min=5)
    assert late.learners == int(
        enrolments[
            (enrolments["end_date"].dt.date >= last_end)
            & enrolments["status"].isin(["in_progress", "completed", "dropped_out"])
        ].shape[0]
    )
    remote = dropout_figures(frames, AnalysisFilters(modalities=("remote",)), small_group_min=5)
    sessions = set(enrolments[enrolments["modality"] == "remote"]["session"])
    assert set(remote.by_session["session"]) <= sessions
    companies = dropout_figures(frames, AnalysisFilters(audiences=("company",)), small_group_min=5)
    assert companies.learners == 0  # dropouts are learners'


def test_causes_come_from_the_dropout_survey_under_the_small_group_rule(
    frames: AnalysisFrames,
) -> None:
    shown = dropout_figures(frames, AnalysisFilters(timings=("cold",)), small_group_min=5)
    assert shown.withheld is None and shown.answered >= 5
    assert shown.causes.iloc[0]["cause"] in ("workload", "connection")  # the demo's causes
    assert set(shown.causes["cause"]) <= {
        "connection",
        "equipment",
        "workload",
        "remote_support",
        "content",
        "pace",
        "personal",
        "other",
    }
    hidden = dropout_figures(frames, AnalysisFilters(), small_group_min=shown.answered + 1)
    assert hidden.withheld == "too_few" and hidden.causes.empty
    one_session = str(shown.by_session[shown.by_session["dropouts"] > 0]["session"].iloc[0])
    narrow = dropout_figures(frames, AnalysisFilters(sessions=(one_session,)), small_group_min=5)
    assert narrow.withheld == "too_few" and narrow.causes.empty  # one or two people: withheld


def test_the_dropout_survey_is_its_own_row_of_the_response_rates(frames: AnalysisFrames) -> None:
    campaigns = frames.campaigns
    dropout = campaigns[campaigns["timing"] == "dropout"]
    dropouts = int(frames.enrolments["status"].eq("dropped_out").sum())
    assert 0 < int(dropout["invited"].sum()) <= dropouts
    assert set(dropout["audience"]) == {"learner"}


def test_the_dashboard_dropout_tab_follows_the_programme_filter(
    demo: AppContext, frames: AnalysisFrames, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app_environment(demo, demo_environment(demo.settings.data_dir), monkeypatch):
        app = logged_in_app(demo, "director", timeout=60, language="fr")
        app.run()
        open_dashboard_tab(app, "dropouts")
        app = app.switch_page("analysis/pages/dashboard.py").run()
        app.date_input(key="dashboard_period").set_value(WIDE).run()
        names = {metric.label: metric.value for metric in app.metric}
        assert "Taux d'abandon" in names and "Questionnaire d'abandon" in names
        subheaders = [item.value for item in app.subheader]
        assert "Causes d'abandon (questionnaire d'abandon)" in subheaders
        programme = str(frames.enrolments["programme"].iloc[0])
        app.multiselect(key="dashboard_programmes").set_value([programme]).run()
        tables = [frame.value for frame in app.dataframe if "Apprenants" in frame.value.columns]
        assert tables and all(len(table) >= 1 for table in tables)
        expected = dropout_figures(
            frames, AnalysisFilters(*WIDE, programmes=(programme,)), small_group_min=5
        )
        by_session = next(table for table in tables if "Session" in table.columns)
        assert sorted(by_session["Session"]) == sorted(expected.by_session["session"])


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ("Abandons et causes d'abandon", "Charge de travail trop lourde à côté")),
        ("en", ("Dropouts and their causes", "Too much work alongside")),
    ],
)
def test_the_evidence_pack_has_a_dropout_section_in_words(
    demo: AppContext, frames: AnalysisFrames, language: str, words: tuple[str, ...]
) -> None:
    start, end = date(2025, 3, 15), DEMO_NOW.date()
    data = collect_evidence(
        engine=demo.engine, settings=demo.settings, start=start, end=end, today=end,
        language=language,
    )  # fmt: skip
    document = evidence_document(data, language)
    html = unescape(document.html)
    section = html[html.index('data-section="dropouts"') : html.index('data-section="expression"')]
    for word in words:
        assert word in section
    expected = dropout_figures(frames, AnalysisFilters(start, end), small_group_min=5)
    assert str(expected.learners) in section and "<img" in section  # the causes chart
    words_only = re.sub(r'src="data:[^"]*"', "", section)
    for raw in ("workload", "remote_support", "dropped_out", "learner_dropout", "None", "nan"):
        assert not re.search(rf"\b{raw}\b", words_only), raw
