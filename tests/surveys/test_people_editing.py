"""Adding and editing people, marking and removing enrolments (SQLite and PostgreSQL): the
import's checks, a clear refusal that writes nothing, one audit entry naming the staff member
for each change, none when nothing changed."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import select

from surveys.db import read_session, write_session
from surveys.models import AuditLog, Enrolment, Invitation, Person, utc_now
from surveys.people.editing import (
    EditRefused,
    add_person,
    edit_person,
    person_enrolments,
    set_enrolment_status,
)
from surveys.runtime import AppContext
from tests import factories

ACTOR = "camille.qualite@example.org"
NOW = datetime(2026, 12, 2, 23, 30, tzinfo=utc_now().tzinfo)  # 00:30 on 3 December in Paris
NEW = {
    "first_name": "Léa",
    "last_name": "Dupont",
    "email": " Lea.Dupont@Example.org ",
    "stakeholder_type": "learner",
    "organisation": "Atelier Lumière",
    "language": "en",
}


def _log(context: AppContext) -> list[tuple[str, str, str, dict]]:
    with read_session(context.engine) as session:
        rows = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
        return [(row.actor, row.action, row.target, row.details) for row in rows]


def test_a_person_is_added_checked_and_logged_with_the_staff_member(context: AppContext) -> None:
    with write_session(context.engine) as session:
        person = add_person(session=session, values=NEW, actor=ACTOR, now=NOW)
        person_id = person.id
    with read_session(context.engine) as session:
        stored = session.get(Person, person_id)
        assert (stored.email, stored.language, stored.organisation) == (
            "lea.dupont@example.org",
            "en",
            "Atelier Lumière",
        )
    details = {"stakeholder_type": "learner", "language": "en"}
    assert _log(context)[-1] == (ACTOR, "person.create", f"person:{person_id}", details)


@pytest.mark.parametrize(
    ("changes", "key", "field"),
    [
        ({"email": "lea.dupont@"}, "people_import.errors.email", "email"),
        ({"email": ""}, "people_import.errors.required", "email"),
        ({"email": "LEA.DUPONT@example.org"}, "people.edit.errors.duplicate_email", "email"),
        ({"first_name": "Léa\r\nBcc: x@y.z"}, "people_import.errors.control_characters", ""),
    ],
)
def test_a_refused_person_writes_nothing_and_says_why(
    context: AppContext, changes: dict, key: str, field: str
) -> None:
    with write_session(context.engine) as session:
        add_person(session=session, values=NEW, actor=ACTOR, now=NOW)
    before = _log(context)
    with pytest.raises(EditRefused) as refused, write_session(context.engine) as session:
        add_person(session=session, values=NEW | changes, actor=ACTOR, now=NOW)
    assert refused.value.key == key
    assert not field or refused.value.field == field
    assert "{" not in refused.value.message("fr") and "{" not in refused.value.message("en")
    with read_session(context.engine) as session:
        assert len(session.exec(select(Person)).all()) == 1
    assert _log(context) == before


def test_editing_names_the_changed_fields_and_refuses_a_taken_address(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        other = factories.person(session, email="sam@example.org")
        person = add_person(session=session, values=NEW, actor=ACTOR, now=NOW)
        person_id, other_id = person.id, other.id
    values = NEW | {"stakeholder_type": "company", "language": "fr"}
    with write_session(context.engine) as session:
        change = edit_person(
            session=session, person_id=person_id, values=values, actor=ACTOR, now=NOW
        )
        assert change.changed == ["stakeholder_type", "language"]
    with write_session(context.engine) as session:  # the same values again: nothing to log
        assert not edit_person(
            session=session, person_id=person_id, values=values, actor=ACTOR, now=NOW
        ).changed
    with pytest.raises(EditRefused) as refused, write_session(context.engine) as session:
        edit_person(
            session=session,
            person_id=person_id,
            values=values | {"email": "SAM@example.org", "last_name": "Durand"},
            actor=ACTOR,
            now=NOW,
        )
    assert "sam@example.org" in refused.value.message("fr")
    with read_session(context.engine) as session:
        stored = session.get(Person, person_id)
        assert (stored.email, stored.last_name) == ("lea.dupont@example.org", "Dupont")
        assert session.get(Person, other_id).email == "sam@example.org"
    edits = [entry for entry in _log(context) if entry[1] == "person.edit"]
    assert edits == [(ACTOR, "person.edit", f"person:{person_id}",
                      {"fields": ["stakeholder_type", "language"]})]  # fmt: skip


def test_a_fixed_address_forgets_the_old_bounce(context: AppContext) -> None:
    with write_session(context.engine) as session:
        invited = factories.invite(session, factories.open_campaign(
            session, factories.published_version(session)), secret="s")  # fmt: skip
        person = session.get(Person, invited.person_id)
        person.bounced_at = utc_now()
        invitation = session.get(Invitation, invited.invitation_id)
        invitation.status = "bounced"
        values = {name: getattr(person, name) for name in NEW} | {"email": "fixed@example.org"}
    with write_session(context.engine) as session:
        change = edit_person(
            session=session, person_id=invited.person_id, values=values, actor=ACTOR, now=NOW
        )
    assert change.bounce_cleared and change.messages_following == 1  # the pending reminder
    with read_session(context.engine) as session:
        assert session.get(Person, invited.person_id).bounced_at is None
        assert session.get(Invitation, invited.invitation_id).status == "failed"  # resendable


def test_an_enrolment_status_is_dated_in_paris_and_logged_once(context: AppContext) -> None:
    with write_session(context.engine) as session:
        training = factories.training_session(session, code="DEV-WEB-2611")
        learner_id = factories.enrolled(session, training.id, 1)[0].id
        enrolment_id = session.exec(select(Enrolment.id)).one()
    # the same status twice on the Paris day (the second time changes nothing), then given a day
    for day in (None, None, date(2026, 11, 27)):
        with write_session(context.engine) as session:
            set_enrolment_status(
                session=session,
                enrolment_id=enrolment_id,
                status="dropped_out",
                actor=ACTOR,
                now=NOW,
                day=day,
            )
    with read_session(context.engine) as session:
        [row] = person_enrolments(session=session, person_id=learner_id)
    assert (row["session"], row["status"], row["status_changed_on"]) == (
        "DEV-WEB-2611",
        "dropped_out",
        date(2026, 11, 27),
    )
    statuses = [entry for entry in _log(context) if entry[1] == "enrolment.status"]
    assert statuses == [
        (ACTOR, "enrolment.status", f"enrolment:{enrolment_id}",
         {"from": "enrolled", "to": "dropped_out", "on": "2026-12-03"}),  # Paris day
        (ACTOR, "enrolment.status", f"enrolment:{enrolment_id}",
         {"from": "dropped_out", "to": "dropped_out", "on": "2026-11-27"}),
    ]  # fmt: skip
