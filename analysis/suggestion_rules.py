"""The suggestion rules: one small pure function per situation worth acting on.

Each rule takes `(inputs, settings, catalog)` and returns suggestions whose every figure is
computed here from the frames (never typed in), with the number of answers behind it, the
period, the groups compared and a few real comments. Groups under the small-group minimum are
never compared or named. `RULES` lists them in the order their suggestions are shown.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from analysis.action_catalog import ActionCatalog
from analysis.metrics import (
    coverage,
    coverage_alerts,
    hot_cold,
    likert_answers,
    period_labels,
    response_rates,
    score_table,
)
from analysis.suggestions import (
    STAKEHOLDER_ORDER,
    Evidence,
    Rule,
    RuleInputs,
    Suggestion,
    SuggestionSettings,
    plain_value,
)
from analysis.text import recurring_terms, theme_mentions, verbatims

GROUP_DIMENSIONS = ("programme", "trainer", "modality")


# -- Small computations shared by the rules ------------------------------------------------------


def _mean(likert: pd.DataFrame) -> float:
    return float(likert["number"].mean()) if len(likert) else float("nan")


def _audiences(frame: pd.DataFrame, column: str = "audience") -> list[str]:
    present = set(frame[column].dropna().astype(str)) if column in frame else set()
    return [audience for audience in STAKEHOLDER_ORDER if audience in present]


def _quotes(
    inputs: RuleInputs,
    settings: SuggestionSettings,
    *,
    theme: str | None = None,
    complaint: bool | None = True,
    where: pd.Series | None = None,
) -> tuple[str, ...]:
    comments = inputs.comments
    if where is not None and len(comments):
        comments = comments[where.to_numpy(bool)]
    return tuple(verbatims(comments, theme=theme, complaint=complaint, limit=settings.verbatims))


def _comments_of(inputs: RuleInputs, column: str, value: Any) -> pd.Series:
    comments = inputs.comments
    if column not in comments or comments.empty:
        return pd.Series(False, index=comments.index)
    return (comments[column].astype(object) == value).fillna(False)


def _comments_in_sessions(inputs: RuleInputs, sessions: set[int]) -> pd.Series:
    comments = inputs.comments
    if "session_id" not in comments or comments.empty:
        return pd.Series(False, index=comments.index)
    return comments["session_id"].isin(sessions).fillna(False).astype(bool)


# -- Rules ---------------------------------------------------------------------------------------


def rule_theme_low(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """A theme scoring low: under the absolute threshold, or clearly below the audience's other
    themes (by `theme_gap`, and with its confidence interval entirely under them)."""
    likert = likert_answers(inputs.answers)
    found = []
    for audience in _audiences(likert):
        mine = likert[(likert["audience"] == audience).to_numpy(bool)]
        table = score_table(mine, ["theme"], small_group_min=settings.small_group_min)
        for row in (
            table[~table["protected"].astype(bool)]
            .sort_values(["mean", "theme"])
            .itertuples(index=False)
        ):
            others = mine[(mine["theme"] != row.theme).to_numpy(bool)]
            if others.empty:
                continue
            others_mean = _mean(others)
            absolute = row.mean < settings.theme_low_mean
            relative = others_mean - row.mean >= settings.theme_gap and row.ci_high < others_mean
            if not (absolute or relative):
                continue
            found.append(
                _theme_low(inputs, settings, catalog, audience, row, others, absolute and relative)
            )
    return found


def _theme_low(
    inputs: RuleInputs,
    settings: SuggestionSettings,
    catalog: ActionCatalog,
    audience: str,
    row: Any,
    others: pd.DataFrame,
    both: bool,
) -> Suggestion:
    theme = str(row.theme)
    others_mean = _mean(others)
    figures = {
        "mean": row.mean,
        "respondents": row.respondents,
        "top2": row.top2,
        "ci_low": row.ci_low,
        "ci_high": row.ci_high,
        "others_mean": others_mean,
        "others_n": len(others),
        "gap": others_mean - row.mean,
        "threshold": settings.theme_low_mean,
    }
    figures = {key: plain_value(value) for key, value in figures.items()}
    audience_quotes = _comments_of(inputs, "audience", audience)
    return Suggestion(
        rule="theme_low",
        subject=f"{audience}:{theme}",
        theme=theme,
        severity="high" if both else "medium",
        params={
            "audience": audience,
            "theme": theme,
            "mean": row.mean,
            "n": int(row.n),
            "respondents": int(row.respondents),
            "top2": row.top2,
            "others_mean": others_mean,
            "gap": others_mean - row.mean,
            "threshold": settings.theme_low_mean,
            "start": inputs.start,
            "end": inputs.end,
        },
        evidence=Evidence(
            inputs.start,
            inputs.end,
            int(row.n),
            figures,
            groups=(theme, "other themes"),
            verbatims=_quotes(inputs, settings, theme=theme, where=audience_quotes),
        ),
        indicators=(30, 31, 32) if theme == "technical_support" else (30, 32),
        actions=catalog.recommend([theme, "complaints"], limit=settings.actions),
    )


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
    figures = {
        key: plain_value(value)
        for key, value in {
            "hot_mean": row.hot_mean,
            "cold_mean": row.cold_mean,
            "delta": row.delta,
            "pairs": row.n,
            "hot_respondents": row.hot_respondents,
            "cold_respondents": row.cold_respondents,
            "others_delta": others_delta,
        }.items()
    }
    cold = _comments_of(inputs, "programme", programme) & _comments_of(inputs, "timing", "cold")
    quotes = _quotes(inputs, settings, theme="transfer_to_work", complaint=None, where=cold)
    quotes = quotes or _quotes(inputs, settings, where=cold)
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
        figures = {
            key: plain_value(value)
            for key, value in {
                "rate": row.rate,
                "invited": row.invited,
                "answered": row.answered,
                "reminded": row.reminded,
                "campaigns": row.campaigns,
                "reminded_share": row.reminded / row.invited,
                "others_rate": others_rate,
                "threshold": settings.low_response_rate,
            }.items()
        }
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


def _decline(likert: pd.DataFrame, settings: SuggestionSettings) -> dict[str, Any] | None:
    """Last period against the `trend_baseline_periods` before it (unprotected periods only);
    a decline when the drop reaches `trend_drop` and the last period's confidence interval
    lies entirely under the baseline."""
    labelled = likert.assign(period=period_labels(likert["submitted_on"], settings.trend_freq))
    table = score_table(labelled, ["period"], small_group_min=settings.small_group_min)
    table = table[~table["protected"].astype(bool)].sort_values("period")
    if len(table) < settings.trend_baseline_periods + 1:
        return None
    last = table.iloc[-1]
    baseline_periods = list(table["period"].iloc[-1 - settings.trend_baseline_periods : -1])
    baseline = labelled[labelled["period"].isin(baseline_periods).to_numpy(bool)]
    baseline_mean = _mean(baseline)
    drop = baseline_mean - float(last["mean"])
    if drop < settings.trend_drop or not float(last["ci_high"]) < baseline_mean:
        return None
    return {
        "last_period": str(last["period"]),
        "last_mean": float(last["mean"]),
        "last_n": int(last["n"]),
        "last_respondents": int(last["respondents"]),
        "baseline_periods": baseline_periods,
        "baseline_mean": baseline_mean,
        "baseline_n": len(baseline),
        "drop": drop,
    }


def rule_declining_trend(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """An audience (or one of its themes) whose last period scores clearly below the periods
    before it."""
    likert = likert_answers(inputs.answers)
    found = []
    for audience in _audiences(likert):
        mine = likert[(likert["audience"] == audience).to_numpy(bool)]
        groups = [("", mine)] + [
            (str(theme), mine[(mine["theme"] == theme).to_numpy(bool)])
            for theme in sorted(mine["theme"].dropna().astype(str).unique())
        ]
        for theme, part in groups:
            decline = _decline(part, settings)
            if decline is None:
                continue
            figures = {
                key: plain_value(value) if not isinstance(value, list) else value
                for key, value in decline.items()
            }
            found.append(
                Suggestion(
                    rule="declining_trend",
                    subject=f"{audience}:{theme or 'all'}",
                    theme=theme,
                    text_key="declining_theme" if theme else "declining_trend",
                    severity="medium",
                    params={"audience": audience, "theme": theme, **decline},
                    evidence=Evidence(
                        inputs.start,
                        inputs.end,
                        decline["last_n"] + decline["baseline_n"],
                        figures,
                        groups=(decline["last_period"], *decline["baseline_periods"]),
                    ),
                    indicators=(30, 32),
                    actions=catalog.recommend(
                        [theme, "programme"] if theme else ["programme"], limit=settings.actions
                    ),
                )
            )
    return found


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
    figures = {
        key: plain_value(value)
        for key, value in {
            "mean": _mean(below_mine),
            "n": len(below_mine),
            "respondents": respondents,
            "others_mean": _mean(below_others),
            "others_n": len(below_others),
            "gap": _mean(below_others) - _mean(below_mine),
            "themes_below": len(rows),
        }.items()
    }
    where = _comments_in_sessions(inputs, set(mine["session_id"].dropna()))
    quotes = tuple(
        quote
        for theme in themes[:2]
        for quote in _quotes(inputs, settings, theme=theme, where=where)
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


def rule_register(
    inputs: RuleInputs, settings: SuggestionSettings, catalog: ActionCatalog
) -> list[Suggestion]:
    """From the complaints register: a theme with `incidents_min` entries or more in the
    period, and complaints left without acknowledgement for more than `acknowledge_days`."""
    from surveys.improvement.complaints import complaint_statistics

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


RULES: tuple[tuple[str, Rule], ...] = (
    ("not_solicited", rule_not_solicited),
    ("theme_low", rule_theme_low),
    ("hot_cold_drop", rule_hot_cold_drop),
    ("group_below", rule_group_below),
    ("text_recurring", rule_text_recurring),
    ("register", rule_register),
    ("low_response_rate", rule_low_response_rate),
    ("declining_trend", rule_declining_trend),
)
