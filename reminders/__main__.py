"""Command line: `python -m reminders tick [--now ISO] | run`."""

from reminders.cli import main

raise SystemExit(main())
