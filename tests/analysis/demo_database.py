"""A demo organisation in a SQLite file, at a fixed moment, for the end-to-end analysis tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from surveys.db import create_db_engine, write_session
from surveys.demo import STANDARD, DemoScale, load_demo
from surveys.runtime import AppContext, prepare_database
from tests.conftest import TEST_SECRET, make_settings

# Four months after the demo's yearly financer campaign (15 November of the year before).
DEMO_NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def demo_environment(folder: Path) -> dict[str, str]:
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
