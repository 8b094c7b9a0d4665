"""A programme whose learners score clearly lower cold than hot."""

from __future__ import annotations

from typing import Any

import numpy as np

from analysis.action_catalog import ActionCatalog
from analysis.metrics import hot_cold
from analysis.suggestions.model import Evidence, RuleInputs, Suggestion, SuggestionSettings
from analysis.suggestions.rules.common import comments_where, quote_comments
from analysis.suggestions.wording import plain_figures, plain_value


def rule_hot_cold_drop(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """A programme whose learners score clearly lower cold than hot (same people, or the same
    sessions when anonymous), compared with the change seen in the other programmes."""
    table = hot_cold(
        inputs.answers, small_group_min=settings.small_group_min, by=["programme"], per_theme=False
    )
    table = table[~table["protected"].astype(bool)]
    found = []
    for row in table.sort_values(["delta", "programme"]).itertuples(index=False):
        if row.delta > -settings.hot_cold_drop:
            continue
        others = table[table["programme"] != row.programme]
        others_delta = (
            float(np.average(others["delta"], weights=others["n"])) if len(others) else float("nan")
        )
        found.append(
            _hot_cold(
                inputs,
                settings,
                catalog,
                row,
                others_delta,
                tuple(sorted(others["programme"].astype(str))),
            )
        )
    return found


def _hot_cold(
    inputs: RuleInputs,
    settings: SuggestionSettings,
    catalog: ActionCatalog,
    row: Any,
    others_delta: float,
    others: tuple[str, ...],
) -> Suggestion:
    programme = str(row.programme)
    answers = inputs.answers[(inputs.answers["programme"] == programme).to_numpy(bool)]
    per_theme = hot_cold(answers, small_group_min=settings.small_group_min)
    per_theme = per_theme[~per_theme["protected"].astype(bool)]
    rows = tuple(
        {
            "theme": str(item.theme),
            "hot_mean": plain_value(item.hot_mean),
            "cold_mean": plain_value(item.cold_mean),
            "delta": plain_value(item.delta),
            "n": int(item.n),
        }
        for item in per_theme.sort_values("delta").itertuples(index=False)
    )
    figures = plain_figures(
        {
            "hot_mean": row.hot_mean,
            "cold_mean": row.cold_mean,
            "delta": row.delta,
            "pairs": row.n,
            "hot_respondents": row.hot_respondents,
            "cold_respondents": row.cold_respondents,
            "others_delta": others_delta,
        }
    )
    cold = comments_where(inputs, "programme", programme) & comments_where(inputs, "timing", "cold")
    quotes = quote_comments(inputs, settings, theme="transfer_to_work", complaint=None, where=cold)
    quotes = quotes or quote_comments(inputs, settings, where=cold)
    return Suggestion(
        rule="hot_cold_drop",
        subject=programme,
        severity=("high" if row.delta <= -2 * settings.hot_cold_drop else "medium"),
        params={
            "programme": programme,
            "hot_mean": row.hot_mean,
            "cold_mean": row.cold_mean,
            "drop": -row.delta,
            "pairs": int(row.n),
            "others_delta": others_delta,
            "hot_respondents": int(row.hot_respondents),
            "cold_respondents": int(row.cold_respondents),
            "start": inputs.start,
            "end": inputs.end,
        },
        evidence=Evidence(
            inputs.start,
            inputs.end,
            int(row.hot_respondents + row.cold_respondents),
            figures,
            groups=(programme, *others),
            rows=rows,
            verbatims=quotes,
        ),
        indicators=(30, 32),
        actions=catalog.recommend(
            ["hot_cold", "transfer_to_work", "programme"], limit=settings.actions
        ),
    )
