"""The answer form in headless Chromium: axe-core finds no WCAG 2.1 A/AA violation on any
state (every question type, errors, thank-you, changing answers, invalid and closed links,
unsubscribe) at desktop width and at 320 px; nothing scrolls sideways at 320 px or at 200 %
zoom; and a keyboard alone answers every question and submits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select

from surveys.db import read_session, write_session
from surveys.models import Answer, Campaign, Response
from tests.factories import make_invited
from tests.support.browser import axe_violations
from tests.support.server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]
VIEWPORTS = {"desktop": (1280, 800), "phone-320px": (320, 640)}


def answer_every_question(page: Any) -> None:
    """Answer the current page with the mouse: best score, first option, a short text."""
    for block in page.locator("fieldset.question").all():
        radios = block.locator("input[type=radio]")
        if radios.count():
            radios.last.check()
        else:
            block.locator("input[type=checkbox]").first.check()
    for area in page.locator("textarea").all():
        area.fill("Très bien, merci.")


def press_main_button(page: Any) -> None:
    with page.expect_navigation():
        page.locator(".actions button").first.click()


def sideways_overflow(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def walk_every_state(page: Any, server: LiveServer, check: Callable[[str], None]) -> dict[str, str]:
    """Visit each state of the respondent's pages, calling `check(name)` on each; return
    {state name: url} as visited."""
    base = server.base_url
    answering = make_invited(server.context, allow_edit=True)
    closed = make_invited(server.context)
    leaving = make_invited(server.context)
    anonymous = make_invited(server.context, anonymous=True)
    with write_session(server.context.engine) as session:
        session.execute(
            sa.update(Campaign).where(Campaign.id == closed.campaign_id).values(status="closed")
        )
    states: dict[str, str] = {}

    def visit(name: str, url: str | None = None) -> None:
        if url:
            page.goto(base + url)
        states[name] = page.url
        check(name)

    page.goto(f"{base}/r/{answering.token}")
    visit("section 1: likert and single choice, notices")
    press_main_button(page)
    visit("error state: required answers missing")
    answer_every_question(page)
    press_main_button(page)
    for name in ("section 2: likert", "section 3: likert", "section 4: yes/no and multi"):
        visit(name)
        answer_every_question(page)
        press_main_button(page)
    visit("section 5: NPS and free text")
    answer_every_question(page)
    page.locator("textarea").first.evaluate("(area) => { area.value = 'x'.repeat(5001); }")
    press_main_button(page)
    visit("error state: text too long")
    page.locator("textarea").first.fill("Très bien, merci.")
    press_main_button(page)
    visit("thank-you page")
    with page.expect_navigation():
        page.get_by_role("link", name="Modifier mes réponses").click()
    visit("changing submitted answers")
    visit("section 1 in English", f"/r/{answering.token}?lang=en")
    visit("anonymous survey, first page", f"/r/{anonymous.token}")
    visit("invalid link", "/r/" + "A" * 43)
    visit("closed survey", f"/r/{closed.token}")
    visit("unsubscribe page", f"/u/{leaving.token}")
    with page.expect_navigation():
        page.get_by_role("button", name="Me désinscrire").click()
    visit("unsubscribed")
    visit("opted-out link", f"/r/{leaving.token}")
    return states


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_state_has_no_wcag_violation_and_reflows(
    live_server: LiveServer, browser: Any, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(
        bypass_csp=True, locale="fr-FR", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    problems: dict[str, Any] = {}

    def check(name: str) -> None:
        violations = axe_violations(page)
        if violations:
            problems[name] = [
                (v["id"], v["tags"], [n["html"] for n in v["nodes"]][:3]) for v in violations
            ]
        overflow = sideways_overflow(page)
        if overflow > 0:
            problems[f"{name} (scrolls sideways by {overflow}px)"] = overflow

    states = walk_every_state(page, live_server, check)
    context.close()
    assert len(states) == 16
    assert problems == {}


def test_the_form_reflows_at_200_percent_zoom(live_server: LiveServer, browser: Any) -> None:
    """200 % zoom of a 1280 px window is a 640 px wide layout at twice the pixel density."""
    invited = make_invited(live_server.context)
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{live_server.base_url}/r/{invited.token}")
    assert sideways_overflow(page) <= 0
    font_size = page.evaluate("getComputedStyle(document.body).fontSize")
    assert font_size == "16px"  # relative units: the browser's zoom scales everything
    context.close()


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return {tag: e.tagName, type: e.type || '', name: e.name || '',
                           id: e.id || '', value: e.value || '', text: e.textContent || ''}; }"""
    )


def answer_page_with_keyboard(page: Any) -> None:
    """Tab through the page: Space picks a radio (the last of each group, reached with the
    arrow keys) and the first checkbox, text is typed, Enter presses Next / Send."""
    done: set[str] = set()
    for _ in range(200):
        element = focused(page)  # after an error, focus already sits on the first field
        name = element["name"]
        if element["type"] == "radio" and name not in done:
            page.keyboard.press("ArrowUp")  # moves to (and picks) the last choice
            done.add(name)
        elif element["type"] == "checkbox" and name not in done:
            page.keyboard.press("Space")
            done.add(name)
        elif element["tag"] == "TEXTAREA" and name not in done:
            page.keyboard.type("Réponse au clavier.")
            done.add(name)
        elif element["tag"] == "BUTTON" and element["value"] in ("next", "submit"):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        page.keyboard.press("Tab")
    raise AssertionError("the Next / Send button was never reached with Tab")


def test_a_keyboard_alone_answers_every_question_and_submits(
    live_server: LiveServer, browser: Any
) -> None:
    invited = make_invited(live_server.context)
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.base_url}/r/{invited.token}")
    for _ in range(30):  # Tab to the Next button without answering: the errors come back
        page.keyboard.press("Tab")
        if focused(page)["value"] == "next":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert focused(page)["id"] == "q-overall-satisfaction-0"  # focus on the first error
    for _ in range(5):
        answer_page_with_keyboard(page)
    assert page.get_by_role("heading", name="Merci !").count() == 1
    context.close()
    with read_session(live_server.context.engine) as session:
        response = session.exec(select(Response)).one()
        answers = session.exec(select(Answer).where(Answer.response_id == response.id)).all()
    by_question = {answer.question_id: answer for answer in answers}
    assert by_question["overall-satisfaction"].number == 5  # ArrowUp wrapped to the last
    assert by_question["reco-nps"].number == 10
    assert by_question["access-devices-used"].text == "computer"
    assert by_question["free-improvements"].text == "Réponse au clavier."
