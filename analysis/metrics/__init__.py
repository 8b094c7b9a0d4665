"""The numbers behind the dashboard: pure functions, pandas in and pandas out.

`engine` (integer codes, respondents, intervals, small-group protection: read its
conventions), `scores` (score tables, NPS, rates, trends, the headline), `hot_cold`, `groups`
(breakdowns per programme, trainer... and indicator 30 coverage). This face hands on the
names the rest of the house uses.
"""

from analysis.metrics.engine import SCORE_COLUMNS, likert_answers, t_critical_95
from analysis.metrics.groups import (
    BREAKDOWN_DIMENSIONS,
    STAKEHOLDER_TYPES,
    breakdown,
    coverage,
    coverage_alerts,
)
from analysis.metrics.hot_cold import hot_cold, hot_cold_pairs
from analysis.metrics.scores import (
    HEADLINE_FIGURES,
    answer_headline,
    headline,
    likert_distribution,
    nps,
    period_labels,
    question_scores,
    rate_headline,
    response_rates,
    score_table,
    theme_scores,
    trends,
)

__all__ = [
    "BREAKDOWN_DIMENSIONS",
    "HEADLINE_FIGURES",
    "SCORE_COLUMNS",
    "STAKEHOLDER_TYPES",
    "answer_headline",
    "breakdown",
    "coverage",
    "coverage_alerts",
    "headline",
    "hot_cold",
    "hot_cold_pairs",
    "likert_answers",
    "likert_distribution",
    "nps",
    "period_labels",
    "question_scores",
    "rate_headline",
    "response_rates",
    "score_table",
    "t_critical_95",
    "theme_scores",
    "trends",
]
