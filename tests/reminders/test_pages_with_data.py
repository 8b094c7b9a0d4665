"""The reminders pages on a database with a sent campaign (tests/test_pages.py runs them on an
empty one): counts, pause, the mailbox and its links, the calendar, the log, email editing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from reminders.dispatcher import tick
from surveys.db import read_session, write_session
from surveys.models import Campaign, Invitation, SurveyPlan
from surveys.runtime import AppContext
from tests.factories import hot_session
from tests.support.smtp import HOT_SEND_TIME
from tests.support.staff_app import logged_in_app

pytestmark = pytest.mark.slow


@pytest.fixture
def sent_campaign(app_env: AppContext) -> AppContext:
    hot_session(app_env, learners=3)
    tick(context=app_env, now=HOT_SEND_TIME)
    with write_session(app_env.engine) as session:  # keep it open today, whatever today is
        campaign = session.exec(select(Campaign)).one()
        campaign.closes_at = HOT_SEND_TIME + timedelta(days=3650)
        invitation = session.exec(select(Invitation)).first()
        invitation.status = "completed"
    return app_env


def open_page(context: AppContext, path: str):
    app = logged_in_app(context, "quality").run()
    return app.switch_page(path).run()


def test_the_campaigns_page_shows_counts_and_pauses_a_campaign(sent_campaign) -> None:
    app = open_page(sent_campaign, "reminders/pages/campaigns.py")
    assert not app.exception
    table = app.dataframe[0].value
    assert table.iloc[0]["Invités"] == 3 and table.iloc[0]["Réponses"] == 0
    # all 3 sent, nobody refused: "Envoyés" (= "Invités") and the zero problem counts are
    # left out, so the table fits the page
    assert not {"Envoyés", "Désinscrits", "Adresses invalides"} & set(table.columns)
    app.button(key="campaigns_pause").click().run()
    assert not app.exception
    with read_session(sent_campaign.engine) as session:
        assert session.exec(select(Campaign.status)).one() == "paused"
    assert app.button(key="campaigns_resume")


def test_the_mailbox_page_says_nothing_left_the_machine_and_links_work(sent_campaign) -> None:
    app = open_page(sent_campaign, "reminders/pages/mailbox.py")
    assert not app.exception
    assert any("rien n'a quitté cette machine" in item.value for item in app.warning)
    links = [item.value for item in app.markdown if "](http://testserver/r/" in item.value]
    assert len(links) == 1


def test_the_calendar_announces_the_next_reminders(sent_campaign) -> None:
    app = open_page(sent_campaign, "reminders/pages/calendar.py")
    assert not app.exception
    text = " ".join(item.value for item in app.markdown)
    assert "À chaud" in text and "relances 3 et 7 jours" in text


def test_the_message_log_lists_what_a_person_was_sent(sent_campaign) -> None:
    app = open_page(sent_campaign, "reminders/pages/message_log.py")
    assert not app.exception
    log = app.dataframe[0].value
    assert list(log["Type d'envoi"]) == ["Invitation"] and list(log["État"]) == ["Envoyé"]


def test_staff_edit_a_plan_email_with_a_preview(sent_campaign) -> None:
    app = open_page(sent_campaign, "reminders/pages/plan_emails.py")
    assert not app.exception
    subject_key = next(
        item.key for item in app.text_input if item.key.startswith("emails_subject_")
    )
    app.text_input(key=subject_key).input("{{ first_name }}, votre avis compte").run()
    assert any("Camille, votre avis compte" in item.value for item in app.markdown)
    app.button(key="emails_save").click().run()
    assert not app.exception
    with read_session(sent_campaign.engine) as session:
        overrides = session.exec(select(SurveyPlan.email_overrides)).one()
    assert overrides["fr"]["invitation"]["subject"] == "{{ first_name }}, votre avis compte"
