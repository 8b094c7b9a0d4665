"""Personal data on disk: private files and folders, and a restored backup erased again."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlmodel import select

from surveys.backup import backup_sqlite, restore_sqlite
from surveys.db import read_session, write_session
from surveys.models import AuditLog, Person, utc_now
from surveys.privacy import erase_person
from surveys.privacy.common import journal_path
from surveys.runtime import AppContext, build_context, prepare_database
from tests import factories
from tests.conftest import TEST_SECRET, make_settings
from tests.support.server import ROOT, run_cli


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def add_people(context: AppContext, *emails: str) -> list[int]:
    with write_session(context.engine) as session:
        return [factories.person(session, email=email).id for email in emails]


def test_restoring_an_old_backup_erases_again_who_was_erased_since(
    sqlite_context: AppContext, tmp_path: Path
) -> None:
    alice, bruno = add_people(sqlite_context, "alice@example.org", "bruno@example.org")
    backup = backup_sqlite(sqlite_context.engine, tmp_path / "backups", now=utc_now())
    with write_session(sqlite_context.engine) as session:
        erase_person(session=session, person_id=alice, actor="dpo", now=utc_now())
    assert b"alice@example.org" in backup.read_bytes()  # what the README warns about
    assert restore_sqlite(sqlite_context.engine, backup) == 1
    with read_session(sqlite_context.engine) as session:
        people = {p.id: p for p in session.exec(select(Person))}
        actions = [entry.action for entry in session.exec(select(AuditLog))]
    assert people[alice].email is None and people[alice].erased_at is not None
    assert people[bruno].email == "bruno@example.org"
    assert "restore.erasures" in actions


def test_the_journal_erases_again_even_when_the_current_database_is_lost(
    sqlite_context: AppContext, tmp_path: Path
) -> None:
    (alice,) = add_people(sqlite_context, "alice@example.org")
    backup = backup_sqlite(sqlite_context.engine, tmp_path / "backups", now=utc_now())
    with write_session(sqlite_context.engine) as session:
        erase_person(session=session, person_id=alice, actor="dpo", now=utc_now())
    journal = journal_path(sqlite_context.engine)
    assert journal is not None and "alice" not in journal.read_text()  # numbers only
    database = Path(sqlite_context.engine.url.database)
    sqlite_context.engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    assert restore_sqlite(sqlite_context.engine, backup) == 1
    with read_session(sqlite_context.engine) as session:
        assert session.get(Person, alice).email is None


def test_the_data_folder_and_its_files_are_for_the_service_account_only(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    mailbox = data / "mailbox"
    mailbox.mkdir(parents=True)
    old_mail = mailbox / "old.eml"
    old_mail.write_text("From: x")
    old_mail.chmod(0o644)
    context = build_context(make_settings(tmp_path, f"sqlite:///{data / 'app.db'}"))
    prepare_database(context)
    add_people(context, "alice@example.org")
    database = data / "app.db"
    backup = backup_sqlite(context.engine, data / "backups", now=utc_now())
    for folder in (data, mailbox, data / "backups"):
        assert mode(folder) == 0o700, folder
    wal, shm = data / "app.db-wal", data / "app.db-shm"
    for path in (database, wal, shm, old_mail, backup):
        assert mode(path) == 0o600, path
    context.engine.dispose()


def test_a_process_started_from_the_environment_creates_private_files(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "data"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'app.db'}",
        "SESSION_SECRET": "",
        "DEMO_DATA": "off",
        "DISPATCHER": "off",
    }
    env.pop("APP_ENV", None)
    done = run_cli(env, "surveys", "init", check=False)
    assert done.returncode == 0, done.stderr
    assert mode(data) == 0o700
    files = [path for path in data.rglob("*") if path.is_file()]
    assert any(path.name == "session_secret" for path in files)
    assert any(path.name == "app.db" for path in files)
    assert all(mode(path) == 0o600 for path in files), {p.name: oct(mode(p)) for p in files}
    assert TEST_SECRET  # the fixture's secret is not used here: the generated one is


def test_an_erasure_leaves_no_copy_of_the_person_in_the_wal(sqlite_context: AppContext) -> None:
    (alice,) = add_people(sqlite_context, "alice.wal@example.org")
    database = Path(sqlite_context.engine.url.database)
    wal = database.with_name(database.name + "-wal")
    assert b"alice.wal@example.org" in wal.read_bytes()  # the insert sits in the WAL
    with write_session(sqlite_context.engine) as session:
        erase_person(session=session, person_id=alice, actor="dpo", now=utc_now())
    assert wal.stat().st_size == 0  # checkpointed and emptied after the commit
    assert b"alice.wal@example.org" not in database.read_bytes()  # secure_delete
