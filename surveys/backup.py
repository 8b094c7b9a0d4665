"""Consistent backups of a live SQLite database (online backup API) and their restoration.

PostgreSQL is backed up with its own tools (`pg_dump` / `pg_restore`, see the README).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

BACKUP_PAGES_PER_STEP = 1024  # copy in steps so writers are not blocked for the whole copy


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why and what to do."""


def sqlite_path(engine: sa.Engine) -> Path:
    if engine.dialect.name != "sqlite":
        raise BackupError(
            "Cette commande sauvegarde une base SQLite. Pour PostgreSQL, utilisez pg_dump : "
            'pg_dump --format=custom --file=sauvegarde.dump "$DATABASE_URL" (voir le README).'
        )
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("La base SQLite n'est pas un fichier.")
    return Path(database)


def _integrity_ok(path: Path) -> bool:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:  # "file is not a database"
        return False
    finally:
        connection.close()


def backup_sqlite(engine: sa.Engine, directory: Path, *, now: datetime) -> Path:
    """Copy the live database into `directory` and check the copy's integrity."""
    source_path = sqlite_path(engine)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{source_path.stem}-{now:%Y%m%d-%H%M%S}.db"
    source = sqlite3.connect(source_path, timeout=30)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination, pages=BACKUP_PAGES_PER_STEP)
    finally:
        destination.close()
        source.close()
    if not _integrity_ok(target):
        target.unlink(missing_ok=True)
        raise BackupError("La copie est corrompue : la sauvegarde a été supprimée, réessayez.")
    return target


def restore_sqlite(engine: sa.Engine, backup_file: Path) -> None:
    """Replace the database's content with the backup's (through the backup API, so open
    connections see a consistent switch). Stop the server first in production."""
    if not backup_file.is_file():
        raise BackupError(f"Fichier introuvable : {backup_file}")
    if not _integrity_ok(backup_file):
        raise BackupError(
            f"{backup_file} n'est pas une base SQLite intacte : rien n'a été modifié."
        )
    target_path = sqlite_path(engine)
    engine.dispose()
    source = sqlite3.connect(backup_file)
    destination = sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
