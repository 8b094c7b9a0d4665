"""Figures remembered by the content of their table (`analysis.charts.memo`): the same numbers
give back the figure already built, a changed number never does."""

from __future__ import annotations

import pandas as pd

from analysis import metrics
from analysis.charts import response_rates_chart, theme_scores_chart
from analysis.charts.memo import Memo, figure_of, table_fingerprint
from analysis.pages.figures import screen_spec
from tests.analysis.frames_for_tests import campaigns, likert


def _scores(last: int = 5) -> pd.DataFrame:
    return metrics.theme_scores(likert([4, 5, 3, 4, last]), small_group_min=5)


def _rates(answered: int = 7) -> pd.DataFrame:
    return metrics.response_rates(campaigns([{"invited": 10, "answered": answered}]))


def test_an_equal_table_gives_back_the_same_figure() -> None:
    first = figure_of(theme_scores_chart, _scores(), language="fr")
    assert figure_of(theme_scores_chart, _scores(), language="fr") is first


def test_a_changed_number_a_language_or_a_builder_builds_again() -> None:
    first = figure_of(theme_scores_chart, _scores(), language="fr")
    changed = figure_of(theme_scores_chart, _scores(1), language="fr")
    assert changed is not first
    assert changed.table.to_numpy().tolist() != first.table.to_numpy().tolist()
    assert figure_of(theme_scores_chart, _scores(), language="en") is not first
    assert figure_of(theme_scores_chart, _scores(), language="en").title != first.title


def test_the_fingerprint_sees_columns_dtypes_index_and_values() -> None:
    base = _scores()
    seen = {table_fingerprint(base)}
    variants = [
        base.rename(columns={"n": "answers"}),
        base.astype({"n": "float64"}),
        base.set_axis([5] * len(base)),
        pd.concat([base, base]),
        base.assign(theme="hotline"),
    ]
    for variant in variants:
        seen.add(table_fingerprint(variant))
    assert len(seen) == 1 + len(variants)
    assert table_fingerprint(_scores()) == table_fingerprint(base)


def test_a_table_that_cannot_be_hashed_is_built_every_time() -> None:
    calls = []

    def build(table: pd.DataFrame, **options: object) -> object:
        calls.append(table)
        return object()

    listed = pd.DataFrame({"cells": [[1, 2], [3]]})
    assert table_fingerprint(listed) is None
    assert figure_of(build, listed) is not figure_of(build, listed)  # type: ignore[arg-type]
    assert len(calls) == 2


def test_the_memo_keeps_only_the_latest() -> None:
    memo: Memo[int] = Memo(size=2)
    for key in ("a", "b", "c"):
        memo.get(key, lambda key=key: ord(key))
    assert len(memo) == 2
    assert memo.get("a", lambda: -1) == -1  # "a" was the oldest: dropped, built again


def test_the_screen_spec_follows_the_figure_and_the_language() -> None:
    figure = figure_of(response_rates_chart, _rates(), language="fr")
    french = screen_spec(figure, "fr")
    assert screen_spec(figure, "fr") is french
    assert french["config"]["locale"]["number"]["decimal"] == ","
    assert "locale" not in screen_spec(figure, "en")["config"]
    other = figure_of(response_rates_chart, _rates(6), language="fr")
    assert screen_spec(other, "fr") is not french
