"""What a suggestion is: the rules' thresholds, a suggestion and its evidence, the rules' inputs.

A suggestion carries its evidence (figures computed from the data, the number of answers behind
them, the period, the groups compared and a few real comments), the Qualiopi indicators
concerned and actions recommended from the catalogue (`analysis/data/actions.yaml`). Its title
and explanation are written from the same figures (`analysis.suggestions.wording`), so nothing
is said that the evidence does not show. Thresholds are the fields of `SuggestionSettings`,
each with its help text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import pandas as pd

from analysis.action_catalog import ActionCatalog
from analysis.suggestions.wording import format_params
from question_banks.schema import AUDIENCES
from surveys.i18n import t

SEVERITIES = ("high", "medium", "low")

STAKEHOLDER_ORDER = AUDIENCES  # the one order: question_banks.schema.Audience


def _setting(default: Any, help_text: str) -> Any:
    return field(default=default, metadata={"help": help_text})


@dataclass(frozen=True)
class SuggestionSettings:
    """The thresholds of the rules. Scores are on the 1-5 scale, rates and shares 0-1."""

    small_group_min: int = _setting(5, "Fewest respondents a group needs to be compared.")
    theme_low_mean: float = _setting(3.5, "A theme scoring below this mean is low.")
    theme_gap: float = _setting(0.5, "A theme this far below the audience's other themes is low.")
    hot_cold_drop: float = _setting(0.5, "A cold score this far below the hot one is a drop.")
    group_gap: float = _setting(
        0.5, "A programme, trainer or modality this far below the others is flagged."
    )
    group_audience: str = _setting("learner", "Whose answers compare groups.")
    group_timing: str = _setting("hot", "At which timing groups are compared.")
    low_response_rate: float = _setting(0.5, "A survey answered by fewer is flagged.")
    very_low_response_rate: float = _setting(0.3, "Below this, the low rate is serious.")
    rate_min_invited: int = _setting(20, "Fewest people invited before a rate is judged.")
    rate_settle_days: int = _setting(
        14, "Campaigns sent more recently are left out of rates (answers still come in)."
    )
    financer_max_months: int = _setting(12, "Longest time a financer may go unsolicited.")
    trend_freq: str = _setting("Q", "Periods of the trend: Q (quarters) or M (months).")
    trend_baseline_periods: int = _setting(2, "Periods before the last one used as baseline.")
    trend_drop: float = _setting(0.4, "A last period this far below the baseline is a decline.")
    text_min_complaints: int = _setting(5, "Fewest complaint-like comments on a theme.")
    text_min_share: float = _setting(0.2, "Smallest share of complaint-like comments on it.")
    incidents_min: int = _setting(3, "Fewest register entries on one theme to flag it.")
    acknowledge_days: int = _setting(7, "Days after which an unacknowledged complaint is late.")
    dropout_cause_share: float = _setting(
        0.3, "A cause of dropping out given by this share of the dropout survey's respondents."
    )
    verbatims: int = _setting(3, "Comments quoted as evidence.")
    actions: int = _setting(4, "Actions recommended per suggestion.")

    @classmethod
    def help(cls) -> dict[str, str]:
        return {item.name: item.metadata["help"] for item in fields(cls)}


@dataclass(frozen=True)
class Evidence:
    """What a suggestion rests on: only numbers computed from the data."""

    start: date | None
    end: date | None
    n: int  # answers (or solicitations, comments, register entries) behind the figures
    figures: dict[str, Any]
    groups: tuple[str, ...] = ()
    rows: tuple[dict[str, Any], ...] = ()
    verbatims: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    rule: str
    subject: str
    severity: str
    params: dict[str, Any]  # raw values the texts are written from (formatted per language)
    evidence: Evidence
    indicators: tuple[int, ...]
    actions: tuple[str, ...]
    theme: str = ""
    text_key: str = ""  # improve.rules.<text_key>; defaults to the rule

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if not self.evidence.figures:
            raise ValueError(f"{self.rule}: a suggestion needs evidence")

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.subject}"

    def title(self, language: str = "fr") -> str:
        return t(
            f"improve.rules.{self.text_key or self.rule}.title",
            language,
            **format_params(self.params, language),
        )

    def explanation(self, language: str = "fr") -> str:
        return t(
            f"improve.rules.{self.text_key or self.rule}.explanation",
            language,
            **format_params(self.params, language),
        )


@dataclass(frozen=True)
class RuleInputs:
    """Everything the rules look at, already restricted to the period."""

    answers: pd.DataFrame
    campaigns: pd.DataFrame
    session_people: pd.DataFrame
    solicitations: pd.DataFrame
    financers: pd.DataFrame
    comments: pd.DataFrame  # tagged free text (analysis.text.tag_comments)
    complaints: pd.DataFrame  # surveys.improvement.complaints.complaints_frame
    start: date | None
    end: date
    today: date
    # the learners' enrolments with their status (whole: dropout rates select their sessions)
    enrolments: pd.DataFrame = field(default_factory=pd.DataFrame)


Rule = Callable[[RuleInputs, SuggestionSettings, ActionCatalog], list[Suggestion]]
