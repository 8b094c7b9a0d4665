"""The grouping engine under every score table: integer codes, respondents, intervals.
The numbers behind the dashboard: pure functions, pandas in and pandas out.

Conventions:
- Scores use likert5 answers (1 to 5). `n` counts answers, `respondents` counts responses.
- A 95 % confidence interval is Student's t over the respondents' own means (answers of one
  respondent are not independent, so counting each answer as a new observation would make the
  interval look narrower than it is). With fewer than 2 respondents there is no interval.
- Small groups are protected: a row with fewer respondents than `small_group_min` keeps its
  counts but loses its results (`protected` is True, mean/top2/nps... are missing), so a
  trainer or a respondent cannot be singled out.
- Periods are Paris calendar days (the frames convert), bucketed by month ("M") or quarter
  ("Q").
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from analysis.frames.model import CAMPAIGN_COLUMNS

LIKERT_MIN, LIKERT_MAX = 1, 5


TOP2_MIN = 4  # "satisfied" and "very satisfied" (or agree / strongly agree)


LIKERT_ONLY = "analysis_likert_only"  # frame attribute: every row is a likert answer


SCORE_COLUMNS = ["n", "respondents", "mean", "top2", "ci_low", "ci_high", "protected"]


# Student's t, two-sided 95 %, for 1 to 30 degrees of freedom; beyond, a series in 1/df.
# fmt: off
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


# fmt: on
_Z95 = 1.959964


def t_critical_95(degrees_of_freedom: int) -> float:
    """The two-sided 95 % quantile of Student's t (exact to 3 decimals)."""
    if degrees_of_freedom < 1:
        return math.nan
    if degrees_of_freedom <= len(_T95):
        return _T95[degrees_of_freedom - 1]
    z, df = _Z95, degrees_of_freedom
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def _t_vector(degrees: np.ndarray) -> np.ndarray:
    return np.array([t_critical_95(int(value)) for value in degrees], dtype=float)


def rows_where(frame: pd.DataFrame, keep: pd.Series | np.ndarray) -> pd.DataFrame:
    """`frame[keep]`, without copying when every row is kept (metrics chain these filters)."""
    keep = np.asarray(keep, dtype=bool)
    return frame if keep.all() else frame[keep]


def likert_answers(answers: pd.DataFrame) -> pd.DataFrame:
    """The answers on the 1-5 scale. The result is marked, so that the many metrics computed
    from it do not filter a million rows again."""
    if answers.attrs.get(LIKERT_ONLY):
        return answers
    keep = (answers["type"] == "likert5") & answers["number"].between(LIKERT_MIN, LIKERT_MAX)
    chosen = rows_where(answers, keep.fillna(False))
    if chosen is answers:
        chosen = answers.copy(deep=False)  # never mark the caller's frame
    chosen.attrs[LIKERT_ONLY] = True
    return chosen


def nps_answers(answers: pd.DataFrame) -> pd.DataFrame:
    keep = (answers["type"] == "nps") & answers["number"].between(0, 10)
    return rows_where(answers, keep.fillna(False))


def empty_table(by: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=[*by, *columns])


