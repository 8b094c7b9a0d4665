"""Scores per programme, session, trainer, modality or financer; indicator 30 coverage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd

from analysis.metrics.engine import (
    SCORE_COLUMNS,
    Respondents,
    empty_table,
    group_rows,
    likert_answers,
    protect_complement,
    respondents_per_group,
    score_rows,
)
from analysis.metrics.scores import score_table
from question_banks.schema import AUDIENCES

FINANCER_MAX_MONTHS = 12

STAKEHOLDER_TYPES = AUDIENCES  # the one order: question_banks.schema.Audience


BREAKDOWN_DIMENSIONS = ("programme", "session", "trainer", "modality", "financer")


def session_links(session_people: pd.DataFrame, role: str) -> pd.DataFrame:
    """session_id -> `<role>` (the name, or the organisation for a financer) and `<role>_id`."""
    people = session_people[session_people["role"] == role]
    label = people["organisation"] if role == "financer" else people["name"]
    key = people["organisation"] if role == "financer" else people["person_id"]
    links = pd.DataFrame(
        {
            "session_id": people["session_id"].astype("Int64"),
            role: label.astype(object),
            f"{role}_id": key.astype(object),
        }
    )
    return links.drop_duplicates(["session_id", f"{role}_id"]).reset_index(drop=True)


def _regroup(people: Respondents, links: pd.DataFrame, keys: list[str]) -> Respondents:
    """Respondents of session groups handed to every trainer (financer) of the session: each
    respondent is repeated once per link of its group's session."""
    sources = people.groups.reset_index(names="source").merge(links, on="session_id")
    group, groups = group_rows(sources, keys)
    sources = sources.assign(target=group).sort_values("source", kind="stable")
    per_source = np.bincount(sources["source"], minlength=len(people.groups))
    starts = np.cumsum(per_source) - per_source
    repeats = per_source[people.owner]
    pair = np.repeat(np.arange(len(people.owner)), repeats)
    offset = np.arange(len(pair)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    target = sources["target"].to_numpy()[starts[people.owner[pair]] + offset]
    return Respondents(
        groups=groups,
        owner=target,
        n=people.n[pair],
        total=people.total[pair],
        top=people.top[pair],
    )


def breakdown(
    answers: pd.DataFrame,
    dimension: str,
    *,
    session_people: pd.DataFrame,
    small_group_min: int,
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """Scores per programme, session, trainer, modality or financer (and `by`). An answer
    counts for every trainer (financer) of its session: respondents are first counted per
    session, then each session's respondents go to each of its trainers."""
    if dimension not in BREAKDOWN_DIMENSIONS:
        raise ValueError(f"unknown breakdown dimension {dimension!r}")
    by = list(by)
    likert = likert_answers(answers)
    if dimension not in ("trainer", "financer"):
        # these split the answers: a lone hidden row would be "total minus the others"
        table = score_table(likert, [dimension, *by], small_group_min=small_group_min)
        return protect_complement(table, by, small_group_min=small_group_min)
    keys = [dimension, f"{dimension}_id", *by]
    if likert.empty:
        return empty_table(keys, SCORE_COLUMNS)
    people = respondents_per_group(likert, ["session_id", *by])
    people.groups["session_id"] = people.groups["session_id"].astype("Int64")
    regrouped = _regroup(people, session_links(session_people, dimension), keys)
    if not len(regrouped.groups):
        return empty_table(keys, SCORE_COLUMNS)
    return score_rows(regrouped, keys, small_group_min=small_group_min)


def _window(solicitations: pd.DataFrame, start: date | None, end: date | None) -> pd.Series:
    days = solicitations["solicited_on"]
    keep = pd.Series(True, index=solicitations.index)
    if start is not None:
        keep &= days >= pd.Timestamp(start)
    if end is not None:
        keep &= days <= pd.Timestamp(end)
    return keep.fillna(False)


def _coverage_rows(
    solicitations: pd.DataFrame, in_period: pd.Series, key: str, values: Sequence[str]
) -> pd.DataFrame:
    rows = []
    for value in values:
        mine = solicitations[key] == value
        answered_days = solicitations.loc[mine & (solicitations["answered"] > 0), "answered_on"]
        rows.append(
            {
                "last_solicited": solicitations.loc[mine, "solicited_on"].max(),
                "last_answered": answered_days.max(),
                "solicited": int(solicitations.loc[mine & in_period, "solicited"].sum()),
                "answered": int(solicitations.loc[mine & in_period, "answered"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=["last_solicited", "last_answered", "solicited", "answered"])


def coverage(
    solicitations: pd.DataFrame,
    financers: pd.DataFrame,
    *,
    now: datetime | date,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """For each stakeholder type, then each financer: when last solicited and answered (up to
    `now`), and how many solicitations and answers fall in the period."""
    today = pd.Timestamp(now.date() if isinstance(now, datetime) else now)
    past = solicitations[solicitations["solicited_on"] <= today].reset_index(drop=True)
    in_period = _window(past, start, end)
    types = _coverage_rows(past, in_period, "stakeholder_type", STAKEHOLDER_TYPES)
    types.insert(0, "financer", None)
    types.insert(0, "stakeholder_type", list(STAKEHOLDER_TYPES))
    funded = past[past["stakeholder_type"] == "financer"]
    names = sorted(set(financers["organisation"].dropna()) | set(funded["organisation"]) - {""})
    per_financer = _coverage_rows(
        funded.reset_index(drop=True),
        in_period[past["stakeholder_type"] == "financer"].reset_index(drop=True),
        "organisation",
        names,
    )
    per_financer.insert(0, "financer", names)
    per_financer.insert(0, "stakeholder_type", "financer")
    return pd.concat([types, per_financer], ignore_index=True)


def coverage_alerts(
    matrix: pd.DataFrame, *, now: datetime | date, financer_max_months: int = FINANCER_MAX_MONTHS
) -> pd.DataFrame:
    """Indicator 30 gaps: a stakeholder type never solicited in the period; a financer never
    solicited, or not for `financer_max_months` months."""
    today = pd.Timestamp(now.date() if isinstance(now, datetime) else now)
    limit = today - pd.DateOffset(months=financer_max_months)
    alerts = []
    for row in matrix.itertuples(index=False):
        is_type = pd.isna(row.financer)  # a stakeholder type's row, not one financer's
        if is_type and row.solicited == 0:
            alerts.append(("type_not_solicited", row.stakeholder_type, None, row.last_solicited))
        elif not is_type and pd.isna(row.last_solicited):
            alerts.append(("financer_never_solicited", "financer", row.financer, pd.NaT))
        elif not is_type and row.last_solicited < limit:
            alerts.append(("financer_overdue", "financer", row.financer, row.last_solicited))
    return pd.DataFrame(alerts, columns=["kind", "stakeholder_type", "financer", "last_solicited"])
