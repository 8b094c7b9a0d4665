"""A programme, trainer or modality scoring clearly below the others on some themes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analysis.action_catalog import ActionCatalog
from analysis.metrics import likert_answers
from analysis.metrics.engine import Respondents, group_rows, pair_base, score_arrays
from analysis.suggestions.model import Evidence, RuleInputs, Suggestion, SuggestionSettings
from analysis.suggestions.rules.common import comments_in_sessions, likert_mean, quote_comments
from analysis.suggestions.wording import plain_figures, plain_value

GROUP_DIMENSIONS = ("programme", "trainer", "modality")
PAIR_COLUMNS = ("programme", "modality", "session_id")  # all response-level


def _group_likert(inputs: RuleInputs, settings: SuggestionSettings) -> pd.DataFrame:
    likert = likert_answers(inputs.answers)
    keep = (likert["audience"] == settings.group_audience) & (
        likert["timing"] == settings.group_timing
    )
    return likert[keep.to_numpy(bool)]


class ThemePairs:
    """Each (respondent, theme) pair of the compared answers once, with the response-level
    columns a group is told by (programme, modality, session). A group and the others are
    then masks over these pairs, not copies of the answers: at the large scale (485 trainers
    and programmes over 500,000 answers) copying the answers twice per group took 30 s."""

    def __init__(self, likert: pd.DataFrame) -> None:
        base = pair_base(likert, by_theme=True)
        rows = likert[["theme", *PAIR_COLUMNS]].take(base.first_row)
        group, self.themes = group_rows(rows, ["theme"])
        valid = group >= 0
        self.rows = rows[valid].reset_index(drop=True)
        self.owner, self.n = group[valid], base.n[valid]
        self.total, self.top = base.total[valid], base.top[valid]
        self.everyone = self._sums(np.arange(len(self.owner)))

    def people(self, keep: np.ndarray) -> Respondents:
        chosen = np.flatnonzero(keep)
        return Respondents(
            self.themes, self.owner[chosen], self.n[chosen], self.total[chosen], self.top[chosen]
        )

    def _sums(self, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        owner, count = self.owner[chosen], len(self.themes)
        return (
            np.bincount(owner, minlength=count),
            np.bincount(owner, weights=self.n[chosen], minlength=count),
            np.bincount(owner, weights=self.total[chosen], minlength=count),
        )

    def outside(self, inside: np.ndarray) -> dict[str, np.ndarray]:
        """Respondents, answers and mean per theme of the pairs not `inside`, as everyone's
        sums minus the inside's: answers are whole numbers, so the difference is exact."""
        parts = self._sums(np.flatnonzero(inside))
        respondents, n, total = (
            whole - part for whole, part in zip(self.everyone, parts, strict=True)
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            return {"respondents": respondents, "n": n.astype(np.int64), "mean": total / n}

    def where(self, column: str, values: set[Any] | str) -> np.ndarray:
        series = self.rows[column]
        found = series.isin(values) if isinstance(values, set) else series == values
        return found.fillna(False).to_numpy(bool)


def _below_themes(
    pairs: ThemePairs, mine: np.ndarray, inside: np.ndarray, settings: SuggestionSettings
) -> list[dict[str, Any]]:
    """The themes on which the pairs `mine` score at least `group_gap` under the others (the
    pairs not `inside`), with its confidence interval entirely under them; only groups with
    enough respondents on both sides (the small-group rule)."""
    sgm = settings.small_group_min
    if np.count_nonzero(mine) < sgm:  # no theme can reach the threshold (a trainer of no
        return []  # session in the period, say): nothing to score
    own, rest = score_arrays(pairs.people(mine)), pairs.outside(inside)
    gap = rest["mean"] - own["mean"]
    with np.errstate(invalid="ignore"):
        keep = (
            (own["respondents"] >= sgm)
            & (rest["respondents"] >= sgm)
            & (gap >= settings.group_gap)
            & (own["ci_high"] < rest["mean"])
        )
    themes = [str(theme) for theme in pairs.themes["theme"]]
    order = sorted(np.flatnonzero(keep), key=lambda index: (-gap[index], themes[index]))
    return [
        {
            "theme": themes[index],
            "mean": plain_value(own["mean"][index]),
            "n": int(own["n"][index]),
            "respondents": int(own["respondents"][index]),
            "others_mean": plain_value(rest["mean"][index]),
            "others_n": int(rest["n"][index]),
            "gap": plain_value(gap[index]),
        }
        for index in order
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
    if likert.empty:
        return []
    pairs = ThemePairs(likert)
    found: list[Suggestion] = []
    for dimension in GROUP_DIMENSIONS:
        if dimension == "trainer":
            found += _trainers_below(inputs, settings, catalog, likert, pairs)
            continue
        for group in sorted(likert[dimension].dropna().astype(str).unique()):
            inside = pairs.where(dimension, group)
            rows = _below_themes(pairs, inside, inside, settings)
            if rows:
                chosen = (likert[dimension] == group).fillna(False).to_numpy(bool)
                mine, others = likert[chosen], likert[~chosen]
                found.append(
                    _group_suggestion(
                        inputs, settings, catalog, dimension, group, mine, others, rows
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
    inputs: RuleInputs,
    settings: SuggestionSettings,
    catalog: ActionCatalog,
    likert: pd.DataFrame,
    pairs: ThemePairs,
) -> list[Suggestion]:
    sessions = _trainer_sessions(inputs.session_people)
    candidates = []
    for trainer, own in sessions.items():
        inside = pairs.where("session_id", own)
        rows = _below_themes(pairs, inside, inside, settings)
        if rows:
            candidates.append((-max(row["gap"] for row in rows), trainer))
    found, flagged_sessions = [], set()
    for _gap, trainer in sorted(candidates):
        mine = pairs.where("session_id", sessions[trainer] - flagged_sessions)
        inside = pairs.where("session_id", sessions[trainer])
        rows = _below_themes(pairs, mine, inside, settings)
        if rows:
            own = likert[_in_sessions(likert, sessions[trainer] - flagged_sessions)]
            rest = likert[~_in_sessions(likert, sessions[trainer])]
            found.append(
                _group_suggestion(inputs, settings, catalog, "trainer", trainer[0], own, rest, rows)
            )
            flagged_sessions |= sessions[trainer]
    return found
