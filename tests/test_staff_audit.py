"""The audit log names the staff member who acted, for every staff action.

One admin performs, through the pages, one of each kind of action the pages offer (accounts,
page language, evidence notes, complaints and their steps, improvement actions, API keys,
webhooks, people and their enrolments); a failed login names the address tried. Then a check
over the code: every call that writes the audit log from a page passes the logged-in member,
and the only literal actors in the domain are the respondent, the demo and the scheduled jobs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from surveys.db import read_session, write_session
from surveys.models import AuditLog, StaffUser, utc_now
from surveys.pages.common import TEST_COOKIE_KEY
from surveys.runtime import AppContext
from surveys.staff.auth import authenticate, make_session_cookie
from tests import factories
from tests.conftest import TEST_SECRET
from tests.support.staff_app import APP

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
ADMIN = "camille.admin@example.org"


def _page(context: AppContext, path: str) -> AppTest:
    with read_session(context.engine) as session:
        user = session.exec(select(StaffUser).where(StaffUser.email == ADMIN)).one()
        cookie = make_session_cookie(user, secret=TEST_SECRET)
    app = AppTest.from_file(APP, default_timeout=30)
    app.session_state[TEST_COOKIE_KEY] = cookie
    app = app.run().switch_page(path).run()
    assert not app.exception, [item.value for item in app.exception]
    return app


def _click(app: AppTest, label: str, form: str = "") -> AppTest:
    (button,) = [
        item for item in app.button if item.label == label and form in (item.proto.form_id or "")
    ]
    button.click().run()
    assert not app.exception, [item.value for item in app.exception]
    return app


def _actors(context: AppContext, after: int) -> dict[str, set[str]]:
    with read_session(context.engine) as session:
        query = select(AuditLog.action, AuditLog.actor).where(AuditLog.id > after)
        rows = session.exec(query).all()
    found: dict[str, set[str]] = {}
    for action, actor in rows:
        found.setdefault(action, set()).add(actor)
    return found


def _accounts(context: AppContext) -> None:
    app = _page(context, "surveys/pages/users.py")
    assert app.selectbox(key="new_user_role").value == "director"  # least privilege first
    app.text_input(key="new_user_email").input("dominique@example.org")
    app.text_input(key="new_user_password").input("un-mot-de-passe-long")
    _click(app, "Créer le compte")
    with read_session(context.engine) as session:
        new = session.exec(select(StaffUser).where(StaffUser.email == "dominique@example.org"))
        new_id = new.one().id
    app = _page(context, "surveys/pages/users.py")
    app.button(key=f"toggle_{new_id}").click().run()  # deactivate
    app = _page(context, "surveys/pages/users.py")
    app.button(key=f"toggle_{new_id}").click().run()  # reactivate
    assert not app.exception


def _language(context: AppContext) -> None:
    app = _page(context, "surveys/pages/home.py")
    app.button_group(key="staff_language").set_value("en").run()
    assert not app.exception
    app = _page(context, "surveys/pages/home.py")
    assert app.title[0].value == "Organisation overview"  # the pages follow the account
    app.button_group(key="staff_language").set_value("fr").run()


def _register(context: AppContext) -> None:
    app = _page(context, "analysis/pages/evidence_notes.py")
    app.text_input(key="note_organisation").input("OPCO Atlas")
    app.text_area(key="note_summary").input("Webinaire qualité : résultats présentés.")
    _click(app, "Enregistrer", "notes_new")
    assert app.success and not app.text_area(key="note_summary").value  # confirmed, emptied
    app = _page(context, "analysis/pages/improve_complaints.py")
    app.text_input(key="complaint_summary").input("Identifiants refusés")
    _click(app, "Enregistrer", "complaint_new")
    assert app.success
    for step in ("Accuser réception", "Enregistrer la réponse", "Clore", "Créer une action"):
        app = _page(context, "analysis/pages/improve_complaints.py")
        app.text_area(key="complaint_answer").input("Identifiants renvoyés.")
        app.text_input(key="complaint_owner").input("Camille")
        _click(app, step)
        assert app.success, step
    app = _page(context, "analysis/pages/improve_plan.py")
    app.selectbox(key="plan_status").set_value("in_progress")
    app.text_input(key="plan_note").input("Lancé")
    app.button(key="plan_save").click().run()
    assert app.success


def _integrations(context: AppContext) -> None:
    app = _page(context, "api/pages/keys.py")
    app.text_input(key="api_key_name").input("Digiforma")
    app.multiselect(key="api_key_scopes").select("people:write")
    app.button[0].click().run()
    app = _page(context, "api/pages/keys.py")
    revoke = [item for item in app.button if (item.key or "").startswith("revoke_")]
    revoke[0].click().run()
    app = _page(context, "api/pages/webhooks.py")
    app.text_input(key="webhook_name").input("TMS")
    app.text_input(key="webhook_url").input("http://127.0.0.1:9/hooks")
    app.button[0].click().run()
    assert not app.exception


def _people(context: AppContext, person_id: int) -> None:
    app = _page(context, "surveys/pages/people.py")
    app.text_input(key="new_person_email").input("lea.dupont@example.org")
    app.button(key="person_new_submit").click().run()
    assert app.success, [item.value for item in app.error]
    app = _page(context, "surveys/pages/people.py")
    app.selectbox(key="edit_person_id").set_value(person_id).run()
    app.text_input(key=f"edit_person_{person_id}_email").input("sam.petit@example.org")
    app.button(key="person_edit_submit").click().run()
    assert app.success, [item.value for item in app.error]
    app.selectbox(key="edit_enrolment_id").select_index(0)
    (status,) = [item for item in app.selectbox if (item.key or "").startswith("enrolment_status")]
    status.set_value("completed")
    app.button(key="enrolment_status_save").click().run()
    assert app.success
    (confirm,) = [item for item in app.checkbox if (item.key or "").startswith("enrolment_remove")]
    confirm.check().run()
    app.button(key="enrolment_remove").click().run()
    assert app.success


def test_every_staff_action_names_the_staff_member(app_env: AppContext) -> None:
    with write_session(app_env.engine) as session:
        training = factories.training_session(session)
        enrolled = factories.enrolled(session, training.id, 1, email="sam@example.org")[0].id
        factories.staff(session, role="admin", email=ADMIN, full_name="Camille Admin")
        setup = session.exec(select(AuditLog.id).order_by(AuditLog.id.desc())).first() or 0
    _accounts(app_env)
    _language(app_env)
    _register(app_env)
    _integrations(app_env)
    _people(app_env, enrolled)
    with write_session(app_env.engine) as session:
        refused = authenticate(
            session=session,
            email=ADMIN,
            password="not the password",
            now=utc_now(),
            max_failures=5,
            lock_minutes=15,
        )
    assert refused is None
    actors = _actors(app_env, after=setup)
    expected = {
        "user.create",
        "user.deactivate",
        "user.activate",
        "user.language",
        "evidence_note.record",
        "complaint.record",
        "complaint.acknowledge",
        "complaint.answer",
        "complaint.close",
        "action.create",
        "action.status",
        "action.update",
        "api.key_create",
        "api.key_revoke",
        "webhook.create",
        "person.create",
        "person.edit",
        "enrolment.status",
        "enrolment.remove",
        "login.failed",
    }
    assert expected <= set(actors), expected - set(actors)
    wrong = {action: who for action, who in actors.items() if action in expected and who != {ADMIN}}
    assert not wrong, wrong  # e.g. an account created "by system"
    print(f"\n{len(expected)} staff actions, each logged with the acting member {ADMIN}")


# Domain modules may name these actors literally: nobody from the staff acted.
LITERAL_ACTORS = {"respondent", "demo", "system", "system:restore", "api"}


def test_pages_pass_the_logged_in_member_and_the_domain_no_other_literal() -> None:
    pages = [*ROOT.glob("*/pages/*.py"), ROOT / "streamlit_app.py"]
    passed = set()
    for path in pages:
        if path.name == "audit.py":  # reads the log: its actor= is a filter
            continue
        found = re.findall(r"\bactor=((?:identity\(\)|[\w.\"])+)", path.read_text(encoding="utf-8"))
        passed |= set(found)
    passed.discard("...")  # a docstring's signature
    # every page hands down the identity it got from require_role (me/who/found) or its own
    # parameter named actor, never a literal
    assert passed and all(
        re.fullmatch(r"(me|who|found|identity\(\))\.email|actor", value) for value in passed
    ), passed
    literals = set()
    for path in ROOT.glob("*/**/*.py"):
        if {"tests", "pages", "benchmarks", "scripts"} & set(path.parts):
            continue
        literals |= set(re.findall(r'\bactor="([^"]*)"', path.read_text(encoding="utf-8")))
    assert literals <= LITERAL_ACTORS, literals - LITERAL_ACTORS
