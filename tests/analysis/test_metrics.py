"""Metric functions on small hand-made frames whose right answers are known."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from analysis import metrics, verbatim_rows
from tests.analysis.frames_for_tests import (
    answers,
    campaigns,
    likert,
    session_people,
    solicitations,
)

OPEN = 1  # a threshold that protects nothing, to see the raw results


# --- Student's t and scores ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("degrees", "expected"), [(1, 12.706), (4, 2.776), (30, 2.042), (60, 2.000), (1000, 1.962)]
)
def test_t_critical_values_match_the_tables(degrees: int, expected: float) -> None:
    assert metrics.t_critical_95(degrees) == pytest.approx(expected, abs=0.001)


def test_scores_of_one_to_five_have_the_textbook_mean_top2_and_interval() -> None:
    table = metrics.score_table(likert([1, 2, 3, 4, 5]), [], small_group_min=5)
    row = table.iloc[0]
    half = 2.776 * math.sqrt(2.5) / math.sqrt(5)
    assert (row["n"], row["respondents"], row["mean"], row["top2"]) == (5, 5, 3.0, 0.4)
    assert row["ci_low"] == pytest.approx(3 - half, abs=0.001)
    assert row["ci_high"] == pytest.approx(3 + half, abs=0.001)
    assert not row["protected"]


def test_all_identical_answers_give_a_zero_width_interval() -> None:
    row = metrics.score_table(likert([4] * 6), [], small_group_min=5).iloc[0]
    assert (row["mean"], row["top2"], row["ci_low"], row["ci_high"]) == (4.0, 1.0, 4.0, 4.0)


def test_a_single_answer_has_a_mean_but_no_interval() -> None:
    row = metrics.score_table(likert([2]), [], small_group_min=OPEN).iloc[0]
    assert (row["n"], row["respondents"], row["mean"], row["top2"]) == (1, 1, 2.0, 0.0)
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])


def test_a_group_below_the_threshold_keeps_its_counts_but_hides_its_results() -> None:
    row = metrics.score_table(likert([5, 5, 1, 1]), [], small_group_min=5).iloc[0]
    assert (row["n"], row["respondents"], bool(row["protected"])) == (4, 4, True)
    assert all(math.isnan(row[column]) for column in ("mean", "top2", "ci_low", "ci_high"))


def test_the_threshold_is_a_minimum_so_exactly_five_respondents_show() -> None:
    row = metrics.score_table(likert([3] * 5), [], small_group_min=5).iloc[0]
    assert not row["protected"] and row["mean"] == 3.0


def test_missing_and_out_of_scale_values_are_ignored() -> None:
    row = metrics.score_table(
        likert([5, None, 0, 6, 3, float("nan")]), [], small_group_min=OPEN
    ).iloc[0]
    assert (row["n"], row["mean"]) == (2, 4.0)


def test_empty_answers_give_an_empty_table_with_the_expected_columns() -> None:
    table = metrics.score_table(likert([]), ["theme"], small_group_min=5)
    assert table.empty and list(table.columns) == ["theme", *metrics.SCORE_COLUMNS]


def test_only_non_likert_answers_give_an_empty_score_table() -> None:
    frame = answers([{"response_id": "r1", "type": "text", "text": "Bien"}])
    assert metrics.theme_scores(frame, small_group_min=OPEN).empty


def test_groups_without_answers_do_not_appear() -> None:
    frame = pd.concat([likert([4, 4], theme="a"), likert([2], theme="b")])
    frame["theme"] = frame["theme"].astype(object).astype(pd.CategoricalDtype(["a", "b", "unused"]))
    table = metrics.score_table(frame, ["theme"], small_group_min=OPEN)
    assert list(table["theme"]) == ["a", "b"]


def test_a_theme_counts_answers_but_each_respondent_once() -> None:
    # r1 answers two questions of the theme (5 and 3), r2 one question (1).
    frame = answers(
        [
            {"response_id": "r1", "question_id": "q1", "number": 5},
            {"response_id": "r1", "question_id": "q2", "number": 3},
            {"response_id": "r2", "question_id": "q1", "number": 1},
        ]
    )
    row = metrics.theme_scores(frame, small_group_min=OPEN).iloc[0]
    assert (row["n"], row["respondents"], row["mean"]) == (3, 2, 3.0)
    # the interval uses the respondents' own means, 4 and 1 (sd 2.1213, t(1) = 12.706)
    half = 12.706 * (3 / math.sqrt(2)) / math.sqrt(2)
    assert row["ci_high"] == 5.0 and row["ci_low"] == pytest.approx(max(1, 3 - half))


def test_question_scores_carry_the_wording_of_each_question() -> None:
    frame = answers(
        [
            {
                "response_id": f"r{i}",
                "number": 4,
                "question_id": "q1",
                "question_fr": "Q un",
                "question_en": "Q one",
            }
            for i in range(5)
        ]
    )
    row = metrics.question_scores(frame, small_group_min=5).iloc[0]
    assert (row["question_id"], row["question_fr"], row["question_en"], row["mean"]) == (
        "q1",
        "Q un",
        "Q one",
        4.0,
    )


# --- NPS and response rates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10, 9, 8, 7, 6, 0], 0.0),
        ([10] * 5, 100.0),
        ([0, 3, 6, 6, 6], -100.0),
        ([9, 9, 9, 7, 8, 2], 100 * (3 - 1) / 6),
    ],
)
def test_nps_is_promoters_minus_detractors_in_percent(values: list[int], expected: float) -> None:
    frame = likert(values, type="nps", theme="recommendation")
    row = metrics.nps(frame, small_group_min=5).iloc[0]
    assert row["nps"] == pytest.approx(expected)
    assert row["promoters"] + row["passives"] + row["detractors"] == len(values)


def test_nps_of_a_small_group_is_hidden() -> None:
    row = metrics.nps(likert([10, 10], type="nps"), small_group_min=5).iloc[0]
    assert row["protected"] and math.isnan(row["nps"])


def test_response_rates_add_up_campaigns_and_leave_no_rate_without_invitations() -> None:
    table = metrics.response_rates(
        campaigns(
            [
                {"campaign_id": 1, "timing": "hot", "invited": 10, "reminded": 6, "answered": 4},
                {"campaign_id": 2, "timing": "hot", "invited": 10, "reminded": 2, "answered": 8},
                {"campaign_id": 3, "timing": "cold", "invited": 0, "reminded": 0, "answered": 0},
            ]
        )
    )
    hot = table[table["timing"] == "hot"].iloc[0]
    cold = table[table["timing"] == "cold"].iloc[0]
    assert (hot["campaigns"], hot["invited"], hot["reminded"], hot["answered"]) == (2, 20, 8, 12)
    assert hot["rate"] == pytest.approx(0.6)
    assert math.isnan(cold["rate"])


def test_response_rates_by_period_use_the_paris_month_of_the_sending() -> None:
    # 23:30 UTC on 31 March is already 1 April in Paris
    table = metrics.response_rates(
        campaigns(
            [
                {
                    "scheduled_at": pd.Timestamp("2026-03-31 23:30", tz="UTC"),
                    "invited": 4,
                    "answered": 1,
                },
            ]
        ),
        by=(),
        freq="M",
    )
    assert list(table["period"]) == ["2026-04"]


# --- trends --------------------------------------------------------------------------------------


def test_trends_bucket_responses_by_month_and_by_quarter() -> None:
    frame = answers(
        [
            {"response_id": f"r{i}", "number": value, "submitted_on": day}
            for i, (value, day) in enumerate(
                [
                    (5, date(2026, 1, 5)),
                    (3, date(2026, 1, 20)),
                    (4, date(2026, 2, 1)),
                    (2, date(2026, 4, 1)),
                ]
            )
        ]
    )
    months = metrics.trends(frame, small_group_min=OPEN, freq="M", by=())
    quarters = metrics.trends(frame, small_group_min=OPEN, freq="Q", by=())
    assert dict(zip(months["period"], months["mean"], strict=True)) == {
        "2026-01": 4.0,
        "2026-02": 4.0,
        "2026-04": 2.0,
    }
    assert dict(zip(quarters["period"], quarters["n"], strict=True)) == {"2026-T1": 3, "2026-T2": 1}


# --- hot versus cold -----------------------------------------------------------------------------


def _hot_cold_rows(named: bool) -> pd.DataFrame:
    rows = []
    for person, (hot, cold) in enumerate([(5, 3), (4, 4), (5, None)], start=1):
        for timing, value in (("hot", hot), ("cold", cold)):
            if value is not None:
                rows.append(
                    {
                        "response_id": f"{timing}{person}",
                        "timing": timing,
                        "number": value,
                        "person_id": person if named else None,
                        "anonymous": not named,
                    }
                )
    return answers(rows)


def test_hot_cold_pairs_the_same_named_learners() -> None:
    row = metrics.hot_cold(_hot_cold_rows(named=True), small_group_min=OPEN).iloc[0]
    # person 3 answered only hot: left out of the comparison
    assert (row["n"], row["hot_mean"], row["cold_mean"], row["delta"]) == (2, 4.5, 3.5, -1.0)


def test_hot_cold_pairs_whole_sessions_when_answers_are_anonymous() -> None:
    row = metrics.hot_cold(_hot_cold_rows(named=False), small_group_min=OPEN).iloc[0]
    # one session: all three hot answers against both cold ones
    assert (row["n"], row["hot_respondents"], row["cold_respondents"]) == (1, 3, 2)
    assert row["hot_mean"] == pytest.approx(14 / 3) and row["cold_mean"] == 3.5


def test_hot_cold_of_too_few_learners_is_hidden() -> None:
    row = metrics.hot_cold(_hot_cold_rows(named=True), small_group_min=5).iloc[0]
    assert row["protected"] and math.isnan(row["delta"])


def test_hot_cold_by_group_averages_only_themes_asked_at_both_timings() -> None:
    frame = answers(
        [
            {"response_id": "h", "timing": "hot", "number": 4, "person_id": 1, "theme": "a"},
            {"response_id": "h", "timing": "hot", "number": 1, "person_id": 1, "theme": "hot_only"},
            {"response_id": "c", "timing": "cold", "number": 2, "person_id": 1, "theme": "a"},
        ]
    )
    row = metrics.hot_cold(frame, small_group_min=OPEN, by=("programme",), per_theme=False).iloc[0]
    assert (row["programme"], row["hot_mean"], row["cold_mean"], row["delta"]) == (
        "P1",
        4.0,
        2.0,
        -2.0,
    )


def test_hot_cold_without_cold_answers_is_empty() -> None:
    frame = likert([4, 5], timing="hot", person_id=1)
    assert metrics.hot_cold(frame, small_group_min=OPEN).empty


# --- breakdowns ----------------------------------------------------------------------------------


def test_an_answer_counts_for_every_trainer_of_its_session() -> None:
    frame = pd.concat([likert([5, 5, 5], session_id=1), likert([1, 1], session_id=2)])
    frame["response_id"] = [f"r{i}" for i in range(len(frame))]
    people = session_people(
        [
            (1, "trainer", 10, "Claire"),
            (1, "trainer", 11, "Bruno"),
            (2, "trainer", 11, "Bruno"),
            (1, "financer", 20, "OPCO A"),
        ]
    )
    by_trainer = metrics.breakdown(frame, "trainer", session_people=people, small_group_min=OPEN)
    means = dict(zip(by_trainer["trainer"], by_trainer["mean"], strict=True))
    counts = dict(zip(by_trainer["trainer"], by_trainer["respondents"], strict=True))
    assert means == {"Bruno": pytest.approx(17 / 5), "Claire": 5.0}
    assert counts == {"Bruno": 5, "Claire": 3}
    by_financer = metrics.breakdown(frame, "financer", session_people=people, small_group_min=OPEN)
    assert list(by_financer["financer"]) == ["OPCO A"] and by_financer["n"].iloc[0] == 3


def test_a_trainer_with_fewer_respondents_than_the_threshold_is_protected() -> None:
    frame = likert([1, 2], session_id=1)
    people = session_people([(1, "trainer", 10, "Claire")])
    row = metrics.breakdown(frame, "trainer", session_people=people, small_group_min=5).iloc[0]
    assert row["protected"] and math.isnan(row["mean"])


@pytest.mark.parametrize("dimension", ["programme", "session", "modality"])
def test_breakdowns_by_a_column_group_on_it(dimension: str) -> None:
    frame = pd.concat([likert([4] * 5, **{dimension: "x"}), likert([2] * 5, **{dimension: "y"})])
    frame["response_id"] = [f"r{i}" for i in range(len(frame))]
    table = metrics.breakdown(
        frame, dimension, session_people=session_people([]), small_group_min=5
    )
    assert dict(zip(table[dimension], table["mean"], strict=True)) == {"x": 4.0, "y": 2.0}


def test_an_unknown_breakdown_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        metrics.breakdown(
            likert([3]), "colour", session_people=session_people([]), small_group_min=5
        )


# --- Likert distribution -------------------------------------------------------------------------


def test_likert_distribution_counts_each_value_and_drops_small_groups() -> None:
    frame = pd.concat([likert([1, 2, 4, 5, 5], theme="a"), likert([5, 5], theme="b")])
    frame["response_id"] = [f"r{i}" for i in range(len(frame))]
    table = metrics.likert_distribution(frame, small_group_min=5)
    assert set(table["theme"]) == {"a"}
    assert list(table["count"]) == [1, 1, 0, 1, 2]
    assert table["share"].sum() == pytest.approx(1.0)


# --- coverage ------------------------------------------------------------------------------------

NOW = date(2026, 6, 30)


def test_coverage_flags_a_type_never_solicited_and_financers_gone_quiet() -> None:
    asked = solicitations(
        [
            {
                "stakeholder_type": "learner",
                "solicited_on": "2026-05-01",
                "answered": 1,
                "answered_on": "2026-05-02",
            },
            {"stakeholder_type": "company", "solicited_on": "2026-04-01"},
            {"stakeholder_type": "trainer", "solicited_on": "2024-01-01"},
            {
                "stakeholder_type": "financer",
                "organisation": "OPCO A",
                "solicited_on": "2026-01-10",
            },
            {
                "stakeholder_type": "financer",
                "organisation": "OPCO B",
                "solicited_on": "2025-06-01",
            },
            {
                "stakeholder_type": "financer",
                "organisation": "Région",
                "solicited_on": "2026-03-01",
                "source": "evidence",
                "answered": 1,
                "answered_on": "2026-03-01",
            },
        ]
    )
    known = pd.DataFrame(
        {"person_id": [1, 2, 3, 4], "organisation": ["OPCO A", "OPCO B", "Région", "Agefiph"]}
    )
    matrix = metrics.coverage(asked, known, now=NOW, start=date(2026, 1, 1), end=NOW)
    alerts = metrics.coverage_alerts(matrix, now=NOW)
    found = {
        (kind, financer if pd.notna(financer) else kind_type)
        for kind, kind_type, financer in zip(
            alerts["kind"], alerts["stakeholder_type"], alerts["financer"], strict=True
        )
    }
    assert found == {
        ("type_not_solicited", "trainer"),
        ("financer_never_solicited", "Agefiph"),
        ("financer_overdue", "OPCO B"),
    }
    learner = matrix[(matrix["stakeholder_type"] == "learner") & matrix["financer"].isna()]
    assert learner["last_answered"].iloc[0] == pd.Timestamp("2026-05-02")
    region = matrix[matrix["financer"] == "Région"].iloc[0]
    assert (region["solicited"], region["answered"]) == (1, 1)  # the evidence note counts


def test_a_financer_asked_exactly_twelve_months_ago_is_not_yet_overdue() -> None:
    asked = solicitations(
        [{"stakeholder_type": "financer", "organisation": "OPCO A", "solicited_on": "2025-06-30"}]
    )
    matrix = metrics.coverage(
        asked, pd.DataFrame({"person_id": [1], "organisation": ["OPCO A"]}), now=NOW
    )
    alerts = metrics.coverage_alerts(matrix, now=NOW)
    assert "financer_overdue" not in set(alerts["kind"])


def test_coverage_without_any_solicitation_flags_every_type() -> None:
    matrix = metrics.coverage(
        solicitations([]), pd.DataFrame(columns=["person_id", "organisation"]), now=NOW
    )
    alerts = metrics.coverage_alerts(matrix, now=NOW)
    assert sorted(alerts["stakeholder_type"]) == sorted(metrics.STAKEHOLDER_TYPES)


# --- headline and verbatims ----------------------------------------------------------------------


def test_headline_counts_responses_and_hides_nothing_it_cannot_compute() -> None:
    figures = metrics.headline(likert([]), campaigns([]), small_group_min=5)
    assert figures == {"responses": 0, "rate": None, "mean": None, "top2": None, "nps": None}


def _comments() -> pd.DataFrame:
    return answers(
        [
            {
                "response_id": "a1",
                "type": "text",
                "theme": "free_expression",
                "anonymous": True,
                "text": "La hotline était injoignable",
                "submitted_on": date(2026, 3, 1),
            },
            {
                "response_id": "n1",
                "type": "text",
                "theme": "free_expression",
                "person_id": 7,
                "text": "Très bonne FORMATION",
                "submitted_on": date(2026, 3, 5),
            },
            {
                "response_id": "n2",
                "type": "text",
                "theme": "teaching_team_view",
                "person_id": 8,
                "text": '=HYPERLINK("x")',
                "submitted_on": date(2026, 3, 2),
            },
            {
                "response_id": "n3",
                "type": "text",
                "theme": "free_expression",
                "person_id": 9,
                "text": None,
            },
        ]
    )


def test_anonymous_verbatims_never_say_who_wrote_them() -> None:
    table = verbatim_rows.verbatim_table(
        _comments(), small_group_min=4, names=lambda ids: {i: f"Person {i}" for i in ids}
    )
    by_text = dict(zip(table["text"], table["respondent"], strict=True))
    assert pd.isna(by_text["La hotline était injoignable"])
    assert by_text["Très bonne FORMATION"] == "Person 7"
    assert list(table["submitted_on"]) == sorted(table["submitted_on"], reverse=True)


@pytest.mark.parametrize(
    ("search", "themes", "expected"),
    [
        ("formation", (), ["Très bonne FORMATION"]),
        ("hotline etait", (), ["La hotline était injoignable"]),
        ("", ("teaching_team_view",), ['=HYPERLINK("x")']),
        ("absent", (), []),
    ],
)
def test_verbatims_search_ignores_case_and_accents_and_filter_by_theme(
    search: str, themes: tuple[str, ...], expected: list[str]
) -> None:
    table = verbatim_rows.verbatim_table(
        _comments(), small_group_min=1, search=search, themes=themes
    )
    assert list(table["text"]) == expected
