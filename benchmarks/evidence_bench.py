"""The evidence pack and the session dossier on the demo: how long they take, and why.

    .venv/bin/python benchmarks/evidence_bench.py [--repeat 3]

It loads the demo organisation into a temporary SQLite file (as of 15 March 2026), then times,
in one process (imports already paid, as in the staff app):

- the evidence pack of the demo's twelve months, HTML and PDF, with an empty cache (cold) and
  again on the same data (warm: charts and PDF come from the content-addressed cache);
- WeasyPrint alone on the same HTML (layout + PDF writing), and the ratio pack / WeasyPrint;
- the dossier of one session (HTML and PDF, cold);

and prints the load average, because the machine's two cores are shared. Targets: the pack
under 5 s, the dossier under 2 s.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.evidence import ContentCache, build_evidence, evidence_pdf
from analysis.evidence.render import print_pdf
from tests.support.demo_database import build_demo_database

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
PACK_TARGET, DOSSIER_TARGET = 5.0, 2.0


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def pack(context: Any, cache: ContentCache) -> bytes:
    document = build_evidence(
        engine=context.engine,
        settings=context.settings,
        start=date(2025, 3, 16),
        end=date(2026, 3, 15),
        today=date(2026, 3, 15),
        cache=cache,
    )
    return evidence_pdf(document, cache), document


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        context = build_demo_database(Path(folder), NOW)
        pack(context, ContentCache())  # pays the first vl-convert and WeasyPrint start-up
        colds, warms, alone = [], [], []
        for _ in range(args.repeat):
            cache = ContentCache()
            seconds, (_, document) = timed(lambda cache=cache: pack(context, cache))
            colds.append(seconds)
            warms.append(timed(lambda cache=cache: pack(context, cache))[0])
            alone.append(timed(lambda document=document: print_pdf(document))[0])
        from analysis.dossier import first_session_code

        code = first_session_code(context.engine)
        dossier, dossier_layout, pages = dossier_seconds(context, code, args.repeat)
    cold, warm, layout = min(colds), min(warms), min(alone)
    print(f"load average before (1, 5, 15 min): {', '.join(f'{v:.2f}' for v in load_before)}")
    print(f"evidence pack, cold cache : {cold:6.2f} s (best of {args.repeat})")
    print(f"evidence pack, warm cache : {warm:6.2f} s  target {PACK_TARGET:.0f} s")
    print(f"WeasyPrint alone, same HTML: {layout:6.2f} s")
    print(f"ratio pack (cold) / WeasyPrint alone: {cold / layout:.2f}")
    print(
        f"session dossier ({code}, {pages} pages): {dossier:6.2f} s  target"
        f" {DOSSIER_TARGET:.0f} s, of which PDF {dossier_layout:.2f} s"
    )
    print(f"load average after (1, 5, 15 min): {', '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
