"""Improvement suggestions: rules over the metrics, the free text and the complaints register.

The rules live in `analysis.suggestion_rules`: each is a small pure function
`(inputs, settings, catalog) -> list[Suggestion]`. This module holds what they share (the
settings, the suggestion and its evidence, how figures are written for a reader), runs them
(`suggest`), and reads their inputs from the database (`gather_inputs`). A suggestion
carries its evidence — figures computed from the data, the number of answers behind them, the
period, the groups compared and a few real comments — the Qualiopi indicators concerned and
actions recommended from the catalogue (`analysis/data/actions.yaml`). Its explanation is
written from the same figures in French (and English), so nothing is said that the evidence
does not show. Thresholds are the fields of `SuggestionSettings`, each with its help text.

Groups smaller than the organisation's small-group minimum are never compared or named.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analysis.action_catalog import ActionCatalog, load_action_catalog
from surveys.i18n import label, t

SEVERITIES = ("high", "medium", "low")
STAKEHOLDER_ORDER = ("learner", "company", "trainer", "financer")


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
    complaints: pd.DataFrame  # surveys.complaints.complaints_frame
    start: date | None
    end: date
    today: date


Rule = Callable[[RuleInputs, SuggestionSettings, ActionCatalog], list[Suggestion]]


# -- Formatting the figures for a reader ---------------------------------------------------------


def theme_label(theme: str, language: str = "fr") -> str:
    from question_banks.loader import load_catalog

    found = load_catalog().get_theme(theme)
    return found.label.get(language) if found else theme


def _number(value: float, language: str, digits: int = 1, signed: bool = False) -> str:
    value = round(value, digits) + 0.0  # + 0.0 turns -0.0 into 0.0: no "−0,0"
    text = f"{value:+.{digits}f}" if signed and value else f"{value:.{digits}f}"
    text = text.replace("-", "−")
    return text.replace(".", ",") if language == "fr" else text


def _percent(value: float, language: str) -> str:
    return f"{round(value * 100)}\u202f%" if language == "fr" else f"{round(value * 100)}%"


def _day(value: date, language: str) -> str:
    return value.strftime("%d/%m/%Y") if language == "fr" else value.isoformat()


def _format_value(key: str, value: Any, language: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return t("improve.never", language) if key == "last" else "—"
    if isinstance(value, (list, tuple)):
        items = [_format_value(key, item, language) for item in value]
        return ", ".join(items) if items else t("improve.none", language)
    if isinstance(value, date):
        return _day(value, language)
    if key in ("theme", "themes"):
        return theme_label(str(value), language)
    if key == "audience":
        return label("stakeholder", str(value), language).lower()
    if key == "timing":
        return label("timing", str(value), language).lower()
    if key == "dimension":
        return t(f"improve.dimension.{value}", language)
    if isinstance(value, float):
        if key.endswith(("rate", "share", "top2", "threshold_rate")):
            return _percent(value, language)
        return _number(value, language, signed=key.endswith("delta"))
    return str(value)


def format_params(params: dict[str, Any], language: str) -> dict[str, str]:
    """The raw values as a reader reads them: scores with one decimal (a French comma),
    shares as percentages, dates, theme and audience labels, lists joined."""
    return {key: _format_value(key, value, language) for key, value in params.items()}


def plain_value(value: Any) -> Any:
    """numpy / pandas scalars as Python values, floats rounded to 3 decimals (JSON, tests)."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else round(float(value), 3)
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if value is pd.NaT:
        return None
    return value


def suggest(
    inputs: RuleInputs,
    settings: SuggestionSettings | None = None,
    catalog: ActionCatalog | None = None,
) -> list[Suggestion]:
    """Every rule's suggestions, the most severe first (then in rule order): stable."""
    from analysis.suggestion_rules import RULES  # the rules import this module's types

    settings = settings or SuggestionSettings()
    catalog = catalog or load_action_catalog()
    found = [
        (SEVERITIES.index(item.severity), position, item.id, item)
        for position, (_name, rule) in enumerate(RULES)
        for item in rule(inputs, settings, catalog)
    ]
    return [item for *_keys, item in sorted(found, key=lambda entry: entry[:3])]


