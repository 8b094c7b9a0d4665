"""From the complaints register: a recurring theme, and complaints left unacknowledged."""

from __future__ import annotations

from datetime import timedelta

from analysis.action_catalog import ActionCatalog
from analysis.register import complaint_statistics
from analysis.suggestions.model import Evidence, RuleInputs, Suggestion, SuggestionSettings


def rule_register(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """From the complaints register: a theme with `incidents_min` entries or more in the
    period, and complaints left without acknowledgement for more than `acknowledge_days`."""
    register = inputs.complaints
    if register.empty:
        return []
    found = []
    stats = complaint_statistics(register, by=("theme",))
    for row in stats[stats["count"] >= settings.incidents_min].itertuples(index=False):
        mine = register[register["theme"] == row.theme]
        kinds = {kind: int((mine["kind"] == kind).sum()) for kind in sorted(set(mine["kind"]))}
        found.append(
            Suggestion(
                rule="register_theme",
                subject=str(row.theme),
                theme=str(row.theme),
                severity="high" if row.open > 0 else "medium",
                params={
                    "theme": row.theme,
                    "count": int(row.count),
                    "open": int(row.open),
                    "median_close": row.median_days_to_close,
                    "start": inputs.start,
                    "end": inputs.end,
                },
                evidence=Evidence(
                    inputs.start,
                    inputs.end,
                    int(row.count),
                    {
                        "count": int(row.count),
                        "open": int(row.open),
                        "closed": int(row.closed),
                        **kinds,
                        "median_days_to_close": row.median_days_to_close,
                    },
                    groups=(str(row.theme),),
                    verbatims=tuple(mine["summary"].head(settings.verbatims)),
                ),
                indicators=(31, 32),
                actions=catalog.recommend([str(row.theme), "complaints"], limit=settings.actions),
            )
        )
    return found + _late_acknowledgements(inputs, settings, catalog)


def _late_acknowledgements(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    register = inputs.complaints
    limit = inputs.today - timedelta(days=settings.acknowledge_days)
    late = register[(register["status"] == "received") & (register["received_on"] < limit)]
    if late.empty:
        return []
    ids = [int(value) for value in sorted(late["id"])]
    return [
        Suggestion(
            rule="late_acknowledgement",
            subject="register",
            severity="high",
            params={"count": len(ids), "days": settings.acknowledge_days, "ids": ids},
            evidence=Evidence(
                inputs.start,
                inputs.end,
                len(register),
                {"late": len(ids), "register": len(register), "days": settings.acknowledge_days},
                groups=tuple(str(value) for value in ids),
            ),
            indicators=(31,),
            actions=catalog.recommend(["complaints"], limit=settings.actions),
        )
    ]
