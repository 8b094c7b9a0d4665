"""Must-show 1 of issue 15, with real parts only: the session link made by the command line,
its QR code read back by a real decoder (Debian's zbarimg), 20 phones (Chromium contexts, one
cookie jar each) answering an anonymous survey from one address, the projection page counting
them; and for a named survey, typing a classmate's address does not open their form: their
own link goes to their mailbox (a real SMTP server on loopback), through the dispatcher."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from starlette.applications import Starlette

from reminders.dispatcher import tick
from surveys.config import paris_day
from surveys.db import read_session, write_session
from surveys.models import Invitation, OutboundMessage, Response, utc_now
from surveys.respondent.routes import respondent_routes
from surveys.room.routes import room_routes
from surveys.runtime import AppContext
from surveys.staff.routes import staff_routes
from tests import factories
from tests.conftest import make_context
from tests.factories import respondent_version as published_version
from tests.support.browser import chromium
from tests.support.server import ROOT, free_port, run_cli, serve_in_thread
from tests.support.smtp import SmtpServer, smtp_settings
from tests.support.tools import missing_tool

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONES = 20
FILL_SECTION = """() => {
  for (const group of document.querySelectorAll('fieldset')) {
    const choice = group.querySelector('input[type=radio], input[type=checkbox]');
    if (choice) choice.checked = true;
  }
  for (const text of document.querySelectorAll('textarea')) text.value = 'Bien.';
}"""


@pytest.fixture
def served(tmp_path: Path, smtp: SmtpServer) -> Iterator[tuple[AppContext, str]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    context = make_context(
        tmp_path,
        f"sqlite:///{tmp_path / 'app.db'}",
        PUBLIC_BASE_URL=base,
        **smtp_settings(smtp.port),
    )
    routes = [*staff_routes(context), *respondent_routes(context), *room_routes(context)]
    with serve_in_thread(Starlette(routes=routes), port):
        yield context, base
    context.engine.dispose()


def a_session(context: AppContext, code: str, *, anonymous: bool, learners: int) -> list[str]:
    """A programme with a hot learner plan, a session ending tomorrow (its campaign starts
    then: the room comes first), `learners` enrolled."""
    with write_session(context.engine) as session:
        version = published_version(session, anonymous=anonymous, every_type=False)
        programme = factories.programme(session)
        training = factories.training_session(
            session, programme.id, code=code, end_date=paris_day(utc_now()) + timedelta(days=1)
        )
        factories.plan(session, version, programme.id, send_time="23:59")
        emails = []
        for number in range(learners):
            person = factories.person(session, email=f"{code.lower()}-{number}@example.org")
            factories.enrol(session, person.id, training.id)
            emails.append(person.email)
    return emails


def session_link(context: AppContext, code: str, out: Path) -> dict[str, str]:
    env = {
        "DATABASE_URL": str(context.settings.database_url),
        "SESSION_SECRET": context.settings.session_secret,
        "PUBLIC_BASE_URL": context.settings.public_base_url,
        "DATA_DIR": str(out / "data"),
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
    }
    command = ("surveys", "session-link", "--session", code, "--out", str(out))
    result = run_cli(env, *command, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def decoded(png: str) -> str:
    if shutil.which("zbarimg") is None:
        missing_tool("zbarimg", "apt-get install zbar-tools")
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", png], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def answer_everything(page: Any) -> None:
    while page.locator("form button[value=submit], form button[value=next]").count():
        page.evaluate(FILL_SECTION)
        button = page.locator("form button[value=submit], form button[value=next]").last
        with page.expect_navigation():
            button.click()


def test_twenty_phones_behind_one_address_answer_and_the_projection_counts_them(
    served: tuple[AppContext, str], tmp_path: Path
) -> None:
    context, base = served
    a_session(context, "SALLE-ANON", anonymous=True, learners=PHONES)
    kit = session_link(context, "SALLE-ANON", tmp_path / "kit")
    assert re.fullmatch(re.escape(base) + r"/s/[0-9a-z]{16}", kit["url"])
    assert decoded(kit["qr_png"]) == kit["url"]
    assert Path(kit["qr_pdf"]).read_bytes().startswith(b"%PDF")
    with chromium() as browser:
        phones = [browser.new_context() for _ in range(PHONES)]
        for phone in phones:
            page = phone.new_page()
            page.goto(kit["url"])
            assert "/r/" in page.url
            answer_everything(page)
            page.goto(kit["url"])  # the same phone again: still its one seat, already answered
            assert page.locator("form button[value=next]").count() == 0
        late = browser.new_context().new_page()
        late.goto(kit["url"])
        assert "Toutes les réponses attendues sont arrivées" in late.content()
        projection = browser.new_context().new_page()
        projection.goto(kit["projection_url"])
        assert f"{PHONES} / {PHONES} ont répondu" in projection.locator("#count").inner_text()
        assert "@example.org" not in projection.content()
    with read_session(context.engine) as session:
        assert len(session.exec(select(Response)).all()) == PHONES


def test_a_classmate_address_sends_their_own_link_to_their_mailbox_only(
    served: tuple[AppContext, str], smtp: SmtpServer, tmp_path: Path
) -> None:
    context, base = served
    me, classmate = a_session(context, "SALLE-NOM", anonymous=False, learners=2)
    kit = session_link(context, "SALLE-NOM", tmp_path / "kit")
    with chromium() as browser:
        page = browser.new_context().new_page()
        page.goto(kit["url"])
        page.get_by_label("Votre adresse e-mail").fill(classmate)
        with page.expect_navigation():
            page.get_by_role("button", name="Recevoir mon lien").click()
        assert page.locator("h1").inner_text() == "Consultez votre messagerie"
        assert page.locator("form button[value=next]").count() == 0
        assert "/r/" not in page.url
        tick(context=context, now=utc_now())
        smtp.handler.wait_for(1)
        assert dict(smtp.handler.recipients()) == {classmate: 1}, smtp.handler.recipients()
        text = smtp.handler.messages_to(classmate)[0].get_body(("plain",)).get_content()
        link = re.search(re.escape(base) + r"/r/[A-Za-z0-9_-]{43}", text).group(0)
        own = browser.new_context().new_page()  # the classmate, from their mailbox
        own.goto(link)
        answer_everything(own)
    with read_session(context.engine) as session:
        invitation = session.exec(select(Invitation).where(Invitation.status == "completed")).one()
        waiting = session.exec(
            select(OutboundMessage).where(
                OutboundMessage.invitation_id == invitation.id,
                OutboundMessage.status == "pending",
            )
        ).all()
    assert waiting == []  # tomorrow's invitation will not go: they answered in the room
    assert me not in smtp.handler.recipients()