# -- Output --------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    return plain_value(value)


def suggestion_dict(item: Suggestion, catalog: ActionCatalog | None = None) -> dict[str, Any]:
    """A suggestion as plain JSON-ready data, with its texts in French and English."""
    catalog = catalog or load_action_catalog()
    evidence = asdict(item.evidence)
    return {
        "id": item.id,
        "rule": item.rule,
        "severity": item.severity,
        "theme": item.theme,
        "indicators": list(item.indicators),
        "title": {language: item.title(language) for language in ("fr", "en")},
        "explanation": {language: item.explanation(language) for language in ("fr", "en")},
        "evidence": _json_value(
            {"period": {"start": evidence.pop("start"), "end": evidence.pop("end")}, **evidence}
        ),
        "actions": [
            {"id": action_id, "title": catalog.get(action_id).title.model_dump()}
            for action_id in item.actions
        ],
    }


def suggestions_json(
    items: Sequence[Suggestion], *, start: date | None, end: date, settings: SuggestionSettings
) -> dict[str, Any]:
    """What `python -m analysis suggestions --json` prints."""
    catalog = load_action_catalog()
    return {
        "period": {"start": start.isoformat() if start else None, "end": end.isoformat()},
        "settings": asdict(settings),
        "count": len(items),
        "suggestions": [suggestion_dict(item, catalog) for item in items],
    }


# -- Reading the data (through analysis.frames and the register) ---------------------------------

DEFAULT_PERIOD_DAYS = 365


def default_period(today: date) -> tuple[date, date]:
    """The twelve months up to `today` (the yearly rhythm of indicator 30)."""
    return today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


def inputs_from_frames(
    frames: Any, register: pd.DataFrame, *, start: date | None, end: date, today: date
) -> RuleInputs:
    """The rules' inputs from frames already restricted to the period (`apply_filters`)."""
    from analysis.text import free_text_answers, tag_comments

    return RuleInputs(
        answers=frames.answers,
        campaigns=frames.campaigns,
        session_people=frames.session_people,
        solicitations=frames.solicitations,
        financers=frames.financers,
        comments=tag_comments(free_text_answers(frames.answers)),
        complaints=register,
        start=start,
        end=end,
        today=today,
    )


def gather_inputs(*, engine: Any, start: date | None, end: date, today: date) -> RuleInputs:
    """The frames for the period (answers and campaigns inside it; solicitations whole, since
    coverage looks back), the tagged free text, and the register's entries of the period."""
    from analysis.frames import AnalysisFilters, apply_filters, load_frames
    from surveys.db import read_session
    from surveys.improvement.complaints import complaints_frame, list_complaints

    # read whole, then filtered in memory: coverage and hot-cold pairs look across the edges
    frames = apply_filters(load_frames(engine=engine), AnalysisFilters(start=start, end=end))
    with read_session(engine) as session:
        register = complaints_frame(list_complaints(session=session, start=start, end=end))
    return inputs_from_frames(frames, register, start=start, end=end, today=today)


def suggestion_settings(*, engine: Any, settings: Any) -> SuggestionSettings:
    """The rules' thresholds, with the organisation's own small-group minimum."""
    from analysis.frames import small_group_min

    return SuggestionSettings(small_group_min=small_group_min(engine=engine, settings=settings))


def action_input(
    item: Suggestion, *, owner: str, due_on: date | None, action_id: str = "", language: str = "fr"
) -> Any:
    """An improvement-plan entry drafted from a suggestion (and one of its recommended
    actions): the action's title, the suggestion's explanation as description."""
    from surveys.improvement.actions import ActionInput

    catalog = load_action_catalog()
    chosen = catalog.get(action_id) if action_id else None
    title = chosen.title.get(language) if chosen else item.title(language)
    description = item.explanation(language)
    if chosen:
        description = f"{chosen.description.get(language)}\n\n{description}"
    return ActionInput(
        title=title[:200],
        owner=owner,
        due_on=due_on,
        theme=item.theme,
        description=description[:5000],
        origin=f"suggestion:{item.id}"[:120],
    )
