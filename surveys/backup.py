"""Consistent backups of a live SQLite database (online backup API) and their restoration.

Backups are personal data: their folder is created 0700 and each file 0600. A backup still
holds the people erased after it was made; `restore_sqlite` erases them again, from the
erasure journal kept next to the database (`surveys.privacy`) and from the database being
replaced, before anyone can read the restored data.

PostgreSQL is backed up with its own tools (`pg_dump` / `pg_restore`, see the README).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from surveys.db import PRIVATE_FILE_MODE, private_folder, upgrade_to_head, write_session
from surveys.models import utc_now
from surveys.privacy import reapply_erasures
from surveys.privacy.common import journal_path, read_journal

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
    private_folder(directory)
    target = directory / f"{source_path.stem}-{now:%Y%m%d-%H%M%S}.db"
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
    target.chmod(PRIVATE_FILE_MODE)
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


def _erased_in(path: Path) -> dict[int, str]:
    """Who the database about to be replaced says was erased (nothing if it is unreadable:
    the journal is there for that case)."""
    if not path.exists():
        return {}
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            people = connection.execute("SELECT id FROM person WHERE erased_at IS NOT NULL")
            erased = {int(row[0]): "retention" for row in people}
            requests = connection.execute(
                "SELECT target FROM audit_log WHERE action = 'person.erase'"
            )
            for (target,) in requests:
                if str(target).startswith("person:") and target[7:].isdigit():
                    erased[int(target[7:])] = "request"
            return erased
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return {}


def restore_sqlite(engine: sa.Engine, backup_file: Path, *, now: datetime | None = None) -> int:
    """Replace the database's content with the backup's (through the backup API, so open
    connections see a consistent switch), bring it to the current schema and erase again the
    people erased since the backup. Returns how many were erased again. Stop the server first
    in production."""
    if not backup_file.is_file():
        raise BackupError(f"Fichier introuvable : {backup_file}")
    if not _integrity_ok(backup_file):
        raise BackupError(
            f"{backup_file} n'est pas une base SQLite intacte : rien n'a été modifié."
        )
    target_path = sqlite_path(engine)
    erased = {**_erased_in(target_path), **read_journal(journal_path(engine))}
    engine.dispose()
    if not target_path.exists():
        private_folder(target_path.parent)
        os.close(os.open(target_path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
    source = sqlite3.connect(backup_file)
    destination = sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
    upgrade_to_head(engine)
    with write_session(engine) as session:
        return reapply_erasures(session=session, erased=erased, now=now or utc_now())
