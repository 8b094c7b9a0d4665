"""Scenes for `scripts/screenshots.py --only scenes`: the pages the issue asks to see in a given
state (French unless said), at 1440 px and at 390 px.

- who_has_answered.png: the campaign page's list on a campaign with answered, reminded,
  invited and opted-out rows (one learner of the demo opts out through the product's own
  `opt_out`, as the unsubscribe link does, when the demo has no such row);
- question_results.png: one campaign's results, bars with counts and shares;
- people_edit_{fr,en}.png: the people page's editing after a saved change;
- *_390_fr.png: people, dashboard, who-has-answered and question results on a phone;
- dashboard_390_en.png, dashboard_rates_390_{fr,en}.png: the dashboard on a phone in English,
  and with its response-rate tab opened (the dashboard draws its open tab only).

Dashboards are shot once every Vega chart has drawn its canvas or SVG.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from reminders.answered import campaign_invitations
from reminders.dispatcher import dispatch_due
from reminders.planner import invite_audience
from reminders.transport import build_sender
from surveys.config import load_settings, paris_day
from surveys.db import create_db_engine, read_session, write_session
from surveys.formatting import day
from surveys.i18n import label, t
from surveys.models import (
    Campaign,
    Enrolment,
    Invitation,
    Person,
    Response,
    TrainingSession,
    utc_now,
)
from surveys.respondent.opt_out import opt_out

ADMIN = ("admin@formasud.example.org", "Demo-admin-2026")
CHARTS_DRAWN = """() => {
  const charts = [...document.querySelectorAll('.vega-embed')];
  return charts.length > 0 && charts.every(c => c.querySelector('canvas, svg'));
}"""


def _states(session: Session, campaign_id: int) -> set[str]:
    return {item.state for item in campaign_invitations(session=session, campaign_id=campaign_id)}


def _late_learner(engine: Any, campaign: Campaign, env: dict[str, str]) -> None:
    """A learner enrolled late, invited by the planner and sent their link by the dispatcher
    (the product's own functions), so that the list has an "invited" row too."""
    settings, now = load_settings(env), utc_now()
    with write_session(engine) as session:
        person = Person(
            email="ines.tardif@apprenants.example.org",
            first_name="Inès",
            last_name="Tardif",
            stakeholder_type="learner",
        )
        session.add(person)
        session.flush()
        session.add(Enrolment(person_id=person.id, session_id=campaign.session_id, role="learner"))
        session.flush()
        invite_audience(session=session, campaign=campaign, now=now,
                        session_secret=settings.session_secret)  # fmt: skip
    dispatch_due(engine=engine, sender=build_sender(settings), now=now, settings=settings,
                 campaign_id=campaign.id)  # fmt: skip


def who_campaign(database_url: str, env: dict[str, str]) -> str:
    """The latest open learner campaign, with answered and reminded rows; one learner opts out
    (through `opt_out`, as the unsubscribe link does) and one enrolled late is invited."""
    engine = create_db_engine(database_url)
    with read_session(engine) as session:
        campaign = session.exec(
            select(Campaign)
            .where(
                Campaign.audience == "learner",
                Campaign.session_id.is_not(None),
                Campaign.closes_at > utc_now(),
            )
            .order_by(Campaign.scheduled_at.desc())
        ).first()
        states = _states(session, campaign.id)
        session.expunge(campaign)
    if "opted_out" not in states:
        with write_session(engine) as session:
            reminded = session.exec(
                select(Invitation)
                .where(
                    Invitation.campaign_id == campaign.id,
                    Invitation.reminder_count > 0,
                    Invitation.status == "sent",
                )
                .order_by(Invitation.id.desc())
            ).first()
            opt_out(session=session, now=utc_now(), invitation=reminded)
    if "invited" not in states:
        _late_learner(engine, campaign, env)
    return campaign.label


def results_campaign(database_url: str) -> str:
    """The campaign with the most responses, as the results page names it (audience, timing,
    session, day: `analysis.results.choices`)."""
    with read_session(create_db_engine(database_url)) as session:
        counts: dict[int, int] = {}
        for campaign_id in session.exec(select(Response.campaign_id)):
            counts[campaign_id] = counts.get(campaign_id, 0) + 1
        best = session.get(Campaign, max(counts, key=counts.get))
        training = session.get(TrainingSession, best.session_id) if best.session_id else None
        parts = (
            label("stakeholder", best.audience, "fr"),
            label("timing", best.timing, "fr"),
            training.code if training else "",
            day(paris_day(best.scheduled_at), "fr"),
        )
        return " · ".join(part for part in parts if part)


def settle(page: Any, charts: bool = False) -> None:
    page.wait_for_selector("h1", timeout=60000)
    page.wait_for_timeout(800)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90000
    )
    if charts:
        page.wait_for_function(CHARTS_DRAWN, timeout=90000)
    page.wait_for_timeout(1500)


