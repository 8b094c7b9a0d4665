"""The whole journey, with real parts only: the planner and dispatcher (reminders) send the
invitation through a real SMTP server on loopback (aiosmtpd); headless Chromium opens the link
from that email on the real server (`streamlit run streamlit_app.py`), answers every question
type, goes back and forth, reloads midway, submits twice; the response is stored once."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from reminders.dispatcher import tick
from surveys.config import load_settings
from surveys.db import read_session, write_session
from surveys.models import (
    Answer,
    Invitation,
    NamedResponse,
    Response,
    utc_now,
)
from surveys.runtime import build_context, prepare_database
from tests import factories
from tests.support.browser import chromium
from tests.support.ports import free_port
from tests.support.server import RunningServer, server_env, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LEARNER = "lea.martin@example.org"
HOSTILE = '</textarea><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


class Inbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def wait_for_one(self, timeout: float = 15.0) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.messages:
                    return self.messages[0]
            time.sleep(0.05)
        raise AssertionError("no email arrived")


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def plan_a_session_that_ended_yesterday(context: Any) -> None:
    """A programme with a hot survey plan (every question type), a session that ended
    yesterday, and one enrolled learner: the planner's next pass invites her."""
    yesterday = (utc_now() - timedelta(days=1)).date()
    with write_session(context.engine) as session:
        version = factories.respondent_version(session)
        programme = factories.programme(session, code="JOURNEY", name="Formation parcours")
        training = factories.training_session(
            session,
            programme.id,
            code="JOURNEY-1",
            start_date=yesterday - timedelta(days=5),
            end_date=yesterday,
        )
        learner = factories.person(session, email=LEARNER, first_name="Léa", last_name="Martin")
        factories.enrol(session, learner.id, training.id)
        factories.plan(session, version, programme.id, offset_days=0, send_time="00:00")


def answer_link(message: EmailMessage, base_url: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(re.escape(base_url) + r"/r/[A-Za-z0-9_-]{43}", text)
    assert found, text
    return found.group(0)


def checked(page: Any, question_id: str) -> list[str]:
    return page.eval_on_selector_all(
        f'input[name="q.{question_id}"]:checked', "inputs => inputs.map(i => i.value)"
    )


def next_page(page: Any, label: str = "Suivant") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label).click()


def heading(page: Any) -> str:
    return page.locator("h1").inner_text()


def answer_in_browser(page: Any, link: str) -> None:
    """Every question type, back and forth, a reload midway; submit with a double click."""
    page.goto(link)
    assert heading(page) == "Votre formation" and "Partie 1 sur 5" in page.content()
    page.get_by_label("Très satisfait", exact=True).first.check()  # likert (satisfaction)
    for question_id in ("overall-objectives-met", "content-matches-programme"):
        page.locator(f'input[name="q.{question_id}"][value="4"]').check()  # likert (agreement)
    page.get_by_label("Adapté", exact=True).check()  # single choice
    page.locator('input[name="q.content-distance-balance"][value="balanced"]').check()
    page.locator('input[name="q.org-information-before"][value="5"]').check()
    next_page(page)
    assert heading(page) == "La plateforme et les classes virtuelles"
    for field in page.locator("fieldset.question").all():
        field.locator('input[type="radio"]').nth(3).check()
    next_page(page)
    assert heading(page) == "L'accompagnement à distance"
    next_page(page, "Précédent")  # back: section 2 kept its answers
    assert heading(page) == "La plateforme et les classes virtuelles"
    assert checked(page, "lms-getting-started") == ["4"]
    next_page(page)
    for field in page.locator("fieldset.question").all():
        field.locator('input[type="radio"]').nth(2).check()
    next_page(page)
    assert heading(page) == "Vos équipements"
    page.get_by_label("Oui", exact=True).check()  # yes / no
    page.get_by_label("Ordinateur", exact=True).check()  # multi choice: two options
    page.get_by_label("Smartphone", exact=True).check()
    next_page(page)
    page.reload()  # midway: the page comes back where the person stopped
    assert heading(page) == "Votre avis"
    next_page(page, "Précédent")
    assert checked(page, "access-devices-used") == ["computer", "smartphone"]
    next_page(page)
    page.locator('input[name="q.reco-nps"][value="9"]').check()  # NPS
    page.get_by_label("Que devrions-nous améliorer", exact=False).fill(
        "Plus de <b>pratique</b>, merci !"
    )
    page.locator('textarea[name="q.free-difficulty-report"]').fill(HOSTILE)
    next_page(page, "Précédent")  # saved, then shown again from the server's copy
    next_page(page)
    assert page.locator('textarea[name="q.free-difficulty-report"]').input_value() == HOSTILE
    assert page.evaluate("window.pwned") is None  # shown as text, never run
    button = page.get_by_role("button", name="Envoyer mes réponses")
    with page.expect_navigation():
        button.dblclick()  # a double click must still give one response
    assert page.get_by_role("heading", name="Merci !").count() == 1
    page.goto(link)  # the link now shows the thank-you page
    assert page.get_by_role("heading", name="Merci !").count() == 1


def test_a_person_answers_from_the_emailed_link_and_is_stored_once(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, smtp_port = smtp
    data_dir = tmp_path / "data"
    env = server_env(
        data_dir,
        DATABASE_URL=f"sqlite:///{data_dir / 'app.db'}",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        SMTP_SECURITY="none",
        SMTP_USER="",
        MAIL_FROM="qualite@formasud.example.org",
        DEMO_DATA="off",
    )
    context = build_context(load_settings(env))
    prepare_database(context)
    plan_a_session_that_ended_yesterday(context)
    summary = tick(context=context, now=utc_now())
    assert summary["planned"] == 1 and summary["sent"] == 1, summary
    message = inbox.wait_for_one()
    assert LEARNER in message["To"]
    link = answer_link(message, env["PUBLIC_BASE_URL"])
    server: RunningServer = start_server(env)
    try:
        with chromium() as browser:
            page = browser.new_context(locale="fr-FR").new_page()
            answer_in_browser(page, link)
    finally:
        server.stop()
    with read_session(context.engine) as session:
        responses = session.exec(select(Response)).all()
        links = session.exec(select(NamedResponse)).all()
        invitation = session.exec(select(Invitation)).one()
        answers = session.exec(select(Answer)).all()
    assert len(responses) == 1 and len(links) == 1
    assert invitation.status == "completed" and links[0].invitation_id == invitation.id
    by_question: dict[str, list] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer.number or answer.text)
    assert by_question["overall-satisfaction"] == [5.0]
    assert by_question["content-pace"] == ["suitable"]
    assert by_question["lms-getting-started"] == [4.0]
    assert by_question["support-responsiveness"] == [3.0]
    assert by_question["reco-would-recommend"] == ["yes"]
    assert sorted(by_question["access-devices-used"]) == ["computer", "smartphone"]
    assert by_question["reco-nps"] == [9.0]
    assert by_question["free-improvements"] == ["Plus de <b>pratique</b>, merci !"]
    assert by_question["free-difficulty-report"] == [HOSTILE]  # stored as typed
    token = link.rsplit("/", 1)[1]
    assert token not in (data_dir / "server.log").read_text()  # the token never reached a log
    context.engine.dispose()
