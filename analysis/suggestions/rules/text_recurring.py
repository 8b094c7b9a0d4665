"""A theme that keeps coming back in complaint-like free-text comments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.action_catalog import ActionCatalog
from analysis.suggestions.model import Evidence, RuleInputs, Suggestion, SuggestionSettings
from analysis.suggestions.wording import plain_value
from analysis.text import recurring_terms, theme_mentions, verbatims


def rule_text_recurring(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """A theme that keeps coming back in complaint-like free-text comments.

    Themes are taken by number of complaints, and a comment counts only for the first theme
    flagged: "impossible to reach the hotline about a log-in problem" is one support problem,
    not also a platform one."""
    comments = inputs.comments
    if comments.empty:
        return []
    found, counted = [], np.zeros(len(comments), dtype=bool)
    for row in theme_mentions(comments).itertuples(index=False):
        about = comments["themes"].map(lambda themes, theme=row.theme: theme in themes)
        about = about.to_numpy(bool)
        fresh = about & comments["complaint"].to_numpy(bool) & ~counted
        share = fresh.sum() / about.sum()
        if fresh.sum() < settings.text_min_complaints or share < settings.text_min_share:
            continue
        counted |= fresh
        found.append(
            _text_recurring(
                inputs,
                settings,
                catalog,
                str(row.theme),
                comments[fresh],
                int(about.sum()),
                float(share),
            )
        )
    return found


def _text_recurring(
    inputs: RuleInputs,
    settings: SuggestionSettings,
    catalog: ActionCatalog,
    theme: str,
    complaints: pd.DataFrame,
    mentions: int,
    share: float,
) -> Suggestion:
    terms = recurring_terms(complaints, top=6, min_count=2)
    term_rows = tuple(
        {"term": term, "count": int(count)} for term, count in terms.itertuples(index=False)
    )
    return Suggestion(
        rule="text_recurring",
        subject=theme,
        theme=theme,
        severity="high" if share >= 2 * settings.text_min_share else "medium",
        params={
            "theme": theme,
            "complaints": len(complaints),
            "comments": mentions,
            "share": share,
            "terms": [item["term"] for item in term_rows[:4]],
            "start": inputs.start,
            "end": inputs.end,
        },
        evidence=Evidence(
            inputs.start,
            inputs.end,
            mentions,
            {
                "comments": mentions,
                "complaints": len(complaints),
                "share": plain_value(share),
                "all_comments": len(inputs.comments),
            },
            groups=(theme,),
            rows=term_rows,
            verbatims=tuple(verbatims(complaints, limit=settings.verbatims)),
        ),
        indicators=(31, 32),
        actions=catalog.recommend([theme, "complaints"], limit=settings.actions),
    )
