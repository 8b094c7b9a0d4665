"""Command line: `python -m surveys init | demo | create-user | import-people`."""

from surveys.cli import main

raise SystemExit(main())
