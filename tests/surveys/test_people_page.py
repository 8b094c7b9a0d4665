"""The people page's forms under AppTest: each action says what it did and empties (add) or
reloads (edit) its form on purpose; a refused entry says why, in the reader's language, and
keeps what was typed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from surveys.db import read_session, write_session
from surveys.models import Enrolment, Person
from surveys.runtime import AppContext
from surveys.staff.auth import StaffIdentity
from tests import factories

PAGE = str(Path(__file__).resolve().parents[2] / "surveys" / "pages" / "people.py")
QUALITY = StaffIdentity(1, "camille.qualite@example.org", "Camille", "quality", "fr")


def _page(language: str = "fr") -> AppTest:
    app = AppTest.from_file(PAGE, default_timeout=30)
    app.session_state["identity"] = dataclasses.replace(QUALITY, language=language)
    app.run()
    assert not app.exception, [item.value for item in app.exception]
    return app


def _fill_new(app: AppTest, email: str, kind: str = "") -> None:
    app.text_input(key="new_person_first_name").input("Léa")
    app.text_input(key="new_person_last_name").input("Dupont")
    app.text_input(key="new_person_email").input(email)
    if kind:
        app.selectbox(key="new_person_stakeholder_type").set_value(kind)
    app.button(key="person_new_submit").click().run()
    assert not app.exception, [item.value for item in app.exception]


def test_adding_a_person_confirms_and_empties_the_form(app_env: AppContext) -> None:
    app = _page()
    _fill_new(app, "lea.dupont@example.org", "company")
    assert [item.value for item in app.success] == [
        "Léa Dupont est ajouté·e (lea.dupont@example.org)."
    ]
    assert app.text_input(key="new_person_email").value == ""  # ready for the next person
    with read_session(app_env.engine) as session:
        person = session.exec(select(Person)).one()
        assert (person.email, person.stakeholder_type) == ("lea.dupont@example.org", "company")


def test_a_bad_or_taken_address_is_refused_and_what_was_typed_stays(app_env: AppContext) -> None:
    with write_session(app_env.engine) as session:
        factories.person(session, email="sam@example.org")
    app = _page()
    _fill_new(app, "lea.dupont@")
    assert [item.value for item in app.error] == [
        "Adresse e-mail : « lea.dupont@ » n'est pas une adresse e-mail valide."
    ]
    assert app.text_input(key="new_person_last_name").value == "Dupont"
    app = _page("en")
    _fill_new(app, "SAM@example.org", "trainer")
    assert [item.value for item in app.error] == [
        "Email address: The address sam@example.org already belongs to another person: "
        "nothing was saved."
    ]
    assert app.text_input(key="new_person_email").value == "SAM@example.org"
    with read_session(app_env.engine) as session:
        assert len(session.exec(select(Person)).all()) == 1


def test_editing_a_person_and_their_enrolment_from_the_page(app_env: AppContext) -> None:
    with write_session(app_env.engine) as session:
        training = factories.training_session(session, code="DEV-WEB-2611")
        [learner] = factories.enrolled(session, training.id, 1, email="lea@exemple.org")
        person_id = learner.id
    app = _page()
    assert app.selectbox(key="edit_person_id").value == person_id
    email = app.text_input(key=f"edit_person_{person_id}_email")
    email.input("lea@example.org")
    app.button(key="person_edit_submit").click().run()
    assert app.success[0].value.startswith("Fiche de Camille ")
    assert "(e-mail). 0 message(s) en attente" in app.success[0].value
    assert app.text_input(key=f"edit_person_{person_id}_email").value == "lea@example.org"
    app.selectbox(key="edit_enrolment_id").select_index(0)
    status = app.selectbox(key=f"enrolment_status_{_enrolment_id(app_env)}")
    status.set_value("dropped_out")
    app.button(key="enrolment_status_save").click().run()
    assert app.success[0].value.startswith("Inscription à DEV-WEB-2611 : Abandon depuis le ")
    app.button(key="enrolment_remove").click().run()  # not confirmed: nothing removed
    assert app.warning and _enrolment_id(app_env) is not None
    app.checkbox(key=f"enrolment_remove_ok_{_enrolment_id(app_env)}").check().run()
    app.button(key="enrolment_remove").click().run()
    assert app.success[0].value.startswith("Inscription à DEV-WEB-2611 retirée : 0 invitation")
    assert _enrolment_id(app_env) is None
    assert [item.value for item in app.caption if "aucune session" in item.value]


def _enrolment_id(context: AppContext) -> int | None:
    with read_session(context.engine) as session:
        return session.exec(select(Enrolment.id)).first()
