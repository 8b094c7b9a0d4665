"""The real server (`streamlit run streamlit_app.py`) on loopback, attacked the way the
hardening campaign did: a training room behind one address, guessed links with forged
`X-Forwarded-For`, chunked bodies on every route of ours, a page of another origin opening the
staff websocket or framing the staff pages."""

from __future__ import annotations

import base64
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from sqlmodel import select

from surveys.config import load_settings
from surveys.db import read_session, write_session
from surveys.models import Response
from surveys.respondent.security import INVALID_LINKS_PER_WINDOW, form_guard
from surveys.respondent.service import version_form
from surveys.runtime import AppContext, build_context
from tests.factories import (
    Invited,
    complete_answers,
    invite,
    open_campaign,
    respondent_version,
    section_fields,
)
from tests.support.server import RunningServer, run_cli, server_env, start_server

pytestmark = pytest.mark.slow
ROOM_SIZE = 25


@dataclass
class Served:
    server: RunningServer
    context: AppContext
    room: list[Invited]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    env = server_env(tmp_path_factory.mktemp("server"), DEMO_DATA="off")
    run_cli(env, "surveys", "init")
    context = build_context(load_settings(env))
    secret = context.settings.session_secret
    with write_session(context.engine) as session:
        room_campaign = open_campaign(session, respondent_version(session))
        room = [invite(session, room_campaign, secret=secret) for _ in range(ROOM_SIZE)]
    running = start_server(env)
    yield Served(running, context, room)
    running.stop()
    context.engine.dispose()


def answer_every_section(client: httpx.Client, served: Served, invited: Invited) -> None:
    with read_session(served.context.engine) as session:
        form = version_form(session, invited.version_id)
    answers = complete_answers(form)
    secret = served.context.settings.session_secret
    last = len(form.sections) - 1
    assert client.get(f"/r/{invited.token}").status_code == 200
    for index in range(last + 1):
        guard = form_guard(
            session_secret=secret, token=invited.token, purpose="section", section=index
        )
        fields = [
            ("guard", guard),
            ("section", str(index)),
            ("lang", "fr"),
            ("action", "submit" if index == last else "next"),
            *section_fields(form, index, answers),
        ]
        posted = client.post(
            f"/r/{invited.token}",
            content=urlencode(fields),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert posted.status_code == 303, posted.text


def test_the_room_case_everyone_answers_guessing_is_throttled_valid_links_still_open(
    served: Served,
) -> None:
    """25 people behind one address each answer with their own link; 25 invalid tokens from
    that address (each with a forged X-Forwarded-For) are throttled; a valid link still opens."""
    with httpx.Client(base_url=served.server.base_url, timeout=30) as client:
        for invited in served.room[:-1]:
            answer_every_section(client, served, invited)
        statuses = [
            client.get(
                f"/r/{'Z' * 40}{number:03d}", headers={"X-Forwarded-For": f"203.0.113.{number}"}
            ).status_code
            for number in range(ROOM_SIZE)
        ]
        assert statuses[:INVALID_LINKS_PER_WINDOW] == [404] * INVALID_LINKS_PER_WINDOW
        assert set(statuses[INVALID_LINKS_PER_WINDOW:]) == {429}
        throttled = client.get(f"/r/{'Y' * 43}")
        assert throttled.status_code == 429 and "Trop de tentatives" in throttled.text
        answer_every_section(client, served, served.room[-1])  # after the guessing: opens
    with read_session(served.context.engine) as session:
        assert len(session.exec(select(Response.id)).all()) == ROOM_SIZE


def websocket_handshake(base_url: str, origin: str | None) -> int:
    """The HTTP status of a real websocket upgrade of the staff pages' stream."""
    parts = urlsplit(base_url)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        "GET /_stcore/stream HTTP/1.1",
        f"Host: {parts.netloc}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Protocol: streamlit",
    ]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status_line = connection.recv(4096).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def test_only_the_apps_own_origin_opens_the_staff_websocket(served: Served) -> None:
    base = served.server.base_url
    port = urlsplit(base).port
    assert websocket_handshake(base, base) == 101
    assert websocket_handshake(base, f"http://localhost:{port}") == 101  # same app, other name
    for foreign in ("http://127.0.0.1:9999", f"https://127.0.0.1:{port}", "http://evil.example"):
        assert websocket_handshake(base, foreign) == 403, foreign


FRAMING = ("x-frame-options", "SAMEORIGIN")
LOGIN_FIELD = 'autocomplete="current-password"'
SHELL_MARK = 'id="root"'


def test_staff_pages_and_our_routes_refuse_to_be_framed_by_others(served: Served) -> None:
    with httpx.Client(base_url=served.server.base_url, timeout=30) as client:
        for path in ("/", "/people", "/auth/login", "/auth/logout", f"/r/{served.room[0].token}"):
            response = client.get(path)
            assert response.headers.get(FRAMING[0]) == FRAMING[1], path
            policy = response.headers.get("content-security-policy", "")
            assert "frame-ancestors 'self'" in policy, path


def chunks(count: int, size: int = 1024 * 1024) -> Iterator[bytes]:
    field = b"x" * size
    for number in range(count):
        yield b"f%d=" % number + field + b"&"


def test_a_chunked_body_is_refused_on_every_post_route_of_ours(served: Served) -> None:
    token = served.room[0].token
    paths = ("/auth/login", "/auth/logout", f"/r/{token}", f"/u/{token}", "/preview/survey/1")
    with httpx.Client(base_url=served.server.base_url, timeout=60) as client:
        for path in paths:
            response = client.post(
                path,
                content=chunks(20),
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert response.status_code == 413, path
            assert "Requête trop volumineuse" in response.text, path


@pytest.mark.browser
def test_in_a_real_browser_only_our_own_pages_can_frame_ours(
    served: Served, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from tests.support.browser import chromium

    base = served.server.base_url
    folder = tmp_path_factory.mktemp("foreign")
    frame = f'<iframe id="target" src="{base}/people" width="600" height="400"></iframe>'
    (folder / "index.html").write_text(f"<!doctype html><title>other site</title>{frame}")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    foreign = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    try:
        with chromium() as browser:
            page = browser.new_context(locale="fr-FR").new_page()
            page.goto(f"http://127.0.0.1:{foreign.server_port}/index.html")
            page.wait_for_timeout(1500)
            [framed] = [item for item in page.frames if item != page.main_frame]
            assert SHELL_MARK not in framed.content()  # the staff shell: refused by the browser
            page.goto(f"{base}/auth/logout")  # one of our pages frames another of ours
            page.evaluate(
                """() => new Promise((done) => {
                    const frame = document.createElement('iframe');
                    frame.src = '/auth/login';
                    frame.onload = done;
                    document.body.appendChild(frame);
                })"""
            )
            [same] = [item for item in page.frames if item != page.main_frame]
            assert LOGIN_FIELD in same.content() and "Mot de passe" in same.content()
    finally:
        foreign.shutdown()
