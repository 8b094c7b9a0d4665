"""Limits on guessing kept in the database: the client address (X-Forwarded-For only from
TRUSTED_PROXIES), the per-address login limit across accounts, and counts shared by two web
replicas of one database."""

from __future__ import annotations

import ipaddress
import re

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from surveys.db import read_session, write_session
from surveys.http.limits import client_subject
from surveys.models import StaffUser
from surveys.respondent.routes import respondent_routes
from surveys.respondent.security import invalid_link_limit
from surveys.runtime import AppContext
from surveys.staff.routes import staff_routes
from tests import factories
from tests.conftest import make_context
from tests.factories import PASSWORD

PROXIES = (ipaddress.ip_network("10.0.0.5/32"), ipaddress.ip_network("10.1.0.0/16"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not a proxy: the header is ignored
        ("10.0.0.5", "203.0.113.9", "203.0.113.9"),
        ("10.0.0.5", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the left is the client's word
        ("10.0.0.5", "203.0.113.9, 10.1.2.3", "203.0.113.9"),  # through two proxies
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.5", "", "10.0.0.5"),
        ("2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::/64"),  # one subscriber's block
        ("::ffff:192.0.2.1", "", "192.0.2.1"),
    ],
)
def test_the_client_address_believes_forwarded_headers_only_from_proxies(
    peer: str, forwarded: str, expected: str
) -> None:
    assert client_subject(peer, forwarded, PROXIES) == expected


def login(client: TestClient, email: str, password: str):
    page = client.get("/auth/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/auth/login", data={"email": email, "password": password, "csrf": csrf})


@pytest.fixture
def limited(tmp_path, database_url: str):
    context = make_context(tmp_path, database_url, LOGIN_ADDRESS_MAX_FAILURES="10")
    with write_session(context.engine) as session:
        factories.staff(session, email="quality@example.org", role="quality")
    yield context
    context.engine.dispose()


def client_from(context: AppContext, address: str) -> TestClient:
    app = Starlette(routes=staff_routes(context))
    return TestClient(app, follow_redirects=False, client=(address, 40000))


def failed_logins(context: AppContext) -> int:
    with read_session(context.engine) as session:
        user = session.exec(select(StaffUser).where(StaffUser.email == "quality@example.org"))
        return user.one().failed_logins


def test_failures_across_accounts_from_one_address_are_limited_without_locking_others(
    limited: AppContext,
) -> None:
    attacker = client_from(limited, "198.51.100.66")
    statuses = [login(attacker, f"nobody{n}@example.org", "guess").status_code for n in range(12)]
    assert statuses == [401] * 10 + [429] * 2
    refused = login(attacker, "quality@example.org", "still guessing")
    assert refused.status_code == 429 and "Trop de tentatives" in refused.text
    assert int(refused.headers["retry-after"]) > 0
    assert failed_logins(limited) == 0  # the blocked address added nothing to the account
    colleague = client_from(limited, "192.0.2.10")
    assert login(colleague, "quality@example.org", PASSWORD).status_code == 303


def test_a_forged_forwarded_header_neither_escapes_the_limit_nor_blames_someone_else(
    limited: AppContext,
) -> None:
    attacker = client_from(limited, "198.51.100.66")
    for number in range(10):
        attacker.headers["X-Forwarded-For"] = f"192.0.2.{number}"
        assert login(attacker, "nobody@example.org", "guess").status_code == 401
    attacker.headers["X-Forwarded-For"] = "192.0.2.10"  # the colleague's address
    assert login(attacker, "nobody@example.org", "guess").status_code == 429
    colleague = client_from(limited, "192.0.2.10")
    assert login(colleague, "quality@example.org", PASSWORD).status_code == 303


def test_two_replicas_count_the_same_invalid_links(tmp_path, database_url: str) -> None:
    """Two web replicas on one database: guesses spread over both still hit one limit."""
    replicas = [make_context(tmp_path / str(n), database_url) for n in range(2)]
    throttle = invalid_link_limit(limit=6)
    clients = [
        TestClient(Starlette(routes=respondent_routes(replica, throttle=throttle)))
        for replica in replicas
    ]
    statuses = [clients[n % 2].get(f"/r/{'Q' * 42}{n}").status_code for n in range(8)]
    assert statuses == [404] * 6 + [429] * 2
    for replica in replicas:
        replica.engine.dispose()
