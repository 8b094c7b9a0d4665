"""The API over real HTTP, on two web replicas of the real server sharing one database:
bulk upserts are idempotent item by item; scopes, revocation and the rate limit (counted in
the database, so across replicas) refuse as documented; each call is in the audit log."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import func, select

from api.keys import revoke_key
from surveys.config import load_settings
from surveys.db import read_session, write_session
from surveys.i18n import t
from surveys.models import ApiKey, AuditLog, Person, utc_now
from surveys.runtime import AppContext, build_context, prepare_database
from tests.api.support import bearer, client, new_key
from tests.support.server import RunningServer, run_python, server_env, start_server

pytestmark = pytest.mark.slow
RATE = 10


@pytest.fixture(scope="module")
def replicas(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[AppContext, list[RunningServer]]]:
    root = tmp_path_factory.mktemp("replicas")
    database = f"sqlite:///{root / 'shared.db'}"
    envs = [
        server_env(
            root / name, DATABASE_URL=database, DEMO_DATA="off", API_RATE_PER_MINUTE=str(RATE)
        )
        for name in ("one", "two")
    ]
    for env in envs:
        Path(env["DATA_DIR"]).mkdir(parents=True)
    context = build_context(load_settings(envs[0]))
    prepare_database(context)
    servers = [start_server(env) for env in envs]
    try:
        yield context, servers
    finally:
        for server in servers:
            server.stop()
        context.engine.dispose()


def people(count: int) -> list[dict[str, str]]:
    return [
        {
            "external_id": f"TMS-{number:05d}",
            "email": f"Apprenant.{number}@Example.org",
            "stakeholder_type": "Stagiaire",
            "first_name": "Camille",
            "last_name": f"Durand {number}",
            "organisation": "ACME",
            "language": "français",
        }
        for number in range(count)
    ]


def audit(context: AppContext, actor: str) -> list[AuditLog]:
    with read_session(context.engine) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.actor == actor)))


def test_a_thousand_people_twice_the_second_call_changes_nothing(replicas) -> None:
    context, (one, two) = replicas
    key = new_key(context, "Digiforma", ["people:write"])
    body = {"items": people(1000)}
    with client(one.base_url) as http:
        first = http.put("/api/v1/people", json=body, headers=bearer(key))
    with client(two.base_url) as http:
        second = http.put("/api/v1/people", json=body, headers=bearer(key))
    assert first.status_code == 200, first.text
    assert first.json()["counts"] == {"created": 1000, "updated": 0, "unchanged": 0, "error": 0}
    assert second.status_code == 200, second.text
    assert second.json()["counts"] == {"created": 0, "updated": 0, "unchanged": 1000, "error": 0}
    results = second.json()["results"]
    assert [item["result"] for item in results] == ["unchanged"] * 1000
    assert [item["external_id"] for item in results] == [p["external_id"] for p in body["items"]]
    with read_session(context.engine) as session:
        assert session.exec(select(func.count()).select_from(Person)).one() == 1000
        stored = session.exec(select(Person).where(Person.external_id == "TMS-00007")).one()
    assert (stored.email, stored.stakeholder_type, stored.language) == (
        "apprenant.7@example.org",
        "learner",
        "fr",
    )
    calls = audit(context, "api:Digiforma")
    assert [entry.details["status"] for entry in calls] == [200, 200]
    assert calls[1].details["unchanged"] == 1000


def test_item_errors_carry_the_import_messages_in_the_callers_language(replicas) -> None:
    context, (one, _two) = replicas
    key = new_key(context, "Dendreo", ["people:write"])
    items = [
        {"external_id": "X-1", "email": "pas-une-adresse", "stakeholder_type": "stagiaire"},
        {"external_id": "X-2", "email": "ok@example.org", "stakeholder_type": "astronaute"},
        {"external_id": "X-3", "email": "fine@example.org", "stakeholder_type": "OPCO"},
    ]
    with client(one.base_url) as http:
        french = http.put("/api/v1/people", json={"items": items}, headers=bearer(key)).json()
        english = http.put("/api/v1/people", json={"items": items}, headers=bearer(key, "en"))
    bad_email = t("people_import.errors.email", "fr", value="pas-une-adresse")
    assert french["results"][0] == {
        "index": 0,
        "external_id": "X-1",
        "result": "error",
        "field": "email",
        "message": bad_email,
    }
    assert french["results"][1]["message"] == t(
        "people_import.errors.type", "fr", value="astronaute"
    )
    assert french["results"][2]["result"] == "created"
    results = english.json()["results"]
    assert results[1]["message"] == t("people_import.errors.type", "en", value="astronaute")
    assert results[2]["result"] == "unchanged"


def test_scopes_revocation_and_the_rate_limit_refuse_and_are_logged(replicas) -> None:
    context, servers = replicas
    writer = new_key(context, "writer only", ["people:write"])
    with client(servers[0].base_url) as http:
        forbidden = http.get("/api/v1/campaigns/1/results", headers=bearer(writer))
        assert forbidden.status_code == 403
        assert forbidden.json()["error"]["code"] == "forbidden"
        with write_session(context.engine) as session:
            row = session.exec(select(ApiKey).where(ApiKey.name == "writer only")).one()
            revoke_key(session=session, key_id=row.id, actor="admin@example.org", now=utc_now())
        revoked = http.get("/api/v1/campaigns", headers=bearer(writer))
        assert revoked.status_code == 401 and revoked.json()["error"]["code"] == "revoked"
        assert http.get("/api/v1/campaigns").status_code == 401
    reasons = [entry.details.get("reason") for entry in audit(context, "api:writer only")]
    assert reasons == ["forbidden", "revoked"]


def test_the_rate_limit_holds_across_the_two_replicas(replicas) -> None:
    context, servers = replicas
    reader = new_key(context, "reader", ["results:read"])
    while time.time() % 60 > 40:  # all the calls below fall in one minute
        time.sleep(1)
    statuses, waits = [], []
    clients = [client(server.base_url) for server in servers]
    try:
        for number in range(RATE + 1):
            answer = clients[number % 2].get("/api/v1/coverage", headers=bearer(reader))
            statuses.append(answer.status_code)
            waits.append(answer.headers.get("retry-after"))
    finally:
        for http in clients:
            http.close()
    assert statuses == [200] * RATE + [429]  # not 2 x RATE: one count for both replicas
    assert 1 <= int(waits[-1]) <= 60
    logged = [entry.details["status"] for entry in audit(context, "api:reader")]
    assert logged == [200] * RATE + [429]


def readme_sync_example() -> str:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    after = text.split("<!-- api-sync-example -->", 1)[1]
    return after.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_sync_example_runs_against_the_server(replicas, tmp_path: Path) -> None:
    context, (one, _two) = replicas
    key = new_key(context, "README example")
    with client(one.base_url) as http:
        http.put(
            "/api/v1/programmes",
            json={"items": [{"external_id": "F-12", "name": "Excel avancé"}]},
            headers=bearer(key),
        )
        session = {
            "external_id": "S-31",
            "code": "XL-0326",
            "programme_external_id": "F-12",
            "start_date": "02/03/2026",
            "end_date": "06/03/2026",
        }
        http.put("/api/v1/sessions", json={"items": [session]}, headers=bearer(key))
    script = tmp_path / "sync.py"
    script.write_text(readme_sync_example(), encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text(
        "id;email;type;prenom;nom;entreprise;session_id;statut\n"
        "E-1;lea.martin@example.org;Stagiaire;Léa;Martin;ACME;S-31;Terminé\n"
        "E-2;pas-une-adresse;Stagiaire;Paul;Petit;ACME;S-31;Abandon\n",
        encoding="utf-8-sig",
    )
    env = {**os.environ, "API_URL": f"{one.base_url}/api/v1", "API_KEY": key}
    result = run_python(env, str(script), str(export), timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "people {'created': 1, 'updated': 0, 'unchanged': 0, 'error': 1}"
    email_problem = t("people_import.errors.email", "fr", value="pas-une-adresse")
    assert lines[1] == f"  line 3: email: {email_problem}"
    assert lines[2].startswith("enrolments {'created': 1,")
    with read_session(context.engine) as session:
        row = session.exec(select(Person).where(Person.external_id == "E-1")).one()
        assert row.first_name == "Léa"
