"""A theme scoring low for an audience (absolutely, or against its other themes)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.action_catalog import ActionCatalog
from analysis.metrics import likert_answers, score_table
from analysis.suggestions.model import Evidence, RuleInputs, Suggestion, SuggestionSettings
from analysis.suggestions.rules.common import (
    audiences_in,
    comments_where,
    likert_mean,
    quote_comments,
)
from analysis.suggestions.wording import plain_figures


def rule_theme_low(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """A theme scoring low: under the absolute threshold, or clearly below the audience's other
    themes (by `theme_gap`, and with its confidence interval entirely under them)."""
    likert = likert_answers(inputs.answers)
    found = []
    for audience in audiences_in(likert):
        mine = likert[(likert["audience"] == audience).to_numpy(bool)]
        table = score_table(mine, ["theme"], small_group_min=settings.small_group_min)
        for row in (
            table[~table["protected"].astype(bool)]
            .sort_values(["mean", "theme"])
            .itertuples(index=False)
        ):
            others = mine[(mine["theme"] != row.theme).to_numpy(bool)]
            if others.empty:
                continue
            others_mean = likert_mean(others)
            absolute = row.mean < settings.theme_low_mean
            relative = others_mean - row.mean >= settings.theme_gap and row.ci_high < others_mean
            if not (absolute or relative):
                continue
            found.append(
                _theme_low(inputs, settings, catalog, audience, row, others, absolute and relative)
            )
    return found


def _theme_low(
    inputs: RuleInputs,
    settings: SuggestionSettings,
    catalog: ActionCatalog,
    audience: str,
    row: Any,
    others: pd.DataFrame,
    both: bool,
) -> Suggestion:
    theme = str(row.theme)
    others_mean = likert_mean(others)
    figures = {
        "mean": row.mean,
        "respondents": row.respondents,
        "top2": row.top2,
        "ci_low": row.ci_low,
        "ci_high": row.ci_high,
        "others_mean": others_mean,
        "others_n": len(others),
        "gap": others_mean - row.mean,
        "threshold": settings.theme_low_mean,
    }
    figures = plain_figures(figures)
    audience_quotes = comments_where(inputs, "audience", audience)
    return Suggestion(
        rule="theme_low",
        subject=f"{audience}:{theme}",
        theme=theme,
        severity="high" if both else "medium",
        params={
            "audience": audience,
            "theme": theme,
            "mean": row.mean,
            "n": int(row.n),
            "respondents": int(row.respondents),
            "top2": row.top2,
            "others_mean": others_mean,
            "gap": others_mean - row.mean,
            "threshold": settings.theme_low_mean,
            "start": inputs.start,
            "end": inputs.end,
        },
        evidence=Evidence(
            inputs.start,
            inputs.end,
            int(row.n),
            figures,
            groups=(theme, "other themes"),
            verbatims=quote_comments(inputs, settings, theme=theme, where=audience_quotes),
        ),
        indicators=(30, 31, 32) if theme == "technical_support" else (30, 32),
        actions=catalog.recommend([theme, "complaints"], limit=settings.actions),
    )