def _choose(page: Any, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.wait_for(timeout=60000)
    box.click()
    page.keyboard.type(text)
    page.get_by_role("option", name=text, exact=True).click()
    page.wait_for_timeout(1500)
    settle(page)


def _who(page: Any, base: str, campaign: str) -> None:
    page.goto(f"{base}/campaigns")
    settle(page)
    _choose(page, "Campagne", campaign)
    page.get_by_role("heading", name="Qui a répondu, qui n'a pas encore répondu").wait_for()


def _results(page: Any, base: str, campaign: str) -> None:
    page.goto(f"{base}/question_results")
    settle(page)
    page.get_by_text("Une campagne", exact=True).click()
    settle(page)
    _choose(page, "Choisir", campaign)
    settle(page, charts=True)


def _people(page: Any, base: str, language: str) -> None:
    page.goto(f"{base}/people")
    settle(page)
    page.get_by_role("tab", name="Personnes" if language == "fr" else "People").click()
    page.wait_for_timeout(1000)
    organisation = page.locator("[class*='st-key-edit_person_'][class*='_organisation'] input")
    organisation.fill("Formasud" if language == "fr" else "Formasud (UK)")
    save = "Enregistrer les modifications" if language == "fr" else "Save the changes"
    page.get_by_role("button", name=save).click()
    page.wait_for_timeout(1500)
    settle(page)
    page.get_by_role("tab", name="Personnes" if language == "fr" else "People").click()
    page.wait_for_timeout(1000)


def _dashboard(page: Any, base: str) -> None:
    page.goto(f"{base}/dashboard")
    settle(page, charts=True)


def _tab(page: Any, base: str, language: str, tab: str) -> None:
    """The dashboard with its tab `tab` opened (only the open tab is drawn)."""
    _dashboard(page, base)
    page.get_by_role("tab", name=t(f"analysis.dashboard.tab_{tab}", language)).click()
    page.wait_for_timeout(1500)
    settle(page, charts=True)


def _whole_height(page: Any, width: int) -> None:
    """Streamlit scrolls inside its main block, not the document: make the window as tall as
    the page so that the screenshot holds all of it."""
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stAppViewContainer], section.main')].map(e => e.scrollHeight), 800)"
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 7000)})
    page.wait_for_timeout(1500)
    settle(page)


def login(browser: Any, base: str, width: int) -> tuple[Any, Any]:
    """A browser context `width` wide (a phone below 600), signed in as the demo admin."""
    mobile = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 844 if mobile else 1000},
        is_mobile=mobile,
        locale="fr-FR",
    )
    page = context.new_page()
    page.goto(f"{base}/auth/login")
    page.locator("input[type=email]").fill(ADMIN[0])
    page.locator("input[type=password]").fill(ADMIN[1])
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/**")
    return context, page


def shoot_scenes(
    browser: Any,
    base: str,
    out: Path,
    database_url: str,
    env: dict[str, str],
    set_language: Callable[[str, str], None],
    small_png: Callable[[Path], None],
) -> None:
    who, results = who_campaign(database_url, env), results_campaign(database_url)
    scenes: list[tuple[str, int, str, Callable[[Any], None]]] = [
        ("who_has_answered", 1440, "fr", lambda page: _who(page, base, who)),
        ("question_results", 1440, "fr", lambda page: _results(page, base, results)),
        ("people_edit_fr", 1440, "fr", lambda page: _people(page, base, "fr")),
        ("people_edit_en", 1440, "en", lambda page: _people(page, base, "en")),
        ("people_390_fr", 390, "fr", lambda page: _people(page, base, "fr")),
        ("dashboard_390_fr", 390, "fr", lambda page: _dashboard(page, base)),
        ("dashboard_390_en", 390, "en", lambda page: _dashboard(page, base)),
        ("dashboard_rates_390_fr", 390, "fr", lambda page: _tab(page, base, "fr", "rates")),
        ("dashboard_rates_390_en", 390, "en", lambda page: _tab(page, base, "en", "rates")),
        ("who_has_answered_390_fr", 390, "fr", lambda page: _who(page, base, who)),
        ("question_results_390_fr", 390, "fr", lambda page: _results(page, base, results)),
    ]
    for name, width, language, scene in scenes:
        set_language(database_url, language)
        context, page = login(browser, base, width)
        scene(page)
        target = out / f"{name}.png"
        _whole_height(page, width)
        page.screenshot(path=str(target), full_page=True)
        small_png(target)
        print(target)
        context.close()
