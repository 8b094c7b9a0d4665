"""A survey (audience x timing) answered by too few of the people invited."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from analysis.action_catalog import ActionCatalog
from analysis.metrics import response_rates
from analysis.suggestions.model import Evidence, RuleInputs, Suggestion, SuggestionSettings
from analysis.suggestions.wording import plain_figures


def rule_low_response_rate(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """A survey (audience x timing) answered by fewer than `low_response_rate` of the people
    invited, once enough were invited and the answers had time to come in."""
    settled = inputs.campaigns["scheduled_on"] <= pd.Timestamp(
        inputs.today - timedelta(days=settings.rate_settle_days)
    )
    campaigns = inputs.campaigns[settled.fillna(False).to_numpy(bool)]
    table = response_rates(campaigns, by=["audience", "timing"])
    found = []
    for row in table.sort_values(["rate", "audience", "timing"]).itertuples(index=False):
        if row.invited < settings.rate_min_invited or not row.rate < settings.low_response_rate:
            continue
        others = table[(table["audience"] != row.audience) | (table["timing"] != row.timing)]
        others_rate = (
            others["answered"].sum() / others["invited"].sum()
            if others["invited"].sum()
            else float("nan")
        )
        figures = plain_figures(
            {
                "rate": row.rate,
                "invited": row.invited,
                "answered": row.answered,
                "reminded": row.reminded,
                "campaigns": row.campaigns,
                "reminded_share": row.reminded / row.invited,
                "others_rate": others_rate,
                "threshold": settings.low_response_rate,
            }
        )
        found.append(
            Suggestion(
                rule="low_response_rate",
                subject=f"{row.audience}:{row.timing}",
                severity="high" if row.rate < settings.very_low_response_rate else "medium",
                params={
                    "audience": row.audience,
                    "timing": row.timing,
                    "rate": float(row.rate),
                    "answered": int(row.answered),
                    "invited": int(row.invited),
                    "campaigns": int(row.campaigns),
                    "reminded_share": float(row.reminded / row.invited),
                    "others_rate": float(others_rate),
                    "threshold_rate": float(settings.low_response_rate),
                    "start": inputs.start,
                    "end": inputs.end,
                },
                evidence=Evidence(
                    inputs.start,
                    inputs.end,
                    int(row.invited),
                    figures,
                    groups=(f"{row.audience}/{row.timing}", "other surveys"),
                ),
                indicators=(30,),
                actions=catalog.recommend(["response_rate"], limit=settings.actions),
            )
        )
    return found
