"""The `suggestions` and `evidence` commands of `python -m analysis` (registered in cli.py).

    python -m analysis suggestions [--json] [--from DATE] [--to DATE] [--now ISO]
    python -m analysis evidence --out DIR [--from DATE] [--to DATE] [--lang en]

Without --from/--to the period is the twelve months up to today (Paris), the yearly rhythm
of indicator 30. `evidence` writes `evidence.html` and `evidence.pdf` into DIR.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from analysis.frames import now_paris
from surveys.i18n import SUPPORTED_LANGUAGES, t
from surveys.runtime import AppContext


def _period_arguments(parser: argparse.ArgumentParser) -> None:
    from analysis.cli import add_period_arguments  # cli imports this module: import late

    add_period_arguments(parser)


def _period(args: argparse.Namespace) -> tuple[date | None, date, date]:
    """(start, end, today): the period asked for, or the twelve months up to today."""
    from analysis.suggestions import default_period

    today = now_paris(args.now or datetime.now(UTC))
    end = args.end or today
    start = args.start or default_period(end)[0]
    # a past period is judged as of its last day (overdue, coverage), never from the future
    return start, end, min(today, end)


def configure_suggestions(parser: argparse.ArgumentParser) -> None:
    _period_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print JSON (default: text)")
    parser.add_argument(
        "--lang", choices=SUPPORTED_LANGUAGES, default="fr", help="language of the text output"
    )


def run_suggestions(context: AppContext, args: argparse.Namespace) -> int:
    from analysis.suggestions import (
        gather_inputs,
        suggest,
        suggestion_settings,
        suggestions_json,
    )

    start, end, today = _period(args)
    settings = suggestion_settings(engine=context.engine, settings=context.settings)
    inputs = gather_inputs(engine=context.engine, start=start, end=end, today=today)
    items = suggest(inputs, settings)
    if args.json:
        document = suggestions_json(items, start=start, end=end, settings=settings)
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for item in items:
        print(f"[{t(f'improve.severity.{item.severity}', args.lang)}] {item.title(args.lang)}")
        print(f"    {item.explanation(args.lang)}")
    if not items:
        print(t("improve.suggestions.none", args.lang))
    return 0


def configure_evidence(parser: argparse.ArgumentParser) -> None:
    _period_arguments(parser)
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="folder where evidence.html and evidence.pdf are written",
    )
    parser.add_argument(
        "--lang",
        choices=SUPPORTED_LANGUAGES,
        default="fr",
        help="language of the document (default: French)",
    )


def run_evidence(context: AppContext, args: argparse.Namespace) -> int:
    from analysis.evidence import build_evidence, write_evidence

    start, end, today = _period(args)
    document = build_evidence(
        engine=context.engine,
        settings=context.settings,
        start=start,
        end=end,
        today=today,
        language=args.lang,
    )
    html_path, pdf_path = write_evidence(document, args.out)
    print(t("improve.evidence.written", args.lang, html=html_path, pdf=pdf_path))
    return 0
