"""Driver columns to pandas, whole columns at once: the answer rows come straight from the
cursor (no per-row type processing), and these turn them into dates and categoricals fast
enough for a million rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa


def driver_days(values: Sequence[Any] | np.ndarray) -> pd.Series:
    """Dates from a driver column (strings on SQLite, date objects elsewhere), parsed once per
    distinct value."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    parsed = pd.to_datetime(
        pd.Series(uniques, dtype=object).astype(str).str[:10], format="%Y-%m-%d"
    )
    result = pd.Series(parsed.to_numpy().take(codes, mode="clip"), dtype="datetime64[ns]")
    return result.where(codes >= 0)


def answer_columns(names: list[str], rows: list) -> dict[str, Any]:
    if not rows:
        return {name: np.array([], dtype=object) for name in names}
    matrix = np.array(rows, dtype=object)
    return {name: matrix[:, index] for index, name in enumerate(names)}


def sorted_categories(values: np.ndarray) -> pd.Categorical:
    """Strings as a categorical with sorted categories (pyarrow's dictionary encoding hashes a
    million strings faster than pandas)."""
    if len(values) == 0:
        return pd.Categorical(np.array([], dtype=object))
    encoded = pa.array(values, type=pa.string()).dictionary_encode()
    names = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    order = np.argsort(names)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return pd.Categorical.from_codes(rank[indices], categories=pd.Index(names[order]))


def response_categories(values: np.ndarray) -> pd.Categorical:
    """Response ids as a categorical. The query reads a response's answers together, so runs
    of equal ids number the responses without hashing; if an id turns up in two runs (another
    query plan), the general encoding is used."""
    if len(values) == 0:
        return pd.Categorical(np.array([], dtype=object))
    starts = np.empty(len(values), dtype=bool)
    starts[0] = True
    starts[1:] = values[1:] != values[:-1]
    runs = values[starts]
    if len(set(runs)) != len(runs):
        return sorted_categories(values)
    return pd.Categorical.from_codes(np.cumsum(starts) - 1, categories=pd.Index(runs))
