"""The suggestion rules: one file per situation worth acting on, listed in `RULES`.

Each rule is a small pure function `(inputs, settings, catalog) -> list[Suggestion]` whose every
figure is computed from the frames (never typed in), with the number of answers behind it, the
period, the groups compared and a few real comments. Groups under the small-group minimum are
never compared or named. `RULES` lists them in the order their suggestions are shown: to add a
rule, write `rules/<name>.py` with its `rule_<name>` function, then import it here and add it
to `RULES` (two lines).
"""

from __future__ import annotations

from analysis.suggestions.model import Rule
from analysis.suggestions.rules.declining_trend import rule_declining_trend
from analysis.suggestions.rules.dropout_cause import rule_dropout_cause
from analysis.suggestions.rules.group_below import rule_group_below
from analysis.suggestions.rules.hot_cold_drop import rule_hot_cold_drop
from analysis.suggestions.rules.low_response_rate import rule_low_response_rate
from analysis.suggestions.rules.not_solicited import rule_not_solicited
from analysis.suggestions.rules.register import rule_register
from analysis.suggestions.rules.text_recurring import rule_text_recurring
from analysis.suggestions.rules.theme_low import rule_theme_low

RULES: tuple[tuple[str, Rule], ...] = (
    ("not_solicited", rule_not_solicited),
    ("theme_low", rule_theme_low),
    ("hot_cold_drop", rule_hot_cold_drop),
    ("group_below", rule_group_below),
    ("text_recurring", rule_text_recurring),
    ("register", rule_register),
    ("low_response_rate", rule_low_response_rate),
    ("declining_trend", rule_declining_trend),
    ("dropout_cause", rule_dropout_cause),
)
