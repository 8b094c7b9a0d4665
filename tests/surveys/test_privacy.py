"""Personal data over its life: retention purge, export and erasure of one person, backups."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from surveys.backup import BackupError, backup_sqlite, restore_sqlite
from surveys.db import create_db_engine, read_session, upgrade_to_head, write_session
from surveys.models import (
    Answer,
    AuditLog,
    Enrolment,
    Invitation,
    NamedResponse,
    Person,
    Response,
    TrainingSession,
    utc_now,
)
from surveys.privacy import (
    PrivacyError,
    erase_person,
    export_as_csv,
    export_as_json,
    export_person,
    purge_expired,
)
from surveys.runtime import AppContext

AGGREGATES = {
    "means": "SELECT question_id, COUNT(*), SUM(number) FROM answer "
    "WHERE number IS NOT NULL GROUP BY question_id ORDER BY question_id",
    "invited": "SELECT campaign_id, status, COUNT(*) FROM invitation GROUP BY campaign_id, status "
    "ORDER BY campaign_id, status",
}


def _aggregates(context: AppContext) -> dict:
    """Figures a dashboard shows: mean and count per question, invitations and answers."""
    with context.engine.connect() as connection:
        figures = {
            name: [tuple(row) for row in connection.execute(sa.text(query))]
            for name, query in AGGREGATES.items()
        }
        figures["responses"] = connection.execute(sa.text("SELECT COUNT(*) FROM response")).scalar()
    return figures


def _database_text(context: AppContext) -> str:
    """Every value of every table, as one text, to search for leftovers."""
    chunks = []
    with context.engine.connect() as connection:
        for table in sa.inspect(connection).get_table_names():
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')):
                chunks.append(" ".join(str(value) for value in row))
    return "\n".join(chunks).lower()


def _learner_with_named_answers(context: AppContext) -> Person:
    with read_session(context.engine) as session:
        person_id = session.exec(
            select(NamedResponse.person_id)
            .join(Person, Person.id == NamedResponse.person_id)
            .where(Person.stakeholder_type == "learner")
        ).first()
        return session.get(Person, person_id)


def test_purge_after_the_retention_period_leaves_no_trace_and_same_figures(demo) -> None:
    before = _aggregates(demo)
    travel = utc_now() + timedelta(days=3 * 365 + 1) - timedelta(days=200)
    with read_session(demo.engine) as session:
        old = {
            p.id: p.email
            for p in session.exec(
                select(Person)
                .join(Enrolment, Enrolment.person_id == Person.id)
                .join(TrainingSession, TrainingSession.id == Enrolment.session_id)
                .where(
                    Person.stakeholder_type == "learner",
                    TrainingSession.end_date < (utc_now() - timedelta(days=400)).date(),
                )
            )
        }
        recent = session.exec(
            select(Person.email)
            .join(Enrolment)
            .join(TrainingSession)
            .where(TrainingSession.end_date > (utc_now() - timedelta(days=150)).date())
        ).all()
    with write_session(demo.engine) as session:
        preview = purge_expired(session=session, now=travel, dry_run=True)
    assert set(old) <= set(preview.people)
    with write_session(demo.engine) as session:
        report = purge_expired(session=session, now=travel)
    assert report.people == preview.people
    text = _database_text(demo)
    assert [email for email in old.values() if email.lower() in text] == []
    assert all(email.lower() in text for email in recent)  # too recent to be purged
    with read_session(demo.engine) as session:
        purged = session.exec(select(Person).where(Person.id.in_(list(old)))).all()
        assert all(p.first_name == p.last_name == "" and p.erased_at for p in purged)
    assert _aggregates(demo) == before


def test_export_of_one_person_holds_all_their_data_and_nobody_elses(demo) -> None:
    person = _learner_with_named_answers(demo)
    with write_session(demo.engine) as session:
        export = export_person(session=session, person_id=person.id, actor="dpo@example.org")
        invitation_ids = {
            i.id for i in session.exec(select(Invitation).where(Invitation.person_id == person.id))
        }
        others = session.exec(select(Person.email).where(Person.id != person.id)).all()
        named = len(
            session.exec(
                select(Answer)
                .join(NamedResponse, NamedResponse.response_id == Answer.response_id)
                .where(NamedResponse.person_id == person.id)
            ).all()
        )
    assert export["identity"]["email"] == person.email
    assert {i["id"] for i in export["invitations"]} == invitation_ids
    assert len(export["named_answers"]) == named > 0
    as_json, as_csv = export_as_json(export), export_as_csv(export)
    assert json.loads(as_json)["identity"]["last_name"] == person.last_name
    assert person.email in as_csv and as_csv.startswith("\ufeffsection;item;field;value")
    assert [email for email in others if email and email in as_json] == []


def test_erasure_removes_the_person_keeps_aggregates_and_is_audited(demo) -> None:
    before = _aggregates(demo)
    person = _learner_with_named_answers(demo)
    with write_session(demo.engine) as session:
        export_person(session=session, person_id=person.id, actor="dpo@example.org")
        erase_person(session=session, person_id=person.id, actor="dpo@example.org", now=utc_now())
    assert person.email.lower() not in _database_text(demo)
    with read_session(demo.engine) as session:
        assert (
            session.exec(select(NamedResponse).where(NamedResponse.person_id == person.id)).all()
            == []
        )
        assert session.exec(select(Invitation).where(Invitation.person_id == person.id)).all() == []
        actions = session.exec(
            select(AuditLog.action).where(AuditLog.target == f"person:{person.id}")
        ).all()
        assert sorted(actions) == ["person.erase", "person.export"]
    after = _aggregates(demo)
    assert after["means"] == before["means"] and after["invited"] == before["invited"]
    assert after["responses"] == before["responses"]


def test_an_erased_person_cannot_be_exported_or_erased_again(demo) -> None:
    person = _learner_with_named_answers(demo)
    with write_session(demo.engine) as session:
        erase_person(session=session, person_id=person.id, actor="dpo", now=utc_now())
    with write_session(demo.engine) as session, pytest.raises(PrivacyError):
        export_person(session=session, person_id=person.id, actor="dpo")


def test_a_backup_taken_while_the_server_writes_is_complete_and_restorable(
    sqlite_context: AppContext, tmp_path: Path
) -> None:
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            with write_session(sqlite_context.engine) as session:
                session.add(AuditLog(actor="writer", action="tick"))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    time.sleep(0.5)
    backup = backup_sqlite(sqlite_context.engine, tmp_path / "backups", now=utc_now())
    time.sleep(0.2)
    stop.set()
    writer.join()
    copy = create_db_engine(f"sqlite:///{backup}")
    with copy.connect() as connection:
        ids = [
            row[0]
            for row in connection.execute(
                sa.text("SELECT id FROM audit_log WHERE action = 'tick' ORDER BY id")
            )
        ]
    assert len(ids) > 10 and ids == list(range(ids[0], ids[0] + len(ids)))  # no hole
    copy.dispose()
    with sqlite_context.engine.connect() as connection:
        live = connection.execute(
            sa.text("SELECT COUNT(*) FROM audit_log WHERE action='tick'")
        ).scalar()
    assert live > len(ids)  # the writer went on after the backup
    restore_sqlite(sqlite_context.engine, backup)
    upgrade_to_head(sqlite_context.engine)
    with sqlite_context.engine.connect() as connection:
        restored = connection.execute(
            sa.text("SELECT COUNT(*) FROM audit_log WHERE action='tick'")
        ).scalar()
    assert restored == len(ids)


def test_backup_of_postgresql_explains_pg_dump(context: AppContext, tmp_path: Path) -> None:
    if context.engine.dialect.name == "sqlite":
        assert backup_sqlite(context.engine, tmp_path, now=utc_now()).exists()
        return
    with pytest.raises(BackupError, match="pg_dump"):
        backup_sqlite(context.engine, tmp_path, now=utc_now())


def test_restore_refuses_a_file_that_is_not_a_database(sqlite_context, tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-db.db"
    bogus.write_text("hello")
    with pytest.raises(BackupError):
        restore_sqlite(sqlite_context.engine, bogus)
    with read_session(sqlite_context.engine) as session:
        assert session.exec(select(Response)).all() == []  # nothing was touched


def test_erasure_removes_the_persons_words_from_the_register(context: AppContext) -> None:
    from surveys.models import Complaint
    from tests import factories

    with write_session(context.engine) as session:
        person = factories.person(session, email="plaignant@example.org")
        session.add(
            Complaint(
                kind="complaint",
                theme="technical_support",
                person_id=person.id,
                summary="Mon nom est Jean Plaignant",
                details="Appelez-moi au 06",
                received_on=utc_now().date(),
            )
        )
        person_id = person.id
    with write_session(context.engine) as session:
        erase_person(session=session, person_id=person_id, actor="dpo", now=utc_now())
    with read_session(context.engine) as session:
        complaint = session.exec(select(Complaint)).one()
    assert complaint.person_id is None and complaint.theme == "technical_support"
    assert "Plaignant" not in complaint.summary and complaint.details == ""
