"""The numbers behind the dashboard: pure functions, pandas in and pandas out.

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
from datetime import date, datetime
from functools import partial

import numpy as np
import pandas as pd

from question_banks.catalog import fold

LIKERT_MIN, LIKERT_MAX = 1, 5
TOP2_MIN = 4  # "satisfied" and "very satisfied" (or agree / strongly agree)
NPS_PROMOTER_MIN, NPS_DETRACTOR_MAX = 9, 6
FINANCER_MAX_MONTHS = 12
LIKERT_ONLY = "analysis_likert_only"  # frame attribute: every row is a likert answer
STAKEHOLDER_TYPES = ("learner", "financer", "trainer", "company")
SCORE_COLUMNS = ["n", "respondents", "mean", "top2", "ci_low", "ci_high", "protected"]
NPS_COLUMNS = ["n", "respondents", "promoters", "passives", "detractors", "nps", "protected"]
HOT_COLD_COLUMNS = [
    "n",
    "hot_respondents",
    "cold_respondents",
    "hot_mean",
    "cold_mean",
    "delta",
    "protected",
]
RATE_COLUMNS = ["campaigns", "invited", "reminded", "answered", "rate"]
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


def _rows(frame: pd.DataFrame, keep: pd.Series | np.ndarray) -> pd.DataFrame:
    """`frame[keep]`, without copying when every row is kept (metrics chain these filters)."""
    keep = np.asarray(keep, dtype=bool)
    return frame if keep.all() else frame[keep]


def likert_answers(answers: pd.DataFrame) -> pd.DataFrame:
    """The answers on the 1-5 scale. The result is marked, so that the many metrics computed
    from it do not filter a million rows again."""
    if answers.attrs.get(LIKERT_ONLY):
        return answers
    keep = (answers["type"] == "likert5") & answers["number"].between(LIKERT_MIN, LIKERT_MAX)
    chosen = _rows(answers, keep.fillna(False))
    if chosen is answers:
        chosen = answers.copy(deep=False)  # never mark the caller's frame
    chosen.attrs[LIKERT_ONLY] = True
    return chosen


def nps_answers(answers: pd.DataFrame) -> pd.DataFrame:
    keep = (answers["type"] == "nps") & answers["number"].between(0, 10)
    return _rows(answers, keep.fillna(False))


def _empty(by: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=[*by, *columns])


def _plain(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
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


def _codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
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
        codes, level = _codes(frame[key])
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
class _Respondents:
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
        "audience",
        "timing",
        "session_id",
        "session",
        "programme",
        "programme_name",
        "modality",
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


def _compact(values: np.ndarray) -> np.ndarray:
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
            codes, level = _codes(likert[key])
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
    responses = _codes(likert["response_id"])[0][valid]
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


def _pair_base(likert: pd.DataFrame, by_theme: bool) -> _PairBase:
    key = (id(likert), by_theme)
    cached = _PAIR_BASES.get(key)
    if cached is not None and cached[0]() is likert:
        return cached[1]
    responses = _codes(likert["response_id"])[0]
    themes = _codes(likert["theme"])[0] + 1 if by_theme else np.zeros(len(likert), np.int64)
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


def _respondents(
    likert: pd.DataFrame,
    keys: Sequence[str],
    derive: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> _Respondents:
    """Respondents per group of `keys`. Groups of response-level columns (and theme) start
    from the shared per-respondent sums; `derive` adds response-level columns (e.g. the
    period) to one row of each respondent before grouping."""
    answer_level = {key for key in keys if key not in RESPONSE_LEVEL_KEYS}
    if answer_level <= {"theme"}:
        base = _pair_base(likert, by_theme=bool(answer_level))
        present = [key for key in dict.fromkeys([*keys, *DERIVED_FROM]) if key in likert]
        rows = likert[present].take(base.first_row)
        group, groups = group_rows(derive(rows) if derive else rows, keys)
        valid = group >= 0
        return _Respondents(groups, group[valid], base.n[valid], base.total[valid], base.top[valid])
    group, groups = group_rows(likert, keys)
    valid = group >= 0
    pair, owner = respondent_pairs(likert, keys, group, valid)
    numbers = likert["number"].to_numpy(float)[valid]
    count = len(owner)
    return _Respondents(
        groups=groups,
        owner=owner,
        n=np.bincount(pair, minlength=count).astype(float),
        total=np.bincount(pair, weights=numbers, minlength=count),
        top=np.bincount(pair, weights=numbers >= TOP2_MIN, minlength=count),
    )


def respondent_table(likert: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """The respondents of `_respondents` as a frame: `keys`, `n`, `total`, `top`."""
    people = _respondents(likert, keys)
    table = people.groups.take(people.owner).reset_index(drop=True)
    return table.assign(n=people.n, total=people.total, top=people.top)


def _scores(people: _Respondents, keys: Sequence[str], *, small_group_min: int) -> pd.DataFrame:
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
    table = people.groups.assign(
        n=n.astype(np.int64),
        respondents=respondents.astype(np.int64),
        mean=mean,
        top2=top2,
        ci_low=np.clip(mean - half, LIKERT_MIN, None),
        ci_high=np.clip(mean + half, None, LIKERT_MAX),
    )
    table = table[table["n"] > 0].reset_index(drop=True)
    return protect(table, small_group_min=small_group_min)[[*keys, *SCORE_COLUMNS]]


def summarise_scores(
    respondents: pd.DataFrame, keys: Sequence[str], *, small_group_min: int
) -> pd.DataFrame:
    """The score table of a `respondent_table` regrouped by `keys`."""
    keys = list(keys)
    if respondents.empty:
        return _empty(keys, SCORE_COLUMNS)
    group, groups = group_rows(respondents, keys)
    valid = group >= 0
    people = _Respondents(
        groups=groups,
        owner=group[valid],
        **{column: respondents[column].to_numpy(float)[valid] for column in ("n", "total", "top")},
    )
    return _scores(people, keys, small_group_min=small_group_min)


def score_table(answers: pd.DataFrame, by: Sequence[str], *, small_group_min: int) -> pd.DataFrame:
    """n, respondents, mean (1-5), top-2 share, 95 % CI per group of likert answers."""
    likert = likert_answers(answers)
    if likert.empty:
        return _empty(list(by), SCORE_COLUMNS)
    return _scores(_respondents(likert, by), list(by), small_group_min=small_group_min)


def theme_scores(
    answers: pd.DataFrame, *, small_group_min: int, by: Sequence[str] = ("audience", "timing")
) -> pd.DataFrame:
    return score_table(answers, [*by, "theme"], small_group_min=small_group_min)


def question_scores(
    answers: pd.DataFrame, *, small_group_min: int, by: Sequence[str] = ("audience", "timing")
) -> pd.DataFrame:
    keys = [*by, "theme", "question_id"]
    table = score_table(answers, keys, small_group_min=small_group_min)
    codes, _ = _codes(answers["question_id"])
    first = np.full(int(codes.max(initial=-1)) + 2, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # each question's first answer
    wording = answers[["question_id", "question_fr", "question_en"]].iloc[first[first >= 0]]
    wording = _plain(wording.copy(), ["question_id", "question_fr", "question_en"])
    return table.merge(wording.drop_duplicates("question_id"), on="question_id", how="left")


def nps(
    answers: pd.DataFrame, *, small_group_min: int, by: Sequence[str] = ("audience", "timing")
) -> pd.DataFrame:
    """Net promoter score: % promoters (9-10) minus % detractors (0-6), from -100 to 100."""
    by = list(by)
    scores = nps_answers(answers)
    if scores.empty:
        return _empty(by, NPS_COLUMNS)
    work = scores[[*by, "response_id"]].assign(
        promoter=scores["number"] >= NPS_PROMOTER_MIN,
        detractor=scores["number"] <= NPS_DETRACTOR_MAX,
    )
    grouped = work.groupby(by, observed=True) if by else work.groupby(np.zeros(len(work)))
    table = grouped.agg(
        n=("promoter", "size"),
        respondents=("response_id", "nunique"),
        promoters=("promoter", "sum"),
        detractors=("detractor", "sum"),
    )
    table["passives"] = table["n"] - table["promoters"] - table["detractors"]
    table["nps"] = 100.0 * (table["promoters"] - table["detractors"]) / table["n"]
    table = table.reset_index(drop=not by)[[*by, *NPS_COLUMNS[:-1]]]
    return _plain(protect(table, small_group_min=small_group_min, results=("nps",)), by)


def response_rates(
    campaigns: pd.DataFrame, by: Sequence[str] = ("audience", "timing"), *, freq: str | None = None
) -> pd.DataFrame:
    """Invited, reminded (at least once), answered and rate per group of campaigns; with
    `freq`, a `period` column (month "M" or quarter "Q" of the sending, Paris time) is added to
    the groups."""
    by = list(by)
    if freq:
        campaigns = campaigns.assign(period=period_labels(campaigns["scheduled_on"], freq))
        by = [*by, "period"]
    if campaigns.empty:
        return _empty(by, RATE_COLUMNS)
    grouped = (
        campaigns.groupby(by, observed=True, dropna=False)
        if by
        else campaigns.groupby(np.zeros(len(campaigns)))
    )
    table = grouped.agg(
        campaigns=("campaign_id", "size"),
        invited=("invited", "sum"),
        reminded=("reminded", "sum"),
        answered=("answered", "sum"),
    )
    table["rate"] = (table["answered"] / table["invited"].where(table["invited"] > 0)).astype(float)
    return _plain(table.reset_index(drop=not by)[[*by, *RATE_COLUMNS]], by)


def period_labels(days: pd.Series, freq: str) -> pd.Series:
    """ "2026-03" for a month, "2026-T1" for a quarter (T for trimestre, read in both
    languages); days are already Paris calendar days. Labelled once per distinct day."""
    codes, uniques = pd.factorize(pd.to_datetime(days))
    periods = pd.DatetimeIndex(uniques).to_period("Q" if freq == "Q" else "M")
    if freq == "Q":
        labels = [f"{period.year}-T{period.quarter}" for period in periods]
    else:
        labels = [str(period) for period in periods]
    names = sorted(set(labels))
    position = {name: index for index, name in enumerate(names)}
    label_codes = np.array([position[label] for label in labels] + [-1], dtype=np.int64)
    return pd.Series(
        pd.Categorical.from_codes(label_codes.take(codes), categories=names), index=days.index
    )


def trends(
    answers: pd.DataFrame,
    *,
    small_group_min: int,
    freq: str = "M",
    by: Sequence[str] = ("audience",),
) -> pd.DataFrame:
    """Scores per month or quarter of the responses."""
    likert = likert_answers(answers)
    keys = [*by, "period"]
    if likert.empty:
        return _empty(keys, SCORE_COLUMNS)

    def with_period(rows: pd.DataFrame) -> pd.DataFrame:
        return rows.assign(period=period_labels(rows["submitted_on"], freq))

    people = _respondents(likert, keys, derive=with_period)
    return _scores(people, keys, small_group_min=small_group_min)


def likert_distribution(
    answers: pd.DataFrame, *, small_group_min: int, by: Sequence[str] = ("theme",)
) -> pd.DataFrame:
    """How many answers took each value 1-5, and their share, per group (for diverging bars);
    groups with fewer respondents than the threshold are left out entirely."""
    by = list(by)
    likert = likert_answers(answers)
    if likert.empty:
        return _empty(by, ["value", "count", "share"])
    group, groups = group_rows(likert, by)
    valid = group >= 0
    values = likert["number"].to_numpy(float)[valid].astype(np.int64)
    cells = np.bincount(
        group[valid] * LIKERT_MAX + values - 1, minlength=len(groups) * LIKERT_MAX
    ).reshape(len(groups), LIKERT_MAX)
    people = _respondents(likert, by)
    shown = np.bincount(people.owner, minlength=len(groups)) >= small_group_min
    table = groups.loc[groups.index.repeat(LIKERT_MAX)].reset_index(drop=True)
    table["value"] = np.tile(np.arange(LIKERT_MIN, LIKERT_MAX + 1), len(groups))
    table["count"] = cells.reshape(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share"] = (cells / cells.sum(axis=1, keepdims=True)).reshape(-1)
    table = table[np.repeat(shown, LIKERT_MAX)]
    return table[[*by, "value", "count", "share"]].reset_index(drop=True)


# --- hot versus cold ---------------------------------------------------------------------------


def _pairing_units(likert: pd.DataFrame) -> np.ndarray:
    """Who is compared with whom: the same person in the same session when that session's
    answers are all named, otherwise the session as a whole (anonymous answers cannot be
    paired by person). Encoded as integers, even for a person, odd for a session."""
    session = likert["session_id"].to_numpy("float64", na_value=np.nan).astype(np.int64)
    person = likert["person_id"].to_numpy("float64", na_value=-1).astype(np.int64)
    anonymous_sessions = np.unique(session[person < 0])
    by_session = np.isin(session, anonymous_sessions)
    width = int(session.max(initial=0)) + 1
    return np.where(by_session, session * 2 + 1, (person * width + session) * 2)


def hot_cold_pairs(
    answers: pd.DataFrame, by: Sequence[str] = (), audience: str = "learner"
) -> pd.DataFrame:
    """One row per unit and theme answered both hot and cold: the unit's hot and cold means
    and how many responses each side holds (with the `by` columns of the unit)."""
    by = list(by)
    columns = [*by, "theme", "unit", "hot", "cold", "hot_respondents", "cold_respondents"]
    likert = likert_answers(answers)
    if likert.empty:
        return pd.DataFrame(columns=columns)
    # one row per respondent and theme (its answers summed), read from the shared sums
    base = _pair_base(likert, by_theme=True)
    needed = list(dict.fromkeys([*by, "theme", "audience", "timing", "session_id", "person_id"]))
    rows = likert[needed].take(base.first_row)
    keep = (
        (rows["audience"] == audience)
        & rows["timing"].isin(["hot", "cold"])
        & rows["session_id"].notna()
    ).to_numpy(bool)
    rows, answered, summed = rows[keep], base.n[keep], base.total[keep]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    units = _compact(_pairing_units(rows))
    themes, theme_names = pd.factorize(rows["theme"])
    cold = (rows["timing"] == "cold").to_numpy(bool).astype(np.int64)
    cell = (units * len(theme_names) + themes) * 2 + cold
    size = (int(units.max()) + 1) * len(theme_names) * 2
    shape = (-1, len(theme_names), 2)
    count = np.bincount(cell, weights=answered, minlength=size).reshape(shape)
    total = np.bincount(cell, weights=summed, minlength=size).reshape(shape)
    people = np.bincount(cell, minlength=size).reshape(shape)
    unit_index, theme_index = np.nonzero((count[..., 0] > 0) & (count[..., 1] > 0))
    first_row = np.zeros(int(units.max()) + 1, dtype=np.int64)
    first_row[units[::-1]] = np.arange(len(units))[::-1]  # each unit's first answer
    table = (
        rows[by].iloc[first_row[unit_index]].reset_index(drop=True)
        if by
        else pd.DataFrame(index=range(len(unit_index)))
    )
    means = total[unit_index, theme_index] / count[unit_index, theme_index]
    table = table.assign(
        theme=np.asarray(theme_names.astype(object)).take(theme_index),
        unit=unit_index,
        hot=means[:, 0],
        cold=means[:, 1],
        hot_respondents=people[unit_index, theme_index, 0],
        cold_respondents=people[unit_index, theme_index, 1],
    )
    return _plain(table, by)[columns]


def hot_cold(
    answers: pd.DataFrame,
    *,
    small_group_min: int,
    by: Sequence[str] = (),
    per_theme: bool = True,
    audience: str = "learner",
    pairs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Hot versus cold on the same learners (or sessions when anonymous): per theme asked at
    both timings, the mean of the paired units hot and cold and the change (cold - hot).
    Without `per_theme`, each unit's themes are averaged first (themes asked only at one
    timing never enter, so the comparison stays like for like). `pairs` may be given
    (`hot_cold_pairs` with at least the `by` columns) to share that work between tables."""
    by = list(by)
    pairs = hot_cold_pairs(answers, by, audience) if pairs is None else pairs
    keys = [*by, "theme"] if per_theme else by
    if pairs.empty:
        return _empty(keys, HOT_COLD_COLUMNS)
    if not per_theme:
        pairs = (
            pairs.groupby([*by, "unit"], observed=True)
            .agg(
                hot=("hot", "mean"),
                cold=("cold", "mean"),
                hot_respondents=("hot_respondents", "max"),
                cold_respondents=("cold_respondents", "max"),
            )
            .reset_index()
        )
    grouped = pairs.groupby(keys, observed=True) if keys else pairs.groupby(np.zeros(len(pairs)))
    table = grouped.agg(
        n=("unit", "size"),
        hot_respondents=("hot_respondents", "sum"),
        cold_respondents=("cold_respondents", "sum"),
        hot_mean=("hot", "mean"),
        cold_mean=("cold", "mean"),
    )
    table["delta"] = table["cold_mean"] - table["hot_mean"]
    table = table.reset_index(drop=not keys)
    table["least"] = table[["hot_respondents", "cold_respondents"]].min(axis=1)
    table = protect(
        table,
        small_group_min=small_group_min,
        count="least",
        results=("hot_mean", "cold_mean", "delta"),
    )
    for column in ("n", "hot_respondents", "cold_respondents"):
        table[column] = table[column].astype(np.int64)
    return _plain(table[[*keys, *HOT_COLD_COLUMNS]], keys)


