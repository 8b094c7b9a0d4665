"""Shared fixtures: a real database (SQLite in a temp dir, and PostgreSQL), settings, context,
a recording SMTP server.

Database tests run twice, on SQLite and on PostgreSQL. PostgreSQL comes from
`TEST_POSTGRES_URL` (a server you run) or is started for the session from the local
installation; without one the PostgreSQL half is skipped loudly (and fails in CI).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from surveys.config import Settings, load_settings
from surveys.db import create_db_engine, upgrade_to_head
from surveys.runtime import AppContext, ensure_organisation
from tests.support.postgres import PostgresServer, start_postgres
from tests.support.smtp import SmtpServer
from tests.support.tools import missing_tool

TEST_SECRET = "test-secret-" + "x" * 40


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | str | None]:
    if os.environ.get("TEST_POSTGRES_URL"):
        yield os.environ["TEST_POSTGRES_URL"]
        return
    server = start_postgres()
    yield server
    if server is not None:
        server.stop()


def _fresh_postgres_database(server: PostgresServer | str | None) -> str:
    if server is None:
        missing_tool(
            "PostgreSQL",
            "install it (apt-get install postgresql) or set "
            "TEST_POSTGRES_URL=postgresql+psycopg://user@host:port/db",
        )
    admin_url = server if isinstance(server, str) else server.admin_url
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    return _fresh_postgres_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'app.db'}"


def make_settings(tmp_path: Path, database_url: str, **overrides: str) -> Settings:
    env = {
        "DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": database_url,
        "SESSION_SECRET": TEST_SECRET,
        "PUBLIC_BASE_URL": "http://testserver",
        "DISPATCHER": "off",
        "DEMO_DATA": "off",
        **overrides,
    }
    return load_settings(env)


def make_context(tmp_path: Path, database_url: str, **overrides: str) -> AppContext:
    settings = make_settings(tmp_path, database_url, **overrides)
    engine = create_db_engine(settings.database_url)
    upgrade_to_head(engine)
    context = AppContext(settings=settings, engine=engine)
    ensure_organisation(context)
    return context


@pytest.fixture
def context(tmp_path: Path, database_url: str) -> Iterator[AppContext]:
    """A migrated database on both backends, with settings pointing at it."""
    built = make_context(tmp_path, database_url)
    yield built
    built.engine.dispose()


@pytest.fixture
def sqlite_context(tmp_path: Path, sqlite_url: str) -> Iterator[AppContext]:
    built = make_context(tmp_path, sqlite_url)
    yield built
    built.engine.dispose()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A recording SMTP server on loopback (aiosmtpd), stopped after the test."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def app_env(sqlite_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    """The staff app (AppTest) pointed at `sqlite_context`, streamlit's caches cleared."""
    from tests.support.staff_app import app_environment

    env = {
        "DATABASE_URL": sqlite_context.settings.database_url,
        "DATA_DIR": str(sqlite_context.settings.data_dir),
        "SESSION_SECRET": TEST_SECRET,
        "DISPATCHER": "off",
    }
    with app_environment(sqlite_context, env, monkeypatch) as context:
        yield context
