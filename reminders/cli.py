"""`python -m reminders tick [--now ISO]` (one pass, one JSON line) and `run` (the loop)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

from reminders.dispatcher import DEFAULT_BATCH_SIZE, dispatch_options, tick
from reminders.worker import DEFAULT_INTERVAL_SECONDS, run_loop
from surveys.config import SettingsError
from surveys.http.public_url import PublicUrlUnknown, public_base_url
from surveys.models import utc_now
from surveys.runtime import app_context, prepare_database


def parse_now(value: str) -> datetime:
    """An ISO date-time; without a zone it is read as UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"date-heure ISO attendue (ex. 2026-12-01T17:00:00+01:00), reçu {value!r}"
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reminders", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    once = commands.add_parser("tick", help="plan and send what is due, once; print a JSON line")
    once.add_argument("--now", type=parse_now, default=None, help="pretend it is this time")
    loop = commands.add_parser("run", help="plan and send continuously")
    loop.add_argument(
        "--interval",
        type=float,
        default=DEFAULT_INTERVAL_SECONDS,
        help="seconds between two passes",
    )
    loop.add_argument(
        "--parent",
        type=int,
        default=None,
        metavar="PID",
        help="stop when this process (the web server that started this one) is gone",
    )
    loop.add_argument(
        "--nice",
        type=int,
        default=0,
        help="lower this process's CPU priority by so much (the web server's child: 10)",
    )
    for command in (once, loop):
        command.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="messages claimed at a time (one SMTP connection serves the whole pass)",
        )
        command.add_argument(
            "--lease-seconds",
            type=float,
            default=None,
            help="after this, a message left 'sending' by a dead dispatcher becomes 'unknown'",
        )
        command.add_argument(
            "--retry-days",
            type=float,
            default=None,
            help="give up retrying a message after this many days",
        )
    return parser


def watch_parent(parent: int, stop: threading.Event, every_seconds: float = 1.0) -> None:
    """Set `stop` once `parent` is gone (killed without a chance to stop its child): the
    loop then ends between two messages instead of running on, orphaned."""

    def watch() -> None:
        while os.getppid() == parent:  # a parent gone before we started counts too
            if stop.wait(every_seconds):
                return
        stop.set()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    try:
        context = app_context()
    except SettingsError as error:
        print(f"Configuration : {error}", file=sys.stderr)
        return 2
    prepare_database(context)
    try:  # links to the wrong port must never be written: refuse before anything is sent
        public_base_url(context.engine, context.settings)
    except PublicUrlUnknown as error:
        print(f"Configuration : {error}", file=sys.stderr)
        return 2
    options = dispatch_options(
        context.settings, lease_seconds=args.lease_seconds, retry_give_up_days=args.retry_days
    )
    if args.command == "tick":
        result = tick(
            context=context, now=args.now or utc_now(), batch_size=args.batch_size, options=options
        )
        print(json.dumps(result), flush=True)
        return 0
    if args.nice:
        os.nice(args.nice)
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    if args.parent is not None:
        watch_parent(args.parent, stop)
    run_loop(
        context=context,
        stop=stop,
        interval_seconds=args.interval,
        batch_size=args.batch_size,
        options=options,
        on_pass=lambda result: print(json.dumps(result), flush=True),
    )
    return 0
