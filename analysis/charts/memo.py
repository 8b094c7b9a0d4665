"""Figures remembered by what they are drawn from, so that a page rerun whose numbers did not
change does not build its charts again.

Building an Altair chart is the dearest part of a dashboard run (profiled with py-spy at the
demo scale: about 60 % of the script's time, in Altair's encoding inference, deep copies and
schema validation), and it holds the interpreter lock that the respondents' routes share.
While mail goes out the data version moves with every message, so a cache keyed by version
would miss on every reload; keyed by the content of the chart's own table it hits, because
a sent invitation changes the response-rate table and nothing else.

`figure_of(build, table, **options)` returns `build(table, **options)`, or the figure built
earlier from an equal table with the same options. Equal means the same columns, dtypes,
index and values (`pandas.util.hash_pandas_object`), so a changed number is never served
from memory. A table that cannot be hashed (a cell holding a list) is simply built.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pandas as pd

from analysis.charts.figures import Figure
from surveys.memo import Memo

KEPT = 128  # figures of the last few pages, filters and languages


def table_fingerprint(table: pd.DataFrame) -> str | None:
    """A digest of `table`'s columns, dtypes, index and values; None when a cell is not
    hashable."""
    try:
        rows = pd.util.hash_pandas_object(table, index=True).to_numpy()
    except TypeError:
        return None
    head = repr((list(table.columns), [str(dtype) for dtype in table.dtypes], table.shape))
    return hashlib.blake2b(head.encode() + rows.tobytes(), digest_size=16).hexdigest()


FIGURES: Memo[Figure] = Memo(KEPT)


def figure_of(build: Callable[..., Figure], table: pd.DataFrame, **options: Any) -> Figure:
    """`build(table, **options)`, built once per distinct table and options."""
    fingerprint = table_fingerprint(table)
    if fingerprint is None:
        return build(table, **options)
    key = (build.__module__, build.__qualname__, fingerprint, repr(sorted(options.items())))
    return FIGURES.get(key, lambda: build(table, **options))
