"""On the demo organisation, `python -m analysis suggestions --json` names the planted signals —
the weak support theme, DEV-WEB's hot-to-cold drop, the weaker trainer — each with its evidence,
and says nothing the data contradict (every figure recomputed here independently)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from analysis import metrics
from analysis.frames import AnalysisFilters, apply_filters, load_frames, now_paris
from surveys.db import read_session, write_session
from surveys.demo import DROPPING_PROGRAMME, WEAK_THEME, WEAK_TRAINER_THEMES, load_demo
from surveys.models import Answer, Complaint, utc_now
from surveys.runtime import AppContext
from tests.conftest import TEST_SECRET, make_context
from tests.support.demo_database import context_environment
from tests.support.server import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    folder = tmp_path_factory.mktemp("demo")
    context = make_context(folder, f"sqlite:///{folder / 'app.db'}")
    with write_session(context.engine) as session:
        load_demo(session=session, now=utc_now(), session_secret=TEST_SECRET)
    yield context
    context.engine.dispose()


def run_command(context: AppContext, *arguments: str) -> subprocess.CompletedProcess[str]:
    return run_cli(context_environment(context), "analysis", *arguments, check=False)


@pytest.fixture(scope="module")
def printed(demo: AppContext) -> dict:
    done = run_command(demo, "suggestions", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def period_answers(demo: AppContext, printed: dict):
    period = printed["period"]
    frames = load_frames(engine=demo.engine)
    filters = AnalysisFilters(start=_day(period["start"]), end=_day(period["end"]))
    return apply_filters(frames, filters), frames


def _day(text: str):
    from datetime import date

    return date.fromisoformat(text)


def by_id(printed: dict) -> dict[str, dict]:
    return {item["id"]: item for item in printed["suggestions"]}


def test_the_period_is_the_twelve_months_up_to_today(printed: dict) -> None:
    today = now_paris(utc_now())
    assert printed["period"] == {
        "start": (today - timedelta(days=364)).isoformat(),
        "end": today.isoformat(),
    }


def test_the_weak_support_theme_is_named_with_its_true_figures(printed, period_answers) -> None:
    item = by_id(printed)[f"theme_low:learner:{WEAK_THEME}"]
    figures = item["evidence"]["figures"]
    frames, _ = period_answers
    learners = frames.answers[(frames.answers["audience"] == "learner").to_numpy(bool)]
    scores = metrics.theme_scores(learners, small_group_min=5, by=()).set_index("theme")
    assert figures["mean"] == round(scores.loc[WEAK_THEME, "mean"], 3)
    assert figures["respondents"] == scores.loc[WEAK_THEME, "respondents"]
    assert figures["mean"] == round(scores["mean"].min(), 3)  # truly the lowest theme
    assert figures["others_mean"] - figures["mean"] >= 0.5
    assert item["severity"] == "high"
    assert "Assistance technique" in item["explanation"]["fr"]
    assert item["actions"][0]["id"] == "help-centre-hotline"


def test_only_the_planted_theme_is_called_low(printed: dict) -> None:
    low = {
        item["id"].split(":")[-1] for item in printed["suggestions"] if item["rule"] == "theme_low"
    }
    assert low == {WEAK_THEME}


def test_the_hot_to_cold_drop_of_dev_web_is_named_and_no_other(printed, period_answers) -> None:
    drops = [item for item in printed["suggestions"] if item["rule"] == "hot_cold_drop"]
    assert [item["id"] for item in drops] == [f"hot_cold_drop:{DROPPING_PROGRAMME}"]
    figures = drops[0]["evidence"]["figures"]
    frames, _ = period_answers
    table = metrics.hot_cold(
        frames.answers, small_group_min=5, by=("programme",), per_theme=False
    ).set_index("programme")
    assert figures["hot_mean"] == round(table.loc[DROPPING_PROGRAMME, "hot_mean"], 3)
    assert figures["cold_mean"] == round(table.loc[DROPPING_PROGRAMME, "cold_mean"], 3)
    assert figures["delta"] <= -0.5 < figures["others_delta"]
    assert figures["pairs"] == table.loc[DROPPING_PROGRAMME, "n"]


def test_the_weaker_trainer_is_named_on_the_planted_themes_and_no_one_else(
    printed: dict, period_answers
) -> None:
    trainers = [
        item for item in printed["suggestions"] if item["id"].startswith("group_below:trainer:")
    ]
    assert [item["id"] for item in trainers] == ["group_below:trainer:Bruno Lefèvre"]
    evidence = trainers[0]["evidence"]
    assert {row["theme"] for row in evidence["rows"]} <= set(WEAK_TRAINER_THEMES)
    assert evidence["figures"]["respondents"] >= 5
    frames, _ = period_answers
    bruno = frames.session_people[frames.session_people["name"] == "Bruno Lefèvre"]
    sessions = set(bruno["session_id"])
    answers = frames.answers[
        ((frames.answers["audience"] == "learner") & (frames.answers["timing"] == "hot")).to_numpy(
            bool
        )
    ]
    for row in evidence["rows"]:
        theme = answers[
            (answers["theme"] == row["theme"]).to_numpy(bool)
            & (answers["type"] == "likert5").to_numpy(bool)
        ]
        inside = theme["session_id"].isin(sessions).fillna(False).to_numpy(bool)
        assert row["mean"] == round(theme[inside]["number"].mean(), 3)
        assert row["others_mean"] == round(theme[~inside]["number"].mean(), 3)


def test_every_suggestion_has_evidence_and_quotes_only_real_comments(
    demo: AppContext, printed: dict
) -> None:
    """Quotes come from free-text answers, or from the complaints register for its rules."""
    with read_session(demo.engine) as session:
        comments = set(session.exec(select(Answer.text).where(Answer.text.is_not(None))))
        comments |= set(session.exec(select(Complaint.summary)))
    for item in printed["suggestions"]:
        evidence = item["evidence"]
        assert evidence["figures"] and evidence["period"]["end"], item["id"]
        assert item["explanation"]["fr"] and item["explanation"]["en"]
        assert item["indicators"] and set(item["indicators"]) <= {12, 30, 31, 32}
        assert set(evidence["verbatims"]) <= comments, item["id"]


def test_the_text_output_is_french_by_default(demo: AppContext) -> None:
    done = run_command(demo, "suggestions")
    assert done.returncode == 0, done.stderr
    assert "[Prioritaire]" in done.stdout and "Assistance technique" in done.stdout


def test_the_evidence_pack_calls_the_weaker_trainer_by_a_letter(
    demo: AppContext, tmp_path: Path
) -> None:
    """Directors download the pack: the trainer the quality team sees by name is a letter."""
    done = run_command(demo, "evidence", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "evidence.html").read_text(encoding="utf-8")
    assert "Formateur A : en dessous des autres" in html
    assert "Bruno" not in html and "Lefèvre" not in html
