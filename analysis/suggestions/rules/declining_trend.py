"""An audience (or one of its themes) whose last period scores clearly below the ones before."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.action_catalog import ActionCatalog
from analysis.metrics import likert_answers, period_labels, score_table
from analysis.suggestions.model import Evidence, RuleInputs, Suggestion, SuggestionSettings
from analysis.suggestions.rules.common import audiences_in, likert_mean
from analysis.suggestions.wording import plain_figures


def _decline(likert: pd.DataFrame, settings: SuggestionSettings) -> dict[str, Any] | None:
    """Last period against the `trend_baseline_periods` before it (unprotected periods only);
    a decline when the drop reaches `trend_drop` and the last period's confidence interval
    lies entirely under the baseline."""
    labelled = likert.assign(period=period_labels(likert["submitted_on"], settings.trend_freq))
    table = score_table(labelled, ["period"], small_group_min=settings.small_group_min)
    table = table[~table["protected"].astype(bool)].sort_values("period")
    if len(table) < settings.trend_baseline_periods + 1:
        return None
    last = table.iloc[-1]
    baseline_periods = list(table["period"].iloc[-1 - settings.trend_baseline_periods : -1])
    baseline = labelled[labelled["period"].isin(baseline_periods).to_numpy(bool)]
    baseline_mean = likert_mean(baseline)
    drop = baseline_mean - float(last["mean"])
    if drop < settings.trend_drop or not float(last["ci_high"]) < baseline_mean:
        return None
    return {
        "last_period": str(last["period"]),
        "last_mean": float(last["mean"]),
        "last_n": int(last["n"]),
        "last_respondents": int(last["respondents"]),
        "baseline_periods": baseline_periods,
        "baseline_mean": baseline_mean,
        "baseline_n": len(baseline),
        "drop": drop,
    }


def rule_declining_trend(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """An audience (or one of its themes) whose last period scores clearly below the periods
    before it."""
    likert = likert_answers(inputs.answers)
    found = []
    for audience in audiences_in(likert):
        mine = likert[(likert["audience"] == audience).to_numpy(bool)]
        groups = [("", mine)] + [
            (str(theme), mine[(mine["theme"] == theme).to_numpy(bool)])
            for theme in sorted(mine["theme"].dropna().astype(str).unique())
        ]
        for theme, part in groups:
            decline = _decline(part, settings)
            if decline is None:
                continue
            figures = plain_figures(decline)
            found.append(
                Suggestion(
                    rule="declining_trend",
                    subject=f"{audience}:{theme or 'all'}",
                    theme=theme,
                    text_key="declining_theme" if theme else "declining_trend",
                    severity="medium",
                    params={"audience": audience, "theme": theme, **decline},
                    evidence=Evidence(
                        inputs.start,
                        inputs.end,
                        decline["last_n"] + decline["baseline_n"],
                        figures,
                        groups=(decline["last_period"], *decline["baseline_periods"]),
                    ),
                    indicators=(30, 32),
                    actions=catalog.recommend(
                        [theme, "programme"] if theme else ["programme"], limit=settings.actions
                    ),
                )
            )
    return found
