"""Engine, sessions and migrations.

SQLite is set up for a web server: WAL (readers never block the writer), a busy timeout, and
write transactions that start with `BEGIN IMMEDIATE`, so two writers queue for the lock instead
of deadlocking when both try to upgrade a read lock. Read sessions start a deferred transaction.

Personal data does not linger: `secure_delete` overwrites deleted rows with zeros, and a write
that must not leave old copies in the WAL (an anonymous submit, an erasure) asks for a
checkpoint (`checkpoint_after_commit`), run when its connection goes back to the pool. The
database file, its WAL and shared-memory files are readable by the service account only
(0600), in a folder the engine creates 0700.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
PRIVATE_FOLDER_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SQLITE_COMPANION_SUFFIXES = ("", "-wal", "-shm", "-journal")
_CHECKPOINT_WANTED = "checkpoint_after_commit"


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
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA temp_store=MEMORY")  # no answers in temporary files
        cursor.close()

    @sa.event.listens_for(engine, "checkin")
    def on_checkin(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        if dbapi_connection is not None and record.info.pop(_CHECKPOINT_WANTED, False):
            dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def checkpoint_after_commit(database: Any) -> None:
    """Ask for the WAL to be checkpointed and emptied once this transaction has committed and
    its connection is back in the pool (SQLite; nothing elsewhere). `database`: a Connection
    or an ORM Session."""
    connection = database.connection() if isinstance(database, Session) else database
    if connection.dialect.name == "sqlite":
        connection.info[_CHECKPOINT_WANTED] = True


def make_private(path: Path) -> None:
    """Owner-only permissions on a folder (0700) or a file (0600) we created."""
    path.chmod(PRIVATE_FOLDER_MODE if path.is_dir() else PRIVATE_FILE_MODE)


def private_folder(path: Path) -> Path:
    """Create `path` and its missing parents for the service account only (an existing
    folder is left as it is)."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER_MODE)
    for folder in missing:
        make_private(folder)  # mkdir's mode is filtered by the umask
    return path


def _private_sqlite_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its WAL and shm files then get the
    same mode), and tighten the files of an older installation."""
    if not path.parent.exists():
        private_folder(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
    for suffix in SQLITE_COMPANION_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        if companion.exists() and companion.stat().st_mode & 0o077:
            make_private(companion)


def create_db_engine(url: str) -> sa.Engine:
    """An engine for `url`; SQLite files get a private folder and file and the pragmas above."""
    if is_sqlite(url):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):
            _private_sqlite_file(Path(path))
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