def plain_keys(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Group columns back to plain values (categoricals would drag unused categories along)."""
    for column in by:
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(object)
    return frame


def protect(
    table: pd.DataFrame,
    *,
    small_group_min: int,
    count: str = "respondents",
    results: Sequence[str] = ("mean", "top2", "ci_low", "ci_high"),
) -> pd.DataFrame:
    """Blank the results of rows whose `count` is below the threshold."""
    table = table.copy()
    table["protected"] = (table[count] < small_group_min).astype(bool)
    for column in results:
        if column in table:
            table[column] = table[column].astype(float).mask(table["protected"])
    return table


def value_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1 = missing) and the sorted distinct values they point to; a
    categorical column already holds them."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64), values.cat.categories
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), pd.Index(uniques)


def group_rows(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """The group number of each row (-1 when a key is missing) and the groups' keys, sorted.

    Done with integer codes and bincount rather than a pandas groupby on several categorical
    columns: several times faster on a million rows, which keeps every dashboard metric under
    a second."""
    if not keys:
        return np.zeros(len(frame), dtype=np.int64), pd.DataFrame(index=range(1))
    combined = np.zeros(len(frame), dtype=np.int64)
    valid = np.ones(len(frame), dtype=bool)
    levels: list[pd.Index] = []
    for key in keys:
        codes, level = value_codes(frame[key])
        levels.append(level)
        valid &= codes >= 0
        combined = combined * max(len(level), 1) + np.maximum(codes, 0)
    size = math.prod(max(len(level), 1) for level in levels)
    if size <= 4_000_000:
        present = np.flatnonzero(np.bincount(combined[valid], minlength=size))
        lookup = np.full(size, -1, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        group = lookup[combined]
    else:
        codes, present = pd.factorize(combined[valid], sort=True)
        group = np.full(len(frame), -1, dtype=np.int64)
        group[valid] = codes
    group[~valid] = -1
    columns, remainder = {}, np.asarray(present, dtype=np.int64)
    for key, level in zip(reversed(keys), reversed(levels), strict=True):
        remainder, codes = np.divmod(remainder, max(len(level), 1))
        columns[key] = np.asarray(level.astype(object)).take(codes) if len(level) else []
    return group, pd.DataFrame({key: columns[key] for key in keys})


@dataclass(frozen=True)
class Respondents:
    """Per group and respondent: the group (`owner`), answers `n`, their `total`, how many were
    in the top two (`top`), and the respondent's own mean (`own`)."""

    groups: pd.DataFrame
    owner: np.ndarray
    n: np.ndarray
    total: np.ndarray
    top: np.ndarray

    @property
    def own(self) -> np.ndarray:
        return self.total / np.maximum(self.n, 1)


DENSE_GRID_MAX = 4_000_000  # integer grids up to this size are counted, not hashed


# Columns that vary from one answer to the next within a response; every other grouping column
# (audience, timing, session, programme, period...) is the same for all answers of a response.
ANSWER_LEVEL_KEYS = frozenset(
    {
        "theme",
        "question_id",
        "bank",
        "type",
        "scale",
        "question_fr",
        "question_en",
        "question_order",
        "value",
    }
)


# Columns that hold one value per response (all its answers share it), and those a `derive`
# function may compute from (the period comes from the response day).
RESPONSE_LEVEL_KEYS = frozenset(
    {
        "response_id",
        *CAMPAIGN_COLUMNS,
        "campaign_id",
        "survey_version_id",
        "submitted_on",
        "person_id",
        "anonymous",
        "period",
    }
)


DERIVED_FROM = ("submitted_on",)


def _distinct_pairs(group: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Number each distinct (group, other) pair; return the pair of each row and the group of
    each pair (dense counting when the grid is small, hashing otherwise)."""
    width = int(other.max(initial=0)) + 1
    combined = group * width + other
    size = (int(group.max(initial=-1)) + 1) * width
    if size <= DENSE_GRID_MAX:
        present = np.flatnonzero(np.bincount(combined, minlength=size))
        lookup = np.zeros(size, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        return lookup[combined], present // width
    pair, uniques = pd.factorize(combined)
    return pair, np.asarray(uniques, dtype=np.int64) // width


def compact_codes(values: np.ndarray) -> np.ndarray:
    """Non-negative integers renumbered 0..k-1 (counted when small, hashed otherwise)."""
    size = int(values.max(initial=-1)) + 1
    if size <= 2 * DENSE_GRID_MAX:
        present = np.bincount(values, minlength=size) > 0
        return (np.cumsum(present) - 1)[values]
    return pd.factorize(values)[0]


def _answer_level_codes(likert: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    combined = np.zeros(len(likert), dtype=np.int64)
    for key in keys:
        if key in ANSWER_LEVEL_KEYS:
            codes, level = value_codes(likert[key])
            combined = combined * max(len(level), 1) + np.maximum(codes, 0)
    return combined


def respondent_pairs(
    likert: pd.DataFrame, keys: Sequence[str], group: np.ndarray, valid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The (group, respondent) pair of each valid row and the group of each pair.

    A group is a function of the response and of the answer-level keys (theme, question...),
    so pairs are numbered on the small (response x answer-level) grid, without hashing; if a
    key turns out to vary within a response, the general (group x response) numbering is
    used instead."""
    responses = value_codes(likert["response_id"])[0][valid]
    group = group[valid]
    inner = _answer_level_codes(likert, keys)[valid]
    if (int(responses.max(initial=0)) + 1) * (int(inner.max(initial=0)) + 1) <= DENSE_GRID_MAX:
        pair, _response = _distinct_pairs(responses, inner)
        owner = np.zeros(int(pair.max(initial=-1)) + 1, dtype=np.int64)
        owner[pair] = group
        if np.array_equal(owner[pair], group):
            return pair, owner
    return _distinct_pairs(group, responses)


@dataclass(frozen=True)
class _PairBase:
    """Each respondent's answers summed per theme (or over all themes): computed once per
    likert frame and shared by every score table grouped by response-level columns."""

    first_row: np.ndarray  # one row of each (response[, theme]) pair, to read its columns
    n: np.ndarray
    total: np.ndarray
    top: np.ndarray


_PAIR_BASES: dict[tuple[int, bool], tuple[weakref.ref, _PairBase]] = {}


def pair_base(likert: pd.DataFrame, by_theme: bool) -> _PairBase:
    key = (id(likert), by_theme)
    cached = _PAIR_BASES.get(key)
    if cached is not None and cached[0]() is likert:
        return cached[1]
    responses = value_codes(likert["response_id"])[0]
    themes = value_codes(likert["theme"])[0] + 1 if by_theme else np.zeros(len(likert), np.int64)
    pair, _response = _distinct_pairs(responses, themes)
    count = int(pair.max(initial=-1)) + 1
    first_row = np.zeros(count, dtype=np.int64)
    first_row[pair[::-1]] = np.arange(len(pair))[::-1]
    numbers = likert["number"].to_numpy(float)
    base = _PairBase(
        first_row=first_row,
        n=np.bincount(pair, minlength=count).astype(float),
        total=np.bincount(pair, weights=numbers, minlength=count),
        top=np.bincount(pair, weights=numbers >= TOP2_MIN, minlength=count),
    )
    forget = partial(_PAIR_BASES.pop, key, None)
    _PAIR_BASES[key] = (weakref.ref(likert, lambda _gone: forget()), base)
    return base


def respondents_per_group(
    likert: pd.DataFrame,
    keys: Sequence[str],
    derive: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> Respondents:
    """Respondents per group of `keys`. Groups of response-level columns (and theme) start
    from the shared per-respondent sums; `derive` adds response-level columns (e.g. the
    period) to one row of each respondent before grouping."""
    answer_level = {key for key in keys if key not in RESPONSE_LEVEL_KEYS}
    if answer_level <= {"theme"}:
        base = pair_base(likert, by_theme=bool(answer_level))
        present = [key for key in dict.fromkeys([*keys, *DERIVED_FROM]) if key in likert]
        rows = likert[present].take(base.first_row)
        group, groups = group_rows(derive(rows) if derive else rows, keys)
        valid = group >= 0
        return Respondents(groups, group[valid], base.n[valid], base.total[valid], base.top[valid])
    group, groups = group_rows(likert, keys)
    valid = group >= 0
    pair, owner = respondent_pairs(likert, keys, group, valid)
    numbers = likert["number"].to_numpy(float)[valid]
    count = len(owner)
    return Respondents(
        groups=groups,
        owner=owner,
        n=np.bincount(pair, minlength=count).astype(float),
        total=np.bincount(pair, weights=numbers, minlength=count),
        top=np.bincount(pair, weights=numbers >= TOP2_MIN, minlength=count),
    )


def protect_complement(
    table: pd.DataFrame,
    within: Sequence[str],
    *,
    small_group_min: int,
    results: Sequence[str] = ("mean", "top2", "ci_low", "ci_high"),
) -> pd.DataFrame:
    """Secondary suppression for a table whose rows split a whole (programmes, sessions...):
    when the hidden rows of one `within` group hold between 1 and `small_group_min` - 1
    respondents, the whole minus the rows shown would give them away, so the smallest rows
    shown are hidden too until the hidden ones hold enough."""
    table = table.copy()
    if table.empty or "protected" not in table:
        return table
    # Within each group, the rows shown are taken smallest first (a stable sort), each while
    # the hidden rows before it hold 1 to small_group_min - 1 respondents: vectorised.
    rows = table.sort_values("respondents", kind="stable")
    hidden_rows = rows["protected"].astype(bool)
    keys = [rows[column] for column in within] or np.zeros(len(rows), dtype=int)

    def per_group(values: pd.Series) -> Any:
        return values.groupby(keys, observed=True, dropna=False, sort=False)

    hidden = per_group(rows["respondents"].where(hidden_rows, 0)).transform("sum")
    shown = rows["respondents"].where(~hidden_rows, 0)
    before = hidden + per_group(shown).cumsum() - shown  # hidden when the row's turn comes
    newly = ~hidden_rows & (hidden > 0) & (before < small_group_min)
    table.loc[newly[newly].index, "protected"] = True
    for column in results:
        if column in table:
            table[column] = table[column].astype(float).mask(table["protected"].astype(bool))
    return table


def score_arrays(people: Respondents) -> dict[str, np.ndarray]:
    """n, respondents, mean, top-2 share and 95 % CI of every group, as arrays aligned on
    `people.groups` (empty groups included, nothing protected yet): what `score_rows` lays
    out, for callers that compare many groups and cannot pay a table each."""
    group, count = people.owner, len(people.groups)
    own = people.own
    respondents = np.bincount(group, minlength=count)
    n = np.bincount(group, weights=people.n, minlength=count)
    own_mean = np.bincount(group, weights=own, minlength=count) / np.maximum(respondents, 1)
    squares = np.bincount(group, weights=(own - own_mean[group]) ** 2, minlength=count)
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.sqrt(squares / (respondents - 1))
        mean = np.bincount(group, weights=people.total, minlength=count) / n
        half = _t_vector(respondents - 1) * spread / np.sqrt(respondents)
        top2 = np.bincount(group, weights=people.top, minlength=count) / n
    return {
        "n": n.astype(np.int64),
        "respondents": respondents.astype(np.int64),
        "mean": mean,
        "top2": top2,
        "ci_low": np.clip(mean - half, LIKERT_MIN, None),
        "ci_high": np.clip(mean + half, None, LIKERT_MAX),
    }


def score_rows(people: Respondents, keys: Sequence[str], *, small_group_min: int) -> pd.DataFrame:
    table = people.groups.assign(**score_arrays(people))
    table = table[table["n"] > 0].reset_index(drop=True)
    return protect(table, small_group_min=small_group_min)[[*keys, *SCORE_COLUMNS]]
