"""Chart builders: Altair charts with the table of their numbers, French or English, PNG."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import charts, metrics
from tests.analysis.frames_for_tests import answers, campaigns, likert

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _scored() -> pd.DataFrame:
    frame = pd.concat(
        [
            likert([4, 5, 3, 4, 5], theme="technical_support"),
            likert([1, 2, 2, 3, 1], theme="virtual_classroom"),
        ]
    )
    frame["response_id"] = [f"r{i}" for i in range(len(frame))]
    return frame


def _figures(language: str) -> dict[str, charts.Figure]:
    frame = _scored()
    return {
        "likert": charts.likert_bars(
            metrics.likert_distribution(frame, small_group_min=5), language=language
        ),
        "themes": charts.theme_scores_chart(
            metrics.theme_scores(frame, small_group_min=5), language=language
        ),
        "rates": charts.response_rates_chart(
            metrics.response_rates(campaigns([{"invited": 10, "answered": 7}])), language=language
        ),
        "trends": charts.trends_chart(metrics.trends(frame, small_group_min=5), language=language),
    }


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_figure_has_a_chart_and_the_table_of_its_numbers(language: str) -> None:
    for name, figure in _figures(language).items():
        assert figure.chart.to_dict()["$schema"].startswith("https://vega.github.io"), name
        assert not figure.table.empty, name


def test_labels_are_french_by_default_and_english_on_request() -> None:
    french, english = _figures("fr")["themes"], _figures("en")["themes"]
    assert "Thème" in french.table.columns and "Theme" in english.table.columns
    assert "Assistance technique et pédagogique" in set(french.table["Thème"])
    assert "Technical and learning support" in set(english.table["Theme"])
    assert french.title.startswith("Score moyen") and english.title.startswith("Mean score")


def test_the_likert_bars_diverge_around_zero() -> None:
    figure = _figures("fr")["likert"]
    data = pd.DataFrame(figure.chart.to_dict()["datasets"].popitem()[1])
    weak = data[data["theme"] == "virtual_classroom"]
    assert weak["start"].min() < 0 < weak["end"].max()
    assert weak["end"].max() - weak["start"].min() == pytest.approx(1.0)


def test_protected_groups_are_left_out_of_the_chart_but_marked_in_the_table() -> None:
    scores = metrics.theme_scores(likert([5, 4]), small_group_min=5)
    figure = charts.theme_scores_chart(scores)
    assert figure.table.iloc[0]["Petit groupe"].startswith("Moins de réponses")
    assert "datasets" not in figure.chart.to_dict() or not any(
        figure.chart.to_dict()["datasets"].values()
    )


def test_an_empty_table_gives_an_empty_figure() -> None:
    figure = charts.hot_cold_chart(metrics.hot_cold(answers([]), small_group_min=5))
    assert figure.empty


def test_a_chart_renders_to_png_without_a_browser() -> None:
    assert charts.chart_png(_figures("fr")["themes"].chart).startswith(PNG_MAGIC)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_response_rate_rows_have_room_for_two_line_labels(language: str) -> None:
    """At 390 px "Trainers · Hot (end of training)" breaks on two lines: each bar's row
    is tall enough for both (they overlapped the row above at the default step)."""
    spec = _figures(language)["rates"].chart.to_dict()
    assert spec["height"] == {"step": 34}
