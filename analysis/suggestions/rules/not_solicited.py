"""Indicator 30 gaps: a stakeholder type or a financer not solicited, financers who never answer."""

from __future__ import annotations

import pandas as pd

from analysis.action_catalog import ActionCatalog
from analysis.metrics import coverage, coverage_alerts
from analysis.suggestions.model import (
    STAKEHOLDER_ORDER,
    Evidence,
    RuleInputs,
    Suggestion,
    SuggestionSettings,
)
from analysis.suggestions.wording import plain_value


def _coverage(
    inputs: RuleInputs, settings: SuggestionSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    matrix = coverage(
        inputs.solicitations, inputs.financers, now=inputs.today, start=inputs.start, end=inputs.end
    )
    alerts = coverage_alerts(
        matrix, now=inputs.today, financer_max_months=settings.financer_max_months
    )
    return matrix, alerts


def rule_not_solicited(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """A stakeholder type never solicited in the period; financers not solicited for more than
    `financer_max_months` (or ever); financers solicited in the period who never answered.
    Notes of evidence (a financer's webinar attended) count as solicitations."""
    matrix, alerts = _coverage(inputs, settings)
    found = []
    solicited_total = int(matrix.loc[matrix["financer"].isna(), "solicited"].sum())
    not_solicited = alerts[alerts["kind"] == "type_not_solicited"]
    if len(inputs.financers):  # then the financers' own suggestion below says it better
        not_solicited = not_solicited[not_solicited["stakeholder_type"] != "financer"]
    for row in not_solicited.itertuples(index=False):
        last = plain_value(row.last_solicited)
        found.append(
            Suggestion(
                rule="type_not_solicited",
                subject=str(row.stakeholder_type),
                severity="high",
                params={
                    "audience": row.stakeholder_type,
                    "last": last,
                    "start": inputs.start,
                    "end": inputs.end,
                },
                evidence=Evidence(
                    inputs.start,
                    inputs.end,
                    solicited_total,
                    {
                        "solicited": 0,
                        "last_solicited": last,
                        "solicited_other_types": solicited_total,
                    },
                    groups=tuple(STAKEHOLDER_ORDER),
                ),
                indicators=(30,),
                actions=catalog.recommend(["solicitation"], limit=settings.actions),
            )
        )
    financers = alerts[alerts["kind"].isin(["financer_never_solicited", "financer_overdue"])]
    if len(financers):
        found.append(_financers_unsolicited(inputs, settings, catalog, financers))
    found += _financers_silent(inputs, settings, catalog, matrix)
    return found


def _financers_unsolicited(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog, alerts: pd.DataFrame
) -> Suggestion:
    never = sorted(alerts.loc[alerts["kind"] == "financer_never_solicited", "financer"])
    overdue = alerts[alerts["kind"] == "financer_overdue"].sort_values(["financer"])
    rows = tuple(
        {"financer": str(item.financer), "last_solicited": plain_value(item.last_solicited)}
        for item in alerts.sort_values("financer").itertuples(index=False)
    )
    return Suggestion(
        rule="financers_not_solicited",
        subject="financer",
        severity="high" if never else "medium",
        params={
            "count": len(alerts),
            "months": settings.financer_max_months,
            "never": never,
            "overdue": list(overdue["financer"].astype(str)),
        },
        evidence=Evidence(
            inputs.start,
            inputs.end,
            len(inputs.financers),
            {
                "financers_known": len(inputs.financers),
                "never_solicited": len(never),
                "overdue": len(overdue),
                "months": settings.financer_max_months,
            },
            groups=tuple(row["financer"] for row in rows),
            rows=rows,
        ),
        indicators=(30,),
        actions=catalog.recommend(["solicitation", "financer_view"], limit=settings.actions),
    )


def _financers_silent(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog, matrix: pd.DataFrame
) -> list[Suggestion]:
    silent = matrix[
        matrix["financer"].notna() & (matrix["solicited"] > 0) & (matrix["answered"] == 0)
    ]
    if silent.empty:
        return []
    names = sorted(silent["financer"].astype(str))
    return [
        Suggestion(
            rule="financers_silent",
            subject="financer",
            severity="low",
            params={"count": len(names), "names": names, "start": inputs.start, "end": inputs.end},
            evidence=Evidence(
                inputs.start,
                inputs.end,
                int(silent["solicited"].sum()),
                {
                    "financers_silent": len(names),
                    "solicitations": int(silent["solicited"].sum()),
                    "answers": 0,
                },
                groups=tuple(names),
            ),
            indicators=(30,),
            actions=catalog.recommend(["solicitation", "financer_view"], limit=settings.actions),
        )
    ]
