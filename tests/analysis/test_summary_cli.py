"""`python -m analysis summary --json` on the demo finds the signals the demo planted."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.demo import (
    DROPPING_PROGRAMME,
    FINANCERS,
    WEAK_THEME,
    WEAK_TRAINER_EMAIL,
    WEAK_TRAINER_THEMES,
)
from tests.support.demo_database import DEMO_NOW, build_demo_database, demo_environment

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def run_analysis(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *arguments],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    build_demo_database(folder).engine.dispose()
    return folder


@pytest.fixture(scope="module")
def summary(demo_folder: Path) -> dict:
    result = run_analysis(
        demo_environment(demo_folder), "summary", "--json", "--now", DEMO_NOW.isoformat()
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_summary_has_the_documented_keys(summary: dict) -> None:
    required = {
        "response_rates": {"audience", "timing", "invited", "answered", "rate"},
        "theme_scores": {"audience", "timing", "theme", "n", "mean", "top2"},
        "nps": {"audience", "timing", "n", "nps"},
        "hot_cold": {"theme", "n", "hot_mean", "cold_mean", "delta"},
        "coverage": {"stakeholder_type", "financer", "last_solicited", "last_answered"},
    }
    for key, fields in required.items():
        assert summary[key], key
        assert all(fields <= set(row) for row in summary[key]), key


def test_the_weak_theme_scores_lowest_for_learners(summary: dict) -> None:
    hot = {
        row["theme"]: row["mean"]
        for row in summary["theme_scores"]
        if row["audience"] == "learner" and row["timing"] == "hot"
    }
    others = [mean for theme, mean in hot.items() if theme != WEAK_THEME]
    assert min(hot, key=hot.get) == WEAK_THEME
    assert statistics.mean(others) - hot[WEAK_THEME] > 0.8


def test_the_dropping_programme_loses_about_a_point_between_hot_and_cold(summary: dict) -> None:
    deltas = {row["programme"]: row["delta"] for row in summary["hot_cold_by_programme"]}
    assert min(deltas, key=deltas.get) == DROPPING_PROGRAMME
    assert deltas[DROPPING_PROGRAMME] < -0.6
    assert all(
        delta > -0.4 for programme, delta in deltas.items() if programme != DROPPING_PROGRAMME
    )


@pytest.mark.parametrize("theme", WEAK_TRAINER_THEMES)
def test_the_weaker_trainer_scores_lowest_on_his_themes(summary: dict, theme: str) -> None:
    scores = {
        row["email"]: row["mean"]
        for row in summary["trainers"]
        if row["theme"] == theme and not row["protected"]
    }
    others = [mean for email, mean in scores.items() if email != WEAK_TRAINER_EMAIL]
    assert min(scores, key=scores.get) == WEAK_TRAINER_EMAIL
    assert statistics.median(others) - scores[WEAK_TRAINER_EMAIL] > 0.6


def test_the_financers_skipped_by_last_year_campaign_raise_alerts(summary: dict) -> None:
    alerts = {(row["kind"], row["financer"]) for row in summary["coverage_alerts"]}
    skipped = set(FINANCERS[-2:])
    assert {financer for kind, financer in alerts if kind == "financer_never_solicited"} == skipped
    assert not [financer for kind, financer in alerts if kind == "financer_overdue"]
    never = [row for row in summary["coverage"] if row["financer"] in skipped]
    assert [row["last_solicited"] for row in never] == [None, None]


def test_a_period_limits_the_summary(demo_folder: Path) -> None:
    result = run_analysis(
        demo_environment(demo_folder),
        "summary",
        "--json",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-31",
        "--now",
        DEMO_NOW.isoformat(),
    )
    document = json.loads(result.stdout)
    assert document["period"] == {"from": "2026-01-01", "to": "2026-01-31"}
    assert 0 < document["headline"]["responses"] < 200


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "31/01/2026"], "date invalide"),
        (["--from", "2026-02-01", "--to", "2026-01-01"], "postérieure"),
    ],
)
def test_bad_dates_are_refused_in_french(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = run_analysis(demo_environment(tmp_path), "summary", "--json", *arguments)
    assert result.returncode == 2 and message in result.stderr
