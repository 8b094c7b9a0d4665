"""The calendar of upcoming sends and the plans' rules, in words."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from reminders.calendar import describe_plan, describe_send, plan_sentences, upcoming_sends
from reminders.dispatcher import tick
from surveys.db import read_session
from surveys.models import SurveyPlan
from surveys.runtime import AppContext
from tests.factories import hot_session
from tests.support.smtp import HOT_SEND_TIME


def test_an_upcoming_session_campaign_is_announced_in_words(context: AppContext) -> None:
    hot_session(context, learners=4)
    with read_session(context.engine) as session:
        items = upcoming_sends(session=session, now=HOT_SEND_TIME - timedelta(days=2), days=10)
    [item] = items
    assert (item.kind, item.recipients, item.at) == ("campaign", 4, HOT_SEND_TIME)
    text = describe_send(item, "fr")
    assert text.startswith("mardi 30 juin 2026 à 17:00 — « Votre avis sur la formation – ")
    assert text.endswith("invitation de 4 apprenants")
    assert describe_send(item, "en").startswith("Tuesday 30 June 2026 at 17:00")


def test_reminders_and_closing_of_an_open_campaign_are_announced(context: AppContext) -> None:
    hot_session(context, learners=3)
    tick(context=context, now=HOT_SEND_TIME)
    with read_session(context.engine) as session:
        items = upcoming_sends(session=session, now=HOT_SEND_TIME + timedelta(hours=1), days=40)
    assert [(item.kind, item.sequence, item.recipients) for item in items] == [
        ("reminder", 1, 3),
        ("reminder", 2, 3),
        ("closing", 0, 0),
    ]
    assert "relance n° 1" in describe_send(items[0], "fr")
    assert items[0].at == HOT_SEND_TIME + timedelta(days=3)


def test_a_plan_rule_reads_as_a_sentence(context: AppContext) -> None:
    hot_session(context, learners=1)
    with read_session(context.engine) as session:
        plan = session.exec(select(SurveyPlan)).one()
        [sentence] = plan_sentences(session=session, language="fr")
        english = describe_plan(plan, survey_title="T", programme="P", language="en")
    assert "le dernier jour de chaque session à 17:00 (heure de Paris)" in sentence
    assert "relances 3 et 7 jours après l'invitation" in sentence
    assert "clôture 30 jours après l'envoi" in sentence
    assert english.endswith(
        '"T" for learners — P: sent on the last day of each session at '
        "17:00 (Paris time); reminders 3 and 7 days after the invitation; "
        "closes 30 days after sending."
    )
