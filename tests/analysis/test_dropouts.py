"""Dropout rates over the learners who started, and causes from the dropout survey (pure)."""

from __future__ import annotations

import pandas as pd

from analysis.metrics.dropouts import dropout_causes, dropout_rates


def test_rates_leave_out_who_never_started_and_who_never_came() -> None:
    enrolments = pd.DataFrame(
        {
            "programme": ["A"] * 5 + ["B"] * 2,
            "session": ["A1", "A1", "A1", "A2", "A2", "B1", "B1"],
            "status": [
                "completed",
                "dropped_out",
                "absent",
                "in_progress",
                "enrolled",
                "completed",
                "completed",
            ],
        }
    )
    by_programme = dropout_rates(enrolments).set_index("programme")
    assert by_programme.loc["A", ["learners", "dropouts"]].tolist() == [3, 1]
    assert by_programme.loc["B", "rate"] == 0
    by_session = dropout_rates(enrolments, "session").set_index("session")
    assert by_session.loc["A1", "rate"] == 0.5


def test_causes_count_each_person_once_and_share_of_respondents() -> None:
    answers = pd.DataFrame(
        {
            "response_id": ["r1", "r1", "r2", "r3", "r3"],
            "question_id": ["dropout-causes"] * 4 + ["dropout-free-text"],
            "text": ["workload", "connection", "workload", "pace", "trop dur"],
        }
    )
    causes = dropout_causes(answers)
    assert causes.to_dict("records")[0] == {"cause": "workload", "people": 2, "share": 2 / 3}
    assert set(causes["cause"]) == {"workload", "connection", "pace"}
