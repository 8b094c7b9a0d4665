"""A programme, trainer or modality scoring clearly below the others on some themes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.action_catalog import ActionCatalog
from analysis.metrics import likert_answers, score_table
from analysis.suggestions.model import Evidence, RuleInputs, Suggestion, SuggestionSettings
from analysis.suggestions.rules.common import comments_in_sessions, likert_mean, quote_comments
from analysis.suggestions.wording import plain_figures, plain_value

GROUP_DIMENSIONS = ("programme", "trainer", "modality")


def _group_likert(inputs: RuleInputs, settings: SuggestionSettings) -> pd.DataFrame:
    likert = likert_answers(inputs.answers)
    keep = (likert["audience"] == settings.group_audience) & (
        likert["timing"] == settings.group_timing
    )
    return likert[keep.to_numpy(bool)]


def _below_themes(
    mine: pd.DataFrame, others: pd.DataFrame, settings: SuggestionSettings
) -> list[dict[str, Any]]:
    """The themes on which `mine` scores at least `group_gap` under `others`, with its
    confidence interval entirely under them; only groups with enough respondents."""
    sgm = settings.small_group_min
    own = score_table(mine, ["theme"], small_group_min=sgm)
    rest = score_table(others, ["theme"], small_group_min=sgm)
    table = own.merge(rest, on="theme", suffixes=("", "_others"))
    table["gap"] = table["mean_others"] - table["mean"]
    keep = (
        ~table["protected"].astype(bool)
        & ~table["protected_others"].astype(bool)
        & (table["mean_others"] - table["mean"] >= settings.group_gap)
        & (table["ci_high"] < table["mean_others"])
    )
    return [
        {
            "theme": str(row.theme),
            "mean": plain_value(row.mean),
            "n": int(row.n),
            "respondents": int(row.respondents),
            "others_mean": plain_value(row.mean_others),
            "others_n": int(row.n_others),
            "gap": plain_value(row.gap),
        }
        for row in table[keep.to_numpy(bool)]
        .sort_values(["gap", "theme"], ascending=[False, True])
        .itertuples(index=False)
    ]


def _group_suggestion(
    inputs: RuleInputs,
    settings: SuggestionSettings,
    catalog: ActionCatalog,
    dimension: str,
    group: str,
    mine: pd.DataFrame,
    others: pd.DataFrame,
    rows: list[dict[str, Any]],
) -> Suggestion:
    themes = [row["theme"] for row in rows]
    below_mine = mine[mine["theme"].isin(themes).to_numpy(bool)]
    below_others = others[others["theme"].isin(themes).to_numpy(bool)]
    respondents = int(below_mine["response_id"].nunique())
    figures = plain_figures(
        {
            "mean": likert_mean(below_mine),
            "n": len(below_mine),
            "respondents": respondents,
            "others_mean": likert_mean(below_others),
            "others_n": len(below_others),
            "gap": likert_mean(below_others) - likert_mean(below_mine),
            "themes_below": len(rows),
        }
    )
    where = comments_in_sessions(inputs, set(mine["session_id"].dropna()))
    quotes = tuple(
        quote
        for theme in themes[:2]
        for quote in quote_comments(inputs, settings, theme=theme, where=where)
    )
    return Suggestion(
        rule="group_below",
        subject=f"{dimension}:{group}",
        severity="medium",
        theme=themes[0] if len(themes) == 1 else "",
        params={
            "dimension": dimension,
            "group": group,
            "themes": themes,
            "count": len(themes),
            "mean": figures["mean"],
            "respondents": respondents,
            "n": len(below_mine),
            "others_mean": figures["others_mean"],
            "gap": figures["gap"],
            "timing": settings.group_timing,
            "audience": settings.group_audience,
            "min": settings.small_group_min,
            "start": inputs.start,
            "end": inputs.end,
        },
        evidence=Evidence(
            inputs.start,
            inputs.end,
            len(below_mine),
            figures,
            groups=(group, f"other {dimension}s"),
            rows=tuple(rows),
            verbatims=tuple(dict.fromkeys(quotes))[: settings.verbatims],
        ),
        indicators=(32,),
        actions=catalog.recommend([dimension, *themes], limit=settings.actions),
    )


def rule_group_below(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """A programme, trainer or modality scoring clearly below the others on some themes.

    Compared on one audience and timing (learners, hot, by default) so every group was asked
    the same questions at the same moment. A trainer's answers are those of their sessions;
    a trainer whose low scores come only from sessions shared with a trainer already flagged
    is not flagged in turn (the data cannot tell them apart)."""
    likert = _group_likert(inputs, settings)
    found: list[Suggestion] = []
    for dimension in GROUP_DIMENSIONS:
        if dimension == "trainer":
            found += _trainers_below(inputs, settings, catalog, likert)
            continue
        for group in sorted(likert[dimension].dropna().astype(str).unique()):
            inside = (likert[dimension] == group).fillna(False).to_numpy(bool)
            rows = _below_themes(likert[inside], likert[~inside], settings)
            if rows:
                found.append(
                    _group_suggestion(
                        inputs,
                        settings,
                        catalog,
                        dimension,
                        group,
                        likert[inside],
                        likert[~inside],
                        rows,
                    )
                )
    return found


def _trainer_sessions(session_people: pd.DataFrame) -> dict[tuple[str, int], set[int]]:
    """(name, person id) of each trainer -> the sessions they taught."""
    trainers = session_people[session_people["role"] == "trainer"]
    sessions: dict[tuple[str, int], set[int]] = {}
    for row in trainers.itertuples(index=False):
        sessions.setdefault((str(row.name), int(row.person_id)), set()).add(int(row.session_id))
    return sessions


def _in_sessions(likert: pd.DataFrame, sessions: set[int]) -> np.ndarray:
    return likert["session_id"].isin(sessions).fillna(False).to_numpy(bool)


def _trainers_below(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog, likert: pd.DataFrame
) -> list[Suggestion]:
    sessions = _trainer_sessions(inputs.session_people)
    candidates = []
    for trainer, own in sessions.items():
        inside = _in_sessions(likert, own)
        rows = _below_themes(likert[inside], likert[~inside], settings)
        if rows:
            candidates.append((-max(row["gap"] for row in rows), trainer))
    found, flagged_sessions = [], set()
    for _gap, trainer in sorted(candidates):
        mine = likert[_in_sessions(likert, sessions[trainer] - flagged_sessions)]
        others = likert[~_in_sessions(likert, sessions[trainer])]
        rows = _below_themes(mine, others, settings)
        if rows:
            found.append(
                _group_suggestion(
                    inputs, settings, catalog, "trainer", trainer[0], mine, others, rows
                )
            )
            flagged_sessions |= sessions[trainer]
    return found
