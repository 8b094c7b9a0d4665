"""`python -m analysis dossier`: one session's or one programme's dossier, or an auditor's
random sample of sessions.

python -m analysis dossier --session CODE --out DIR [--lang en]
python -m analysis dossier --programme CODE --out DIR [--from DATE] [--to DATE] [--lang en]
python -m analysis dossier --sample N --from DATE --to DATE --out DIR [--seed S] [--lang en]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from analysis.dossier.document import DossierDocument, DossierError, build_dossier, write_dossier
from analysis.dossier.programme import build_programme_dossier
from analysis.dossier.sample import draw, new_seed, sessions_ending, write_sample
from analysis.suggestions import format_params
from surveys.config import paris_day
from surveys.i18n import SUPPORTED_LANGUAGES, t
from surveys.runtime import AppContext


def configure(parser: argparse.ArgumentParser, day: Callable[[str], date]) -> None:
    chosen = parser.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--session", metavar="CODE", help="the session's code")
    chosen.add_argument(
        "--programme",
        metavar="CODE",
        help="the programme's code (its sessions ending in --from/--to)",
    )
    chosen.add_argument("--sample", metavar="N", type=int, help="draw N sessions at random")
    parser.add_argument("--from", dest="start", type=day, metavar="AAAA-MM-JJ")
    parser.add_argument("--to", dest="end", type=day, metavar="AAAA-MM-JJ")
    parser.add_argument("--seed", type=int, help="seed of the draw (default: a new one)")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR")
    parser.add_argument("--lang", choices=SUPPORTED_LANGUAGES, default="fr")


def _sample(context: AppContext, args: argparse.Namespace, today: date) -> int:
    language = args.lang
    if args.sample < 1:
        print(t("analysis.dossier.sample_positive", language), file=sys.stderr)
        return 2
    if args.start is None or args.end is None:
        print(t("analysis.dossier.sample_need_period", language), file=sys.stderr)
        return 2
    codes = sessions_ending(context.engine, args.start, args.end)
    if not codes:
        period = format_params({"start": args.start, "end": args.end}, language)
        print(
            t("analysis.dossier.sample_none", language, **period),
            file=sys.stderr,
        )
        return 2
    seed = args.seed if args.seed is not None else new_seed()
    chosen = draw(codes, args.sample, seed)
    path = write_sample(
        engine=context.engine,
        settings=context.settings,
        codes=chosen,
        seed=seed,
        out_dir=args.out,
        language=language,
        generated=today,
    )
    print(t("analysis.dossier.sample_written", language, count=len(chosen), seed=seed, zip=path))
    return 0


def _document(context: AppContext, args: argparse.Namespace, today: date) -> DossierDocument:
    build, code, period = (
        (build_programme_dossier, args.programme, {"start": args.start, "end": args.end})
        if args.programme is not None
        else (build_dossier, args.session, {})
    )
    return build(
        engine=context.engine,
        settings=context.settings,
        code=code,
        language=args.lang,
        generated=today,
        **period,
    )


def run(context: AppContext, args: argparse.Namespace) -> int:
    today = paris_day(datetime.now(UTC))
    if args.sample is not None:
        return _sample(context, args, today)
    try:
        document = _document(context, args, today)
    except DossierError as error:
        print(error, file=sys.stderr)
        return 2
    html_path, pdf_path = write_dossier(document, args.out)
    key = "programme_written" if document.kind == "programme" else "written"
    print(t(f"analysis.dossier.{key}", args.lang, html=html_path, pdf=pdf_path))
    return 0
