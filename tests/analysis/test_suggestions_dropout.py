"""The dropout rule: a cause named by many of the dropout survey's respondents becomes a
suggestion tied to indicator 12, never from a small group, never from the hot survey."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.action_catalog import load_action_catalog
from analysis.suggestions import RuleInputs, SuggestionSettings
from analysis.suggestions.rules import RULES, rule_dropout_cause
from analysis.text import tag_comments
from tests.analysis.frames_for_tests import answers

SETTINGS = SuggestionSettings(small_group_min=5)
CATALOG = load_action_catalog()
START, END = date(2025, 7, 1), date(2026, 6, 30)


def dropout_answers(causes: list[list[str]], timing: str = "dropout") -> pd.DataFrame:
    """One response per list of causes ticked."""
    return answers(
        [
            {
                "response_id": f"r{index}",
                "question_id": "dropout-causes",
                "text": cause,
                "type": "multi_choice",
                "theme": "dropout",
                "timing": timing,
            }
            for index, ticked in enumerate(causes)
            for cause in ticked
        ]
    )


def inputs(frame: pd.DataFrame) -> RuleInputs:
    empty = pd.DataFrame()
    return RuleInputs(
        answers=frame,
        campaigns=empty,
        session_people=empty,
        solicitations=empty,
        financers=empty,
        comments=tag_comments(pd.DataFrame(columns=["response_id", "text", "question_id"])),
        complaints=empty,
        start=START,
        end=END,
        today=END,
    )


def test_a_frequent_cause_is_a_suggestion_tied_to_indicator_12() -> None:
    frame = dropout_answers(
        [["workload"], ["workload", "connection"], ["workload"], ["pace"], ["personal"], ["other"]]
    )
    found = rule_dropout_cause(inputs(frame), SETTINGS, CATALOG)
    assert [item.subject for item in found] == ["workload"]  # 3/6; the others 1/6
    workload = found[0]
    assert workload.indicators == (12,) and workload.severity == "high"
    assert workload.evidence.figures == {
        "people": 3,
        "respondents": 6,
        "share": 0.5,
        "threshold": 0.3,
    }
    assert workload.actions and workload.title("fr") == (
        "Cause d'abandon fréquente : Charge de travail trop lourde à côté"
    )
    assert "3 des 6 apprenants" in workload.explanation("fr")
    assert "Too much work alongside" in workload.explanation("en")
    assert "workload" not in workload.explanation("en")  # no raw key in the words


@pytest.mark.parametrize(
    "frame",
    [
        dropout_answers([["workload"]] * 4),  # four respondents: a small group
        dropout_answers([["workload"]] * 6, timing="hot"),  # not the dropout survey
        dropout_answers([["other"]] * 6),  # nothing to act on
        dropout_answers([["pace"], ["workload"], ["connection"], ["content"], ["personal"]]),
    ],
)
def test_no_suggestion_from_a_small_group_another_survey_or_scattered_causes(
    frame: pd.DataFrame,
) -> None:
    assert rule_dropout_cause(inputs(frame), SETTINGS, CATALOG) == []


def test_the_rule_is_listed() -> None:
    assert ("dropout_cause", rule_dropout_cause) in RULES
