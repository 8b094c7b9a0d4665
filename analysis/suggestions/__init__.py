"""Improvement suggestions: rules over the metrics, the free text and the complaints register.

`model` (the settings, a suggestion and its evidence, the rules' inputs), `wording` (figures as
a reader reads them), `rules/` (one file per rule, listed in `rules.RULES`) and `engine` (runs
the rules, reads their inputs, writes them out). This face hands on the names the rest of the
house uses.
"""

from analysis.suggestions.engine import (
    action_input,
    default_period,
    gather_inputs,
    inputs_from_frames,
    suggest,
    suggestion_dict,
    suggestion_settings,
    suggestions_json,
)
from analysis.suggestions.model import Evidence, RuleInputs, Suggestion, SuggestionSettings
from analysis.suggestions.wording import format_params, plain_value, theme_label

__all__ = [
    "Evidence",
    "RuleInputs",
    "Suggestion",
    "SuggestionSettings",
    "action_input",
    "default_period",
    "format_params",
    "gather_inputs",
    "inputs_from_frames",
    "plain_value",
    "suggest",
    "suggestion_dict",
    "suggestion_settings",
    "suggestions_json",
    "theme_label",
]
