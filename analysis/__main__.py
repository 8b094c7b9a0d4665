"""Command line: `python -m analysis summary --json [--from DATE] [--to DATE]`."""

from analysis.cli import main

raise SystemExit(main())
