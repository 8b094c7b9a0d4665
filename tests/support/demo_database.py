"""A demo organisation in a SQLite file, at a fixed moment, for the end-to-end analysis tests
(and the benchmarks); the environment and the command line that read it."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from surveys.db import create_db_engine, write_session
from surveys.demo import STANDARD, DemoScale, load_demo
from surveys.runtime import AppContext, prepare_database
from tests.conftest import TEST_SECRET, make_settings
from tests.support.server import ROOT, run_cli

# Four months after the demo's yearly financer campaign (15 November of the year before).
DEMO_NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def demo_environment(folder: Path) -> dict[str, str]:
    """The settings of a process reading the demo database of `folder`."""
    return {
        "DATA_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'app.db'}",
        "SESSION_SECRET": TEST_SECRET,
        "DEMO_DATA": "off",
        "DISPATCHER": "off",
    }


def demo_context(folder: Path) -> AppContext:
    """The context of the database `folder`/app.db (migrated, maybe empty)."""
    settings = make_settings(folder, f"sqlite:///{folder / 'app.db'}", DATA_DIR=str(folder))
    return AppContext(settings=settings, engine=create_db_engine(settings.database_url))


def build_demo_database(
    folder: Path, now: datetime = DEMO_NOW, scale: DemoScale = STANDARD
) -> AppContext:
    """Load the demo (at `scale`) as of `now` into `folder`/app.db and return its context."""
    context = demo_context(folder)
    prepare_database(context)
    with write_session(context.engine) as session:
        load_demo(
            session=session, now=now, session_secret=context.settings.session_secret, scale=scale
        )
    return context


def context_environment(context: AppContext) -> dict[str, str]:
    """The whole environment of a child process that works on `context`'s database."""
    return {
        **os.environ,
        "DATABASE_URL": context.settings.database_url,
        "DATA_DIR": str(context.settings.data_dir),
        "SESSION_SECRET": TEST_SECRET,
        "DISPATCHER": "off",
        "PYTHONPATH": str(ROOT),
    }


def run_analysis(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m analysis <args>` on the demo database of `folder` (return code unchecked)."""
    env = {**os.environ, **demo_environment(folder), "PYTHONPATH": str(ROOT)}
    return run_cli(env, "analysis", *args, check=False)


def refused_analysis(folder: Path, *args: str) -> str:
    """`python -m analysis <args> --out <folder>/none`, which must refuse as a person reads it:
    exit code 2, no traceback, nothing written. Returns its error output."""
    out = folder / "none"
    result = run_analysis(folder, *args, "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    return result.stderr
