"""`python -m question_banks check [FILES...]` and `python -m question_banks export`."""

import argparse
import json
import os
import sys
from collections.abc import Sequence

import yaml

from question_banks.checker import check_paths, shipped_paths
from question_banks.export import export_questions
from question_banks.loader import load_catalog


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m question_banks", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate bank and template YAML files")
    check.add_argument("files", nargs="*", help="files to check (default: all shipped ones)")
    export = commands.add_parser("export", help="print every shipped question")
    export.add_argument("--format", choices=("json", "yaml"), default="json")
    return parser


def run_check(files: Sequence[str]) -> int:
    report = check_paths(files or shipped_paths())
    for problem in report.problems:
        print(problem)
    if report.problems:
        print(f"{len(report.problems)} problem(s) found", file=sys.stderr)
        return 1
    questions = sum(len(bank.questions) for bank in report.banks)
    print(
        f"OK: {len(report.banks)} bank(s), {questions} question(s), "
        f"{len(report.templates)} template(s)"
    )
    return 0


def run_export(output_format: str) -> int:
    questions = export_questions(load_catalog())
    try:
        if output_format == "yaml":
            print(yaml.safe_dump(questions, allow_unicode=True, sort_keys=False), end="")
        else:
            print(json.dumps(questions, ensure_ascii=False, indent=2))
        sys.stdout.flush()
    except BrokenPipeError:  # `export | head`: the reader stopped early, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")  # French text, whatever the locale
    arguments = build_parser().parse_args(argv)
    if arguments.command == "check":
        return run_check(arguments.files)
    return run_export(arguments.format)


if __name__ == "__main__":
    sys.exit(main())
