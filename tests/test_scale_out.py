"""Past one machine, as the README's scale-out path says: two web replicas (`streamlit run`
on two ports, DISPATCHER=off) and two `python -m reminders run` workers on one PostgreSQL
server, on loopback. What guards against abuse holds across the replicas (it is counted in the
database); a campaign of 2,000 messages is sent exactly once across the two workers; a
respondent who saves on one replica and resumes on the other loses nothing."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import select

from reminders.planner import plan_due
from surveys.campaigns import invitation_token
from surveys.config import load_settings, paris_day
from surveys.db import read_session, write_session
from surveys.models import (
    AbuseEvent,
    Answer,
    Campaign,
    Enrolment,
    Invitation,
    OutboundMessage,
    Person,
    Response,
    ResponseDraft,
    utc_now,
)
from surveys.respondent.security import INVALID_LINKS_PER_WINDOW, form_guard
from surveys.respondent.service import version_form
from surveys.runtime import AppContext, build_context, ensure_organisation, prepare_database
from surveys.staff.accounts import create_user
from tests import factories
from tests.api.support import bearer, new_key
from tests.conftest import _fresh_postgres_database
from tests.factories import complete_answers, section_fields
from tests.support.server import ROOT, RunningServer, server_env, start_server
from tests.support.smtp import SmtpServer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
CAMPAIGN_SIZE = 2000
LOGIN_MAX_FAILURES = 3
LOGIN_ADDRESS_MAX_FAILURES = 6
API_RATE = 6
STAFF_EMAIL, STAFF_PASSWORD = "qualite@scale.example.org", "Scale-out-2026!"
SEND_DEADLINE_SECONDS = 300  # a bound on the wait, not a speed assertion


@dataclass
class Cluster:
    context: AppContext
    replicas: list[RunningServer]
    envs: list[dict[str, str]]
    smtp: SmtpServer


def _seed(context: AppContext) -> None:
    """A hot plan over a session that ended two days ago, its 2,000 learners, a staff user."""
    with write_session(context.engine) as session:
        factories.organisation(session)
        version = factories.published_version(session)
        programme = factories.programme(session)
        ended = paris_day(utc_now()) - timedelta(days=2)
        training = factories.training_session(session, programme.id, end_date=ended)
        factories.plan(session, version, programme.id)
        create_user(session=session, email=STAFF_EMAIL, role="quality", password=STAFF_PASSWORD)
        training_id = training.id
    now = utc_now()
    with context.engine.begin() as connection:
        ids = connection.execute(
            sa.insert(Person.__table__).returning(Person.__table__.c.id),
            [
                {
                    "email": f"learner{number:04d}@scale.example.org",
                    "first_name": "Camille",
                    "last_name": f"Martin {number}",
                    "stakeholder_type": "learner",
                    "language": "fr",
                    "created_at": now,
                    "updated_at": now,
                }
                for number in range(CAMPAIGN_SIZE)
            ],
        ).scalars()
        connection.execute(
            sa.insert(Enrolment.__table__),
            [{"person_id": pid, "session_id": training_id, "role": "learner"} for pid in ids],
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, postgres_server) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("scale-out")
    database = _fresh_postgres_database(postgres_server)
    smtp = SmtpServer().start()
    shared = {
        "DATABASE_URL": database,
        "DEMO_DATA": "off",
        "DISPATCHER": "off",
        "LOGIN_MAX_FAILURES": str(LOGIN_MAX_FAILURES),
        "LOGIN_ADDRESS_MAX_FAILURES": str(LOGIN_ADDRESS_MAX_FAILURES),
        "API_RATE_PER_MINUTE": str(API_RATE),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_SECURITY": "none",
        "MAIL_FROM": "qualite@scale.example.org",
        "MAIL_RATE_PER_MINUTE": "1000000",
        "MAIL_RATE_PER_DAY": "10000000",
    }
    envs = [server_env(root / name, **shared) for name in ("web-a", "web-b")]
    for env in envs:
        Path(env["DATA_DIR"]).mkdir(parents=True)
    context = build_context(load_settings(envs[0]))
    prepare_database(context)
    ensure_organisation(context)
    _seed(context)
    replicas = [start_server(env) for env in envs]
    try:
        yield Cluster(context, replicas, envs, smtp)
    finally:
        for replica in replicas:
            replica.stop()
        smtp.stop()
        context.engine.dispose()


def _clients(cluster: Cluster) -> list[httpx.Client]:
    return [httpx.Client(base_url=r.base_url, timeout=60) for r in cluster.replicas]


def _start_worker(env: dict[str, str], name: str) -> subprocess.Popen[str]:
    data_dir = Path(env["DATA_DIR"]).parent / name
    data_dir.mkdir(exist_ok=True)
    log = open(data_dir / "worker.log", "w")  # noqa: SIM115  (kept open for the process)
    return subprocess.Popen(
        [sys.executable, "-m", "reminders", "run", "--interval", "1"],
        cwd=ROOT,
        env={**env, "DATA_DIR": str(data_dir)},
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _all_sent(cluster: Cluster) -> bool:
    with read_session(cluster.context.engine) as session:
        statuses = session.exec(select(OutboundMessage.status)).all()
    return len(statuses) == CAMPAIGN_SIZE and set(statuses) == {"sent"}


def test_a_campaign_of_two_thousand_is_sent_once_across_two_workers(cluster: Cluster) -> None:
    workers = [_start_worker(cluster.envs[n], f"worker-{n}") for n in range(2)]
    try:
        deadline = time.monotonic() + SEND_DEADLINE_SECONDS
        while not _all_sent(cluster) and time.monotonic() < deadline:
            assert all(worker.poll() is None for worker in workers), "a worker died"
            time.sleep(0.5)
        time.sleep(3)  # two more passes of each worker: nothing may be sent again
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    received = cluster.smtp.handler.recipients()
    assert len(received) == CAMPAIGN_SIZE
    assert set(received.values()) == {1}  # each address exactly once
    with read_session(cluster.context.engine) as session:
        rows = session.exec(select(OutboundMessage.status, OutboundMessage.claimed_by)).all()
        invitations = session.exec(select(Invitation.status)).all()
    assert {status for status, _ in rows} == {"sent"} and len(rows) == CAMPAIGN_SIZE
    assert len({worker for _, worker in rows}) == 2  # both workers really sent a share
    assert len(invitations) == CAMPAIGN_SIZE and set(invitations) == {"sent"}


def test_invalid_links_are_throttled_once_for_both_replicas(cluster: Cluster) -> None:
    clients = _clients(cluster)
    try:
        statuses = [
            clients[number % 2].get(f"/r/{'Q' * 40}{number:03d}").status_code
            for number in range(INVALID_LINKS_PER_WINDOW + 2)
        ]
    finally:
        for http in clients:
            http.close()
    # Each replica saw only half the guesses: alone, neither would have throttled.
    assert statuses == [404] * INVALID_LINKS_PER_WINDOW + [429, 429]


def _login(http: httpx.Client, email: str, password: str) -> httpx.Response:
    page = http.get("/auth/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return http.post(
        "/auth/login",
        content=urlencode({"csrf": csrf, "email": email, "password": password, "lang": "fr"}),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def test_login_limits_hold_across_replicas(cluster: Cluster) -> None:
    clients = _clients(cluster)
    try:
        wrong = [
            _login(clients[n % 2], STAFF_EMAIL, "wrong-password").status_code
            for n in range(LOGIN_MAX_FAILURES)
        ]
        # The account is locked on both replicas: even the right password is refused.
        locked = [_login(http, STAFF_EMAIL, STAFF_PASSWORD) for http in clients]
        with read_session(cluster.context.engine) as session:
            counted = session.exec(
                select(sa.func.count()).where(AbuseEvent.scope == "login_failure")
            ).one()
        others = [
            _login(clients[n % 2], f"nobody{n}@scale.example.org", "x").status_code
            for n in range(LOGIN_ADDRESS_MAX_FAILURES - counted + 2)
        ]
    finally:
        for http in clients:
            http.close()
    assert wrong == [401] * LOGIN_MAX_FAILURES
    assert all(answer.status_code == 401 and "session" not in answer.cookies for answer in locked)
    # The address limit counts the failures of both replicas together.
    assert others[-2:] == [429, 429] and others.count(401) == LOGIN_ADDRESS_MAX_FAILURES - counted


def test_the_api_rate_limit_is_one_count_for_both_replicas(cluster: Cluster) -> None:
    reader = new_key(cluster.context, "scale reader", ["results:read"])
    while time.time() % 60 > 40:  # all the calls below fall in one minute
        time.sleep(1)
    clients = _clients(cluster)
    try:
        statuses = [
            clients[n % 2].get("/api/v1/coverage", headers=bearer(reader)).status_code
            for n in range(API_RATE + 2)
        ]
    finally:
        for http in clients:
            http.close()
    assert statuses == [200] * API_RATE + [429, 429]


def _post_section(http, form, token, secret, index, answers) -> httpx.Response:  # type: ignore[no-untyped-def]
    last = len(form.sections) - 1
    fields = [
        ("guard", form_guard(session_secret=secret, token=token, purpose="section", section=index)),
        ("section", str(index)),
        ("lang", "fr"),
        ("action", "submit" if index == last else "next"),
        *section_fields(form, index, answers),
    ]
    return http.post(
        f"/r/{token}",
        content=urlencode(fields),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def test_a_respondent_saves_on_one_replica_and_finishes_on_the_other(cluster: Cluster) -> None:
    context, secret = cluster.context, cluster.context.settings.session_secret
    with write_session(context.engine) as session:
        plan_due(session=session, now=utc_now(), settings=context.settings)  # no-op if planned
        invitation = session.exec(select(Invitation).order_by(Invitation.id.desc())).first()
        token = invitation_token(invitation, session_secret=secret)
        campaign = session.get(Campaign, invitation.campaign_id)
        form = version_form(session, campaign.survey_version_id)
        invitation_id = invitation.id
    answers = complete_answers(form)
    first, second = _clients(cluster)
    try:
        assert first.get(f"/r/{token}").status_code == 200
        assert _post_section(first, form, token, secret, 0, answers).status_code == 303
        resumed = second.get(f"/r/{token}")
        assert resumed.status_code == 200
        assert 'name="section" value="1"' in resumed.text  # where the person left off
        with read_session(context.engine) as session:
            draft = session.exec(
                select(ResponseDraft).where(ResponseDraft.invitation_id == invitation_id)
            ).one()
        saved = {q.id for q in form.sections[0].questions if q.id in answers}
        assert saved and saved <= set(draft.answers)
        for index in range(1, len(form.sections)):
            assert _post_section(second, form, token, secret, index, answers).status_code == 303
    finally:
        first.close()
        second.close()
    with read_session(context.engine) as session:
        assert session.get(Invitation, invitation_id).status == "completed"
        responses = session.exec(select(Response.id)).all()
        stored = session.exec(select(Answer).where(Answer.response_id.in_(responses))).all()
    assert len(responses) == 1
    assert {answer.question_id for answer in stored} == set(answers)  # nothing lost
