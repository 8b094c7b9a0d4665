"""Engine, sessions and migrations.

SQLite is set up for a web server: WAL (readers never block the writer), a busy timeout, and
write transactions that start with `BEGIN IMMEDIATE`, so two writers queue for the lock instead
of deadlocking when both try to upgrade a read lock. Read sessions start a deferred transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _configure_sqlite(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_db_engine(url: str) -> sa.Engine:
    """An engine for `url`; SQLite files get their folder created and the pragmas above."""
    if is_sqlite(url):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        _configure_sqlite(engine)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@contextmanager
def read_session(engine: sa.Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def write_bind(engine: sa.Engine) -> sa.Engine:
    """The engine whose transactions take the write lock first (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(sqlite_immediate=True) if is_sqlite(str(engine.url)) else engine


@contextmanager
def write_connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A short Core write transaction: writers queue for the lock, never deadlock."""
    with write_bind(engine).begin() as connection:
        yield connection


@contextmanager
def write_session(engine: sa.Engine) -> Iterator[Session]:
    """A session whose transaction takes the write lock first (SQLite) and commits at the end."""
    with Session(write_bind(engine)) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(engine: sa.Engine) -> None:
    """Bring any database (empty or older) to the latest schema."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")  # "heads": independent branches all apply


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
