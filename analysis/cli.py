"""The `python -m analysis` commands.

    python -m analysis summary [--json] [--from DATE] [--to DATE] [--now ISO]
    python -m analysis suggestions [--json] [--from DATE] [--to DATE] [--now ISO] [--lang en]
    python -m analysis evidence --out DIR [--from DATE] [--to DATE] [--lang en]
    python -m analysis report --survey N | --campaign N | --session CODE | --programme CODE
        --out DIR [--lang en]
    python -m analysis dossier --session CODE | --programme CODE --out DIR [--lang en]
    python -m analysis dossier --sample N --from DATE --to DATE --out DIR [--seed S]

Each command is a `Command` in `COMMANDS`: its name, its help, a function adding its own
arguments, and a function running it (`run(context, args) -> exit code`). To add one, write
those two functions here and add `Command(...)` to `COMMANDS`; `add_period_arguments` gives
the shared --from/--to/--now. Without --from/--to, `suggestions` and `evidence` cover the
twelve months up to today (Paris), the yearly rhythm of indicator 30; `evidence` writes
`evidence.html` and `evidence.pdf` into DIR.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from analysis.evidence import (
    collect_evidence,
    document_cache,
    evidence_document,
    write_evidence,
)
from analysis.frames import AnalysisFilters, apply_filters, load_frames, now_paris, small_group_min
from analysis.suggestions import (
    default_period,
    gather_inputs,
    suggest,
    suggestion_settings,
    suggestions_json,
)
from analysis.summary import MetricOptions, summary_document
from surveys.config import SettingsError
from surveys.i18n import SUPPORTED_LANGUAGES, t
from surveys.runtime import AppContext, app_context


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[AppContext, argparse.Namespace], int]


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(t("analysis.cli.bad_date", "fr", value=value)) from error


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(t("analysis.cli.bad_now", "fr", value=value)) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def add_period_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="start",
        type=_day,
        metavar="AAAA-MM-JJ",
        help="first day of the period (responses submitted from that day)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=_day,
        metavar="AAAA-MM-JJ",
        help="last day of the period (included)",
    )
    parser.add_argument(
        "--now",
        type=_moment,
        metavar="ISO",
        help="the moment coverage alerts are judged at (default: now)",
    )


def period_options(context: AppContext, args: argparse.Namespace) -> MetricOptions:
    return MetricOptions(
        now=args.now or datetime.now(UTC),
        small_group_min=small_group_min(engine=context.engine, settings=context.settings),
        start=args.start,
        end=args.end,
    )


def _configure_summary(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print JSON (default: text)")


def _print_text(document: dict) -> None:
    for key, value in document.items():
        if isinstance(value, list):
            print(f"\n== {key} ==")
            print(pd.DataFrame(value).to_string(index=False) if value else "-")
        else:
            print(f"{key}: {value}")


def _summary(context: AppContext, args: argparse.Namespace) -> int:
    options = period_options(context, args)
    frames = load_frames(engine=context.engine, start=args.start, end=args.end)
    frames = apply_filters(frames, AnalysisFilters(start=args.start, end=args.end))
    document = summary_document(frames, options)
    if args.json:
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_text(document)
    return 0


def _period(args: argparse.Namespace) -> tuple[date | None, date, date]:
    """(start, end, today): the period asked for, or the twelve months up to today."""
    today = now_paris(args.now or datetime.now(UTC))
    end = args.end or today
    start = args.start or default_period(end)[0]
    # a past period is judged as of its last day (overdue, coverage), never from the future
    return start, end, min(today, end)


def _configure_suggestions(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print JSON (default: text)")
    parser.add_argument(
        "--lang", choices=SUPPORTED_LANGUAGES, default="fr", help="language of the text output"
    )


def _suggestions(context: AppContext, args: argparse.Namespace) -> int:
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


def _configure_evidence(parser: argparse.ArgumentParser) -> None:
    add_period_arguments(parser)
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


def _evidence(context: AppContext, args: argparse.Namespace) -> int:
    start, end, today = _period(args)
    cache = document_cache(context.settings.data_dir)
    data = collect_evidence(
        engine=context.engine,
        settings=context.settings,
        start=start,
        end=end,
        today=today,
        language=args.lang,
        cache=cache,
    )
    document = evidence_document(data, args.lang)
    html_path, pdf_path = write_evidence(document, args.out, cache)
    print(t("improve.evidence.written", args.lang, html=html_path, pdf=pdf_path))
    return 0


def _configure_report(parser: argparse.ArgumentParser) -> None:
    chosen = parser.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--survey", metavar="N", help="one survey, all its versions")
    chosen.add_argument("--campaign", metavar="N", help="one campaign")
    chosen.add_argument("--session", metavar="CODE", help="one training session")
    chosen.add_argument("--programme", metavar="CODE", help="one programme, all its sessions")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR")
    parser.add_argument("--lang", choices=SUPPORTED_LANGUAGES, default="fr")


def _report(context: AppContext, args: argparse.Namespace) -> int:
    from analysis.results import (
        SCOPE_KINDS,
        ScopeError,
        build_report_document,
        compute_report,
        write_report,
    )

    kind = next(kind for kind in SCOPE_KINDS if getattr(args, kind))
    value = str(getattr(args, kind))
    try:
        report = compute_report(
            engine=context.engine,
            settings=context.settings,
            kind=kind,
            value=value,
            language=args.lang,
        )
    except ScopeError as error:
        print(error, file=sys.stderr)
        return 2
    document = build_report_document(report, organisation_name(context))
    stem = f"resultats-{kind}-{value}" if args.lang == "fr" else f"results-{kind}-{value}"
    html_path, pdf_path = write_report(document, args.out, stem)
    print(t("analysis.results.written", args.lang, html=html_path, pdf=pdf_path))
    return 0


def _configure_dossier(parser: argparse.ArgumentParser) -> None:
    from analysis.dossier.command import configure

    configure(parser, _day)


def _dossier(context: AppContext, args: argparse.Namespace) -> int:
    from analysis.dossier.command import run

    return run(context, args)


def organisation_name(context: AppContext) -> str:
    from surveys.db import read_session
    from surveys.models import OrganisationSettings

    with read_session(context.engine) as session:
        row = session.get(OrganisationSettings, 1)
        return row.name if row else ""


COMMANDS: tuple[Command, ...] = (
    Command("summary", "the numbers behind the dashboard", _configure_summary, _summary),
    Command(
        "suggestions",
        "improvement suggestions with their evidence",
        _configure_suggestions,
        _suggestions,
    ),
    Command(
        "evidence",
        "write the audit evidence pack (HTML and PDF)",
        _configure_evidence,
        _evidence,
    ),
    Command("report", "write the per-question results report", _configure_report, _report),
    Command(
        "dossier", "write a session's dossier, or a random sample", _configure_dossier, _dossier
    ),
)


def build_parser(commands: Sequence[Command] = COMMANDS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in commands:
        command.configure(subparsers.add_parser(command.name, help=command.help))
    return parser


def main(argv: Sequence[str] | None = None, commands: Sequence[Command] = COMMANDS) -> int:
    args = build_parser(commands).parse_args(argv)
    start, end = getattr(args, "start", None), getattr(args, "end", None)
    if start and end and start > end:
        print(t("analysis.cli.inverted_period", "fr"), file=sys.stderr)
        return 2
    try:
        context = app_context()
    except SettingsError as error:
        print(f"Configuration : {error}", file=sys.stderr)
        return 2
    chosen = next(command for command in commands if command.name == args.command)
    return chosen.run(context, args)
