"""What the first visit of a staff page would otherwise pay, done once when the server starts.

Measured on the demo (benchmarks/staff_pages_bench.py): a first visit paid for importing
altair and the analysis modules, loading the question-bank catalog and the translation
catalogs, building the analysis frames, altair's first chart compilation (its schema
validators), the dashboard's tables and the improvement suggestions of the default period.
`warm_up` does all of it on a background thread started from the server's lifespan; pages
then find everything in memory, under the current data version (`analysis.frames.cache`),
so nothing is ever stale.
"""

from __future__ import annotations

import importlib
import logging
import threading

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


def warm_up(context: AppContext) -> None:
    """Import, load and build what the analysis pages need (idempotent, never raises)."""
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
        today = now_paris(utc_now())
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


def start_warm_up(context: AppContext) -> threading.Thread:
    thread = threading.Thread(target=warm_up, args=(context,), name="warm-up", daemon=True)
    thread.start()
    return thread