# --- breakdowns --------------------------------------------------------------------------------

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


def _regroup(people: _Respondents, links: pd.DataFrame, keys: list[str]) -> _Respondents:
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
    return _Respondents(
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
        return score_table(likert, [dimension, *by], small_group_min=small_group_min)
    keys = [dimension, f"{dimension}_id", *by]
    if likert.empty:
        return _empty(keys, SCORE_COLUMNS)
    people = _respondents(likert, ["session_id", *by])
    people.groups["session_id"] = people.groups["session_id"].astype("Int64")
    regrouped = _regroup(people, session_links(session_people, dimension), keys)
    if not len(regrouped.groups):
        return _empty(keys, SCORE_COLUMNS)
    return _scores(regrouped, keys, small_group_min=small_group_min)


# --- coverage (indicator 30) ---------------------------------------------------------------------


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


# --- headline and verbatims ----------------------------------------------------------------------


def headline(
    answers: pd.DataFrame,
    campaigns: pd.DataFrame,
    *,
    small_group_min: int,
    likert: pd.DataFrame | None = None,
) -> dict[str, float | int | None]:
    """The four figures at the top of the dashboard (`likert`: the likert answers, when they
    were already picked out)."""
    rates = response_rates(campaigns, by=())
    scores = score_table(answers if likert is None else likert, [], small_group_min=small_group_min)
    promoters = nps(answers, by=(), small_group_min=small_group_min)

    def first(table: pd.DataFrame, column: str) -> float | None:
        if table.empty or pd.isna(table[column].iloc[0]):
            return None
        return float(table[column].iloc[0])

    return {
        "responses": int(answers["response_id"].nunique()),
        "rate": first(rates, "rate"),
        "mean": first(scores, "mean"),
        "top2": first(scores, "top2"),
        "nps": first(promoters, "nps"),
    }


VERBATIM_COLUMNS = [
    "submitted_on",
    "audience",
    "timing",
    "programme",
    "session",
    "theme",
    "question_fr",
    "question_en",
    "text",
    "respondent",
]
NameLookup = Callable[[list[int]], dict[int, str]]


def verbatims(
    answers: pd.DataFrame,
    *,
    small_group_min: int,
    search: str = "",
    themes: Sequence[str] = (),
    limit: int | None = None,
    names: NameLookup | None = None,
) -> pd.DataFrame:
    """Free-text answers, newest first, filtered by words (case and accents ignored) and
    themes, at most `limit`. Anonymous answers never carry who wrote them, and their session is
    hidden when fewer than `small_group_min` people answered that survey in that session.
    `names` gives the names of named respondents (called with the person ids shown)."""
    keep = (answers["type"] == "text").to_numpy(bool) & answers["text"].notna().to_numpy(bool)
    if themes:
        keep &= answers["theme"].isin(list(themes)).to_numpy(bool)
    texts = answers[keep]
    words = fold(search).split()
    if words:
        folded = texts["text"].map(lambda value: fold(str(value)))
        texts = texts[folded.map(lambda value: all(w in value for w in words)).to_numpy(bool)]
    if texts.empty:
        return pd.DataFrame(columns=VERBATIM_COLUMNS)
    texts = texts.sort_values("submitted_on", ascending=False, kind="stable")
    texts = texts.head(limit) if limit else texts
    sizes = answers.groupby("campaign_id", observed=True)["response_id"].nunique()
    small = texts["campaign_id"].map(sizes).fillna(0).to_numpy() < small_group_min
    anonymous = (texts["person_id"].isna() | texts["anonymous"]).to_numpy(bool)
    table = _plain(
        texts[VERBATIM_COLUMNS[:-1]].copy(),
        ["audience", "timing", "programme", "session", "theme", "question_fr", "question_en"],
    )
    table.loc[anonymous & small, "session"] = None
    named = [
        int(person)
        for person, hidden in zip(texts["person_id"], anonymous, strict=True)
        if not hidden
    ]
    found = names(sorted(set(named))) if names and named else {}
    table["respondent"] = [
        None if hidden else found.get(int(person))
        for hidden, person in zip(anonymous, texts["person_id"], strict=True)
    ]
    return table.reset_index(drop=True)
