"""What the first visit of a staff page would otherwise pay, done once when the server starts.

Measured on the demo (benchmarks/staff_pages_bench.py): a first visit paid for importing
altair and the analysis modules, loading the question-bank catalog and the translation
catalogs, building the analysis frames, altair's first chart compilation (its schema
validators), the dashboard's tables and the improvement suggestions of the default period.
`warm_up` does all of it on a background thread started from the server's lifespan; pages
then find everything in memory, under the current data version (`analysis.frames.cache`),
so nothing is ever stale.

Then `settle_heap` takes what start-up built out of the garbage collector's sight, so that
a full collection later walks only what was made since. Measured in the server with the
demo loaded: a full collection took 115-180 ms holding the interpreter lock (respondents'
requests wait behind it: it was the tail of answer_bench's loaded case); after the freeze,
9 ms.
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading
from datetime import date

from surveys.runtime import AppContext

log = logging.getLogger("analysis.warmup")
MODULES = (
    "altair",
    "analysis.charts",
    "analysis.effects",
    "analysis.exports",
    "analysis.register",
    "analysis.suggestions",
    "analysis.summary",
    "analysis.text",
)


def warm_up(context: AppContext, today: date | None = None) -> None:
    """Import, load and build what the analysis pages need on `today` (default: today in
    Paris) (idempotent, never raises)."""
    try:
        for name in MODULES:
            importlib.import_module(name)
        import altair as alt
        import pandas as pd

        from analysis.frames import now_paris, small_group_min
        from analysis.frames.cache import FRAMES
        from analysis.labels import theme_label
        from analysis.suggestions import default_period
        from analysis.suggestions.work import period_work
        from analysis.summary import default_filters, versioned_dashboard_tables
        from surveys.i18n import t
        from surveys.models import utc_now

        theme_label("satisfaction")  # the question-bank catalog
        t("analysis.dashboard.title")  # the translation catalogs
        chart = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_bar().encode(x="x:Q")
        chart.to_dict()  # altair's schema validators
        engine = context.engine
        version = FRAMES.version(engine)
        FRAMES.get(engine, version)
        today = today or now_paris(utc_now())
        start, end = default_period(today)
        threshold = small_group_min(engine=engine, settings=context.settings)
        period_work(
            engine, start=start, end=end, on=today, small_group_min=threshold, version=version
        )
        for freq in ("M", "Q"):  # the dashboard's default filters, by month and by quarter
            versioned_dashboard_tables(
                engine,
                default_filters(today),
                today=today,
                small_group_min=threshold,
                freq=freq,
                version=version,
            )
    except Exception:  # a cold first visit is slower, not broken
        log.exception("warming the analysis pages failed")


def settle_heap() -> None:
    """Collect once, then freeze every object that survives (`gc.freeze`): modules, catalogs,
    the cached frames. Frozen objects are still freed when their last reference goes; only a
    reference cycle among them would outlive it, and start-up objects do not come and go."""
    gc.collect()
    gc.freeze()


def _warm_up_and_settle(context: AppContext) -> None:
    warm_up(context)
    settle_heap()


def start_warm_up(context: AppContext) -> threading.Thread:
    """The server's start-up work on a background thread: `warm_up`, then `settle_heap`."""
    thread = threading.Thread(
        target=_warm_up_and_settle, args=(context,), name="warm-up", daemon=True
    )
    thread.start()
    return thread
