"""A cause of dropping out named by many of the dropout survey's respondents (indicator 12:
the organisation measures dropouts and acts on their causes)."""

from __future__ import annotations

from analysis.action_catalog import ActionCatalog
from analysis.frames.model import DROPOUT_TIMING
from analysis.metrics.dropouts import dropout_causes
from analysis.suggestions.model import Evidence, RuleInputs, Suggestion, SuggestionSettings
from analysis.suggestions.rules.common import comments_where, quote_comments

FREE_TEXT_QUESTION = "dropout-free-text"
NOT_ACTIONABLE = ("other",)
# the catalogue topics (question-bank themes) that answer each cause
CAUSE_TOPICS = {
    "connection": ["technical_support", "virtual_classroom"],
    "equipment": ["technical_support", "lms_ergonomics"],
    "workload": ["content_pace", "organisation_information"],
    "remote_support": ["teaching_team_view", "technical_support"],
    "content": ["content_pace", "organisation_information"],
    "pace": ["content_pace"],
    "personal": ["organisation_information", "teaching_team_view"],
}
SERIOUS_SHARE = 0.5


def rule_dropout_cause(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """Each cause ticked by at least `dropout_cause_share` of the dropout survey's
    respondents, once they are at least `small_group_min` (their answers are never shown
    for fewer)."""
    answers = inputs.answers[(inputs.answers["timing"] == DROPOUT_TIMING).to_numpy(bool)]
    respondents = int(answers["response_id"].nunique()) if len(answers) else 0
    if respondents < settings.small_group_min:
        return []
    causes = dropout_causes(answers)
    quoted = quote_comments(
        inputs,
        settings,
        complaint=None,
        where=comments_where(inputs, "question_id", FREE_TEXT_QUESTION),
    )
    found = []
    for row in causes.itertuples(index=False):
        if row.cause in NOT_ACTIONABLE or row.share < settings.dropout_cause_share:
            continue
        figures = {
            "people": int(row.people),
            "respondents": respondents,
            "share": round(float(row.share), 3),
            "threshold": settings.dropout_cause_share,
        }
        found.append(
            Suggestion(
                rule="dropout_cause",
                subject=str(row.cause),
                severity="high" if row.share >= SERIOUS_SHARE else "medium",
                params={
                    "cause": str(row.cause),
                    "people": int(row.people),
                    "respondents": respondents,
                    "share": float(row.share),
                    "threshold_rate": float(settings.dropout_cause_share),
                    "start": inputs.start,
                    "end": inputs.end,
                },
                evidence=Evidence(
                    inputs.start,
                    inputs.end,
                    respondents,
                    figures,
                    groups=(f"dropout/{row.cause}",),
                    verbatims=quoted,
                ),
                indicators=(12,),
                actions=catalog.recommend(
                    CAUSE_TOPICS.get(str(row.cause), ["content_pace"]), limit=settings.actions
                ),
            )
        )
    return found
