"""The evidence pack and the session dossier on the demo: how long they take, and why.

    .venv/bin/python benchmarks/evidence_bench.py [--repeat 3] [--scale large]
    .venv/bin/python benchmarks/evidence_bench.py --database PATH/app.db [--repeat 1]

It loads the demo organisation into a temporary SQLite file (as of 15 March 2026; `--scale
large`: about 50,000 people, 2,000 sessions, 1,000,000 answers, and prints how long the load
took), or reads an existing database (`--database`, e.g. the one `python -m surveys demo
--scale large` wrote; the pack then covers the twelve months up to its last answer), then
times, in one process (imports already paid, as in the staff app):

- the evidence pack of the demo's twelve months, HTML and PDF, with an empty cache (cold:
  charts and PDF made again; the analysis frames of the current data version and the
  suggestions of the period are in memory, as in the staff app, which warms them at start-up
  for the default period, the pack page's), again on the same data (warm: charts
  and PDF come from the content-addressed cache), and with nothing in memory at all (as
  `python -m analysis evidence` in a new process: the frames are read from the database too);
- WeasyPrint alone on the same HTML (layout + PDF writing), and the ratio pack / WeasyPrint;
- the dossier of one session (HTML and PDF, cold);

and prints the load average, because the machine's two cores are shared. Targets: the pack
under 5 s, the dossier under 2 s; at the large scale, twice those.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.evidence import ContentCache, collect_evidence, evidence_document, evidence_pdf
from analysis.evidence.render import print_pdf
from analysis.frames.cache import FRAMES
from analysis.suggestions import work
from analysis.warmup import warm_up
from surveys.config import default_period
from surveys.demo import SCALES
from tests.support.demo_database import build_demo_database, demo_context

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
PACK_TARGET, DOSSIER_TARGET = 5.0, 2.0
LARGE_FACTOR = 2.0  # issue 17: at the large scale, within twice the auditor issue's targets


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def pack(context: Any, cache: ContentCache, end: date) -> tuple[bytes, Any]:
    """The pack of the twelve months up to `end` (the pack page's default), HTML and PDF."""
    start, end = default_period(end)
    data = collect_evidence(
        engine=context.engine,
        settings=context.settings,
        start=start,
        end=end,
        today=end,
        cache=cache,
    )
    document = evidence_document(data)
    return evidence_pdf(document, cache), document


def last_answer_day(context: Any) -> date:
    with context.engine.connect() as connection:
        value = connection.execute(sa.text("SELECT MAX(submitted_on) FROM response")).scalar()
    return date.fromisoformat(str(value)[:10])


def dossier_seconds(context: Any, code: str, repeat: int) -> tuple[float, float, int]:
    """(best total, best WeasyPrint share, pages) of one session's dossier, HTML and PDF."""
    from weasyprint import HTML

    from analysis.dossier import build_dossier, dossier_pdf

    totals, layouts = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        document = build_dossier(engine=context.engine, settings=context.settings, code=code)
        built = time.perf_counter()
        dossier_pdf(document)
        totals.append(time.perf_counter() - started)
        layouts.append(time.perf_counter() - built)
    pages = len(HTML(string=document.html).render().pages)
    return min(totals), min(layouts), pages


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--scale", choices=sorted(SCALES), default="standard")
    chosen.add_argument("--database", type=Path, metavar="APP_DB", help="an existing SQLite file")
    return parser.parse_args()


def open_database(args: argparse.Namespace, folder: Path) -> tuple[Any, date, str]:
    """(context, last day of the pack, what was measured)."""
    if args.database is not None:
        context = demo_context(args.database.resolve().parent)
        return context, last_answer_day(context), f"database {args.database}"
    started = time.perf_counter()
    context = build_demo_database(folder, NOW, SCALES[args.scale])
    seconds = time.perf_counter() - started
    loads = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"demo at scale {args.scale} loaded in {seconds:.1f} s (load average after: {loads})")
    return context, NOW.date(), f"scale {args.scale}"


def main() -> None:
    args = arguments()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        context, end, measured = open_database(args, Path(folder))
        large = args.database is not None or args.scale == "large"
        factor = LARGE_FACTOR if large else 1.0
        pack(context, ContentCache(), end)  # pays the first vl-convert and WeasyPrint start-up
        colds, warms, alone, empty = [], [], [], []
        for _ in range(args.repeat):
            warm_up(context, today=end)  # as the server at start-up: frames, suggestions
            cache = ContentCache()
            seconds, (_, document) = timed(lambda cache=cache: pack(context, cache, end))
            colds.append(seconds)
            warms.append(timed(lambda cache=cache: pack(context, cache, end))[0])
            alone.append(timed(lambda document=document: print_pdf(document))[0])
            FRAMES.clear()
            work.forget()
            empty.append(timed(lambda: pack(context, ContentCache(), end))[0])
        from analysis.dossier import first_session_code

        code = first_session_code(context.engine)
        dossier, dossier_layout, pages = dossier_seconds(context, code, args.repeat)
    cold, warm, layout, nothing = min(colds), min(warms), min(alone), min(empty)
    print(f"{measured}; the pack ends on {end:%d/%m/%Y}")
    print(f"load average before (1, 5, 15 min): {', '.join(f'{v:.2f}' for v in load_before)}")
    target = PACK_TARGET * factor
    print(
        f"evidence pack, cold cache : {cold:6.2f} s (best of {args.repeat})  target {target:.0f} s"
    )
    print(f"evidence pack, warm cache : {warm:6.2f} s")
    print(f"evidence pack, nothing in memory (a new process): {nothing:6.2f} s")
    print(f"WeasyPrint alone, same HTML: {layout:6.2f} s")
    print(f"ratio pack (cold) / WeasyPrint alone: {cold / layout:.2f}")
    print(
        f"session dossier ({code}, {pages} pages): {dossier:6.2f} s  target"
        f" {DOSSIER_TARGET * factor:.0f} s, of which PDF {dossier_layout:.2f} s"
    )
    print(f"load average after (1, 5, 15 min): {', '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
