"""The `python -m analysis` commands.

Each command is a `Command` in `COMMANDS`: its name, its help, a function adding its own
arguments, and a function running it (`run(context, args) -> exit code`). To add one (the
`suggestions` and `evidence` commands come this way), write those two functions in your module
and add `Command(...)` to `COMMANDS`; `add_period_arguments` gives the shared --from/--to/--now.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd

from analysis import cli_improve
from analysis.frames import AnalysisFilters, apply_filters, load_frames, small_group_min
from analysis.summary import MetricOptions, summary_document
from surveys.config import SettingsError
from surveys.i18n import t
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


COMMANDS: tuple[Command, ...] = (
    Command("summary", "the numbers behind the dashboard", _configure_summary, _summary),
    Command(
        "suggestions",
        "improvement suggestions with their evidence",
        cli_improve.configure_suggestions,
        cli_improve.run_suggestions,
    ),
    Command(
        "evidence",
        "write the audit evidence pack (HTML and PDF)",
        cli_improve.configure_evidence,
        cli_improve.run_evidence,
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
