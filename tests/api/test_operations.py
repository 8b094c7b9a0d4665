"""The API's operations in process (Starlette's test client on the real routes and a real
SQLite database): sessions, enrolments, complaints, reads, and the events they record."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select
from starlette.applications import Starlette

from api.routes import api_routes
from reminders.planner import close_finished_campaigns
from surveys.db import read_session, write_session
from surveys.i18n import t
from surveys.models import (
    ApiKey,
    AuditLog,
    Complaint,
    Enrolment,
    Person,
    TrainingSession,
    WebhookDelivery,
    utc_now,
)
from surveys.people.enrolment_status import parse_enrolment_status
from surveys.runtime import AppContext
from tests.api.support import bearer, endpoint, invited, new_key, submit

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def api(context: AppContext) -> Iterator[tuple[TestClient, dict[str, str]]]:
    key = new_key(context, "TMS")
    with TestClient(Starlette(routes=api_routes(context))) as http:
        yield http, bearer(key)


PROGRAMME = {"items": [{"external_id": "P-1", "name": "Excel avancé"}]}
TRAINER = {
    "external_id": "T-1",
    "email": "formatrice@example.org",
    "stakeholder_type": "formatrice",
}
LEARNER = {"external_id": "L-1", "email": "apprenant@example.org", "stakeholder_type": "stagiaire"}


def session_item(**changes: object) -> dict[str, object]:
    item = {
        "external_id": "S-1",
        "code": "XL-2026-01",
        "programme_external_id": "P-1",
        "start_date": "01/06/2026",
        "end_date": "05/06/2026",
        "modality": "classe virtuelle",
        "lms": "Moodle",
        "trainers": ["T-1"],
    }
    return {**item, **changes}


def results(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["result"] for item in response.json()["results"]]


def test_enrolment_statuses_are_read_from_the_usual_words() -> None:
    expected = {
        "Inscrit": "enrolled",
        "en cours": "in_progress",
        "Terminé": "completed",
        "ACHEVÉ": "completed",
        "Abandonné": "dropped_out",
        "Arrêt": "dropped_out",
        "dropped out": "dropped_out",
        "Absent": "absent",
        "Non présenté": "absent",
        "no-show": "absent",
        "": None,
    }
    assert {word: parse_enrolment_status(word) for word in expected} == expected
    with pytest.raises(ValueError):
        parse_enrolment_status("peut-être")


def test_sessions_with_their_trainers_are_created_then_unchanged(api, context) -> None:
    http, headers = api
    assert results(http.put("/api/v1/programmes", json=PROGRAMME, headers=headers)) == ["created"]
    http.put("/api/v1/people", json={"items": [TRAINER, LEARNER]}, headers=headers)
    body = {"items": [session_item()]}
    assert results(http.put("/api/v1/sessions", json=body, headers=headers)) == ["created"]
    assert results(http.put("/api/v1/sessions", json=body, headers=headers)) == ["unchanged"]
    moved = {"items": [session_item(end_date="2026-06-12", trainers=[])]}
    assert results(http.put("/api/v1/sessions", json=moved, headers=headers)) == ["updated"]
    with read_session(context.engine) as session:
        row = session.exec(select(TrainingSession)).one()
        trainers = session.exec(select(Enrolment).where(Enrolment.role == "trainer")).all()
    assert (row.modality, row.lms, str(row.end_date), trainers) == (
        "remote",
        "Moodle",
        "2026-06-12",
        [],
    )


def test_a_session_item_gets_the_import_messages(api) -> None:
    http, headers = api
    http.put("/api/v1/programmes", json=PROGRAMME, headers=headers)
    body = {
        "items": [
            session_item(external_id="S-2", code="A", end_date="31/02/2026"),
            session_item(external_id="S-3", code="B", start_date="10/06/2026"),
            session_item(external_id="S-4", code="C", programme_external_id="P-404"),
            session_item(external_id="S-5", code="D", modality="par pigeon"),
        ]
    }
    answer = http.put("/api/v1/sessions", json=body, headers=headers).json()["results"]
    assert [(item["field"], item["message"]) for item in answer] == [
        ("end_date", t("people_import.errors.date", "fr", value="31/02/2026")),
        ("end_date", t("people_import.errors.end_before_start", "fr")),
        ("programme_external_id", t("api.errors.unknown_programme", "fr", id="P-404")),
        ("modality", t("people_import.errors.modality", "fr", value="par pigeon")),
    ]


def test_an_enrolment_status_change_is_dated_and_logged(api, context) -> None:
    http, headers = api
    http.put("/api/v1/programmes", json=PROGRAMME, headers=headers)
    http.put("/api/v1/people", json={"items": [TRAINER, LEARNER]}, headers=headers)
    http.put("/api/v1/sessions", json={"items": [session_item()]}, headers=headers)
    enrolment = {"person_external_id": "L-1", "session_external_id": "S-1", "status": "inscrit"}
    assert results(
        http.put("/api/v1/enrolments", json={"items": [enrolment]}, headers=headers)
    ) == ["created"]
    dropped = {**enrolment, "status": "Abandon", "status_changed_on": "03/06/2026"}
    for expected in ("updated", "unchanged"):
        answer = http.put("/api/v1/enrolments", json={"items": [dropped]}, headers=headers)
        assert results(answer) == [expected]
    bad = {**enrolment, "status": "peut-être"}
    answer = http.put("/api/v1/enrolments", json={"items": [bad]}, headers=headers).json()
    assert answer["results"][0]["message"] == t("api.errors.status", "fr", value="peut-être")
    with read_session(context.engine) as session:
        row = session.exec(select(Enrolment).where(Enrolment.role == "learner")).one()
        logged = session.exec(select(AuditLog).where(AuditLog.action == "enrolment.status")).all()
    assert (row.status, str(row.status_changed_on)) == ("dropped_out", "2026-06-03")
    assert [entry.details["to"] for entry in logged] == ["dropped_out"]
    assert logged[0].actor == "api:TMS"


def test_an_incident_lands_in_the_register_once(api, context) -> None:
    http, headers = api
    endpoint(context, "http://127.0.0.1:9/never")
    today = utc_now().date().isoformat()
    ticket = {
        "external_id": "HD-42",
        "theme": "son/image",
        "summary": "Pas de son",
        "received_on": today,
    }
    future = {**ticket, "external_id": "HD-43", "received_on": "2099-01-01"}
    body = {"items": [ticket, future]}
    first = http.post("/api/v1/complaints", json=body, headers=headers).json()["results"]
    second = http.post("/api/v1/complaints", json=body, headers=headers).json()["results"]
    assert [item["result"] for item in first] == ["created", "error"]
    assert first[1]["message"] == t("improve.errors.received_future", "fr")
    assert [item["result"] for item in second] == ["unchanged", "error"]
    with read_session(context.engine) as session:
        (complaint,) = session.exec(select(Complaint)).all()
        events = session.exec(select(WebhookDelivery.event_type)).all()
    assert (complaint.kind, complaint.theme, complaint.source) == (
        "incident",
        "virtual_classroom",
        "ticket",
    )
    assert events == []  # this endpoint takes response.submitted only


def test_anonymous_campaigns_name_nobody(api, context) -> None:
    http, headers = api
    people = invited(context, 2, anonymous=True)
    submit(context, people[0])
    campaign_id = people[0].campaign_id
    listing = http.get(f"/api/v1/campaigns/{campaign_id}/invitations", headers=headers).json()
    assert listing["anonymous"] is True and listing["invitations"] == []
    assert listing["counts"]["completed"] == 1
    answer = http.get(f"/api/v1/campaigns/{campaign_id}/responses", headers=headers)
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "anonymous"
    scores = http.get(f"/api/v1/campaigns/{campaign_id}/results", headers=headers).json()
    assert scores["respondents"] == 1 and scores["questions"]
    assert all(q["protected"] and q["mean"] is None for q in scores["questions"])


def test_named_campaigns_list_who_answered_and_what(api, context) -> None:
    http, headers = api
    people = invited(context, 2)
    submit(context, people[1])
    campaign_id = people[1].campaign_id
    listing = http.get(f"/api/v1/campaigns/{campaign_id}/invitations", headers=headers).json()
    statuses = {item["person_id"]: item["status"] for item in listing["invitations"]}
    assert statuses == {people[0].person_id: "sent", people[1].person_id: "completed"}
    answers = http.get(f"/api/v1/campaigns/{campaign_id}/responses", headers=headers).json()
    (response,) = answers["responses"]
    assert response["person_id"] == people[1].person_id and response["answers"]


def test_closing_a_campaign_records_its_event(context: AppContext) -> None:
    endpoint(context, "http://127.0.0.1:9/x")
    with write_session(context.engine) as session:
        session.execute(sa.text("UPDATE webhook_endpoint SET events = '[\"campaign.closed\"]'"))
    (person,) = invited(context, 1)
    with write_session(context.engine) as session:
        closed = close_finished_campaigns(session=session, now=utc_now() + timedelta(days=40))
    with read_session(context.engine) as session:
        rows = session.exec(select(WebhookDelivery)).all()
    assert closed == 1
    assert [(row.event_type, row.payload["data"]["campaign_id"]) for row in rows] == [
        ("campaign.closed", person.campaign_id)
    ]


def test_keys_are_stored_hashed_and_unknown_keys_refused(api, context) -> None:
    http, headers = api
    key = headers["Authorization"].split()[1]
    with read_session(context.engine) as session:
        (row,) = session.exec(select(ApiKey)).all()
    assert key not in (row.key_hash, row.prefix) and key.startswith(row.prefix)
    wrong = {"Authorization": "Bearer " + key[:-2] + "xx", "Accept-Language": "en"}
    answer = http.get("/api/v1/coverage", headers=wrong)
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == t("api.errors.unauthorized", "en")
    too_big = http.put("/api/v1/people", content=b"x" * (3 * 1024 * 1024), headers=headers)
    assert too_big.status_code == 413
    chunks = (b"x" * 1024 * 1024 for _ in range(3))  # no Content-Length: chunked
    assert http.put("/api/v1/people", content=chunks, headers=headers).status_code == 413


def test_a_database_refusal_sinks_only_its_own_item(sqlite_context: AppContext) -> None:
    key = new_key(sqlite_context, "TMS")
    with write_session(sqlite_context.engine) as session:  # another writer's row, say
        session.execute(
            sa.text(
                "CREATE TRIGGER refuse_boom BEFORE INSERT ON person "
                "WHEN NEW.email = 'boom@example.org' "
                "BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: person.email'); END"
            )
        )
    items = [
        {
            "external_id": f"B-{name}",
            "email": f"{name}@example.org",
            "stakeholder_type": "stagiaire",
        }
        for name in ("first", "boom", "last")
    ]
    with TestClient(Starlette(routes=api_routes(sqlite_context))) as http:
        answer = http.put("/api/v1/people", json={"items": items}, headers=bearer(key)).json()
    assert [item["result"] for item in answer["results"]] == ["created", "error", "created"]
    assert answer["results"][1]["message"] == t("api.errors.conflict", "fr")
    with read_session(sqlite_context.engine) as session:
        emails = session.exec(select(Person.email).order_by(Person.email)).all()
    assert emails == ["first@example.org", "last@example.org"]
