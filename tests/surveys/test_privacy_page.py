"""The personal-data page: find a person, export, and erase only after typing their email."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from surveys.db import read_session, write_session
from surveys.models import AuditLog, Person
from surveys.staff.auth import StaffIdentity
from tests import factories

PAGE = str(Path(__file__).resolve().parents[2] / "surveys" / "pages" / "privacy.py")
ADMIN = StaffIdentity(1, "dpo@example.org", "DPO", "admin", "fr")


def _page_with(app_env, email: str) -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=30)
    app.session_state["identity"] = ADMIN
    app.run()
    app.text_input(key="privacy_search").input(email.split("@")[0]).run()
    return app


def test_erasure_needs_the_typed_email_then_erases_and_audits(app_env) -> None:
    with write_session(app_env.engine) as session:
        person_id = factories.person(session, email="lea.durand@example.org").id
    app = _page_with(app_env, "lea.durand@example.org")
    erase = app.button(key="privacy_erase")
    assert erase.disabled
    app.text_input(key="privacy_confirm").input("lea.durand@example.org").run()
    app.button(key="privacy_erase").click().run()
    assert app.success, [e.value for e in app.error]
    with read_session(app_env.engine) as session:
        assert session.get(Person, person_id).email is None
        actions = session.exec(
            select(AuditLog.action).where(AuditLog.target == f"person:{person_id}")
        ).all()
    assert actions == ["person.erase"]


def test_export_offers_json_and_csv_downloads(app_env) -> None:
    with write_session(app_env.engine) as session:
        factories.person(session, email="hugo.petit@example.org")
    app = _page_with(app_env, "hugo.petit@example.org")
    app.button(key="privacy_export").click().run()
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == ["JSON", "CSV"]
