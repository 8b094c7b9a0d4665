"""Issue 15's must-show 2, end to end: a French export with a `Statut` column is imported through
the `import-people` function, `reminders tick` runs at the session's end and three days later
against a real SMTP server on loopback, and the dashboard's own tables are read back.

The learner marked "Abandon" gets no hot survey; the others get it; the dropout survey reaches
the dropout three days after the dropout was recorded, in their language, with one reminder;
the hot survey's response rate is over the three who stayed, and the dropout survey is counted
apart from it (never as a non-respondent of the hot survey)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from analysis.frames import AnalysisFilters, apply_filters, load_frames
from analysis.summary import MetricOptions, dashboard_tables
from reminders.dispatcher import tick
from surveys.db import read_session, write_session
from surveys.models import Campaign, Enrolment, Invitation, Person, Programme
from surveys.people.enrolment_status import parse_enrolment_status
from surveys.people.reading import guess_mapping, read_table
from surveys.people.writing import import_people
from surveys.respondent.links import resolve_link
from surveys.respondent.submit import submit_response
from surveys.runtime import AppContext
from tests import factories
from tests.factories import complete_answers
from tests.support.smtp import HOT_SEND_TIME, SmtpServer

HEADER = (
    "Nom;Prénom;Courriel;Rôle;Entreprise;Code session;Formation;Date de début;"
    "Date de fin;Modalité;Langue;Statut"
)
SESSION_CELLS = "DW-2606;Développeur web;15/06/2026;30/06/2026;Hybride"
ROWS = (
    f"Lefèvre;Éloïse;eloise@example.org;Stagiaire;Garonne;{SESSION_CELLS};Français;Terminé",
    f"Dupont;Noël;noel@example.org;Stagiaire;;{SESSION_CELLS};;Achevé",
    f"Roux;Léa;lea@example.org;Stagiaire;;{SESSION_CELLS};fr;En cours",
    f"Smith;Jordan;jordan@example.org;Stagiaire;;{SESSION_CELLS};anglais;Abandon",
)
IMPORTED_AT = datetime(2026, 6, 30, 7, 0, tzinfo=UTC)  # the morning of the last day
STAYED = ("eloise@example.org", "noel@example.org", "lea@example.org")
LEFT = "jordan@example.org"


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Abandon", "dropped_out"),
        ("Abandonné", "dropped_out"),
        ("ABANDONNÉE", "dropped_out"),
        ("Arrêt", "dropped_out"),
        ("Dropped out", "dropped_out"),
        ("Withdrawn", "dropped_out"),
        ("Terminé", "completed"),
        ("Achevé", "completed"),
        ("Completed", "completed"),
        ("Absent", "absent"),
        ("Non présenté", "absent"),
        ("No show", "absent"),
        ("Inscrit", "enrolled"),
        ("Enrolled", "enrolled"),
        ("En cours", "in_progress"),
        ("In progress", "in_progress"),
    ],
)
def test_the_usual_status_words_of_french_and_english_exports_are_read(
    word: str, status: str
) -> None:
    assert parse_enrolment_status(word) == status


def _import(context: AppContext) -> None:
    table = read_table("\r\n".join((HEADER, *ROWS)).encode("cp1252"), "export.csv")
    report = import_people(
        engine=context.engine,
        table=table,
        mapping=guess_mapping(table.headers),
        actor="cli:export.csv",
        now=IMPORTED_AT,
    )
    assert not report.problems and report.imported_rows == 4


def _plans(context: AppContext) -> int:
    """The hot plan and the dropout plan of the imported programme; the hot version's id."""
    with write_session(context.engine) as session:
        factories.organisation(session)
        programme = session.exec(select(Programme)).one()
        hot, _dropout = factories.hot_and_dropout_plans(session, programme.id)
        return hot.id


def _answer_from_email(context: AppContext, smtp: SmtpServer, email: str, now: datetime) -> None:
    """Open the link of the email `email` received, and answer every question."""
    body = smtp.handler.messages_to(email)[0].get_body(("plain",)).get_content()
    token = re.search(r"/r/([A-Za-z0-9_-]{20,})", body).group(1)
    with write_session(context.engine) as session:
        link = resolve_link(session=session, token=token, now=now, lock=True)
        outcome = submit_response(
            session=session, link=link, now=now, answers=complete_answers(link.form)
        )
    assert outcome.status == "created"


def _learner_hot_rate(context: AppContext) -> dict[str, float]:
    frames = apply_filters(load_frames(engine=context.engine), AnalysisFilters())
    options = MetricOptions(now=HOT_SEND_TIME + timedelta(days=20), small_group_min=1)
    rates = dashboard_tables(frames, options)["response_rates"]
    row = rates[(rates["audience"] == "learner") & (rates["timing"] == "hot")].iloc[0]
    return {key: float(row[key]) for key in ("invited", "answered", "rate")}


def test_an_imported_abandon_gets_the_dropout_survey_and_is_out_of_the_hot_rate(
    mail_context: AppContext, smtp: SmtpServer
) -> None:
    _import(mail_context)
    hot_id = _plans(mail_context)
    with read_session(mail_context.engine) as session:
        statuses = dict(
            session.exec(
                select(Person.email, Enrolment.status).join(
                    Enrolment, Enrolment.person_id == Person.id
                )
            ).all()
        )
    assert statuses[LEFT] == "dropped_out"

    tick(context=mail_context, now=HOT_SEND_TIME)  # the session's last day, 17:00 in Paris
    assert dict(smtp.handler.recipients()) == dict.fromkeys(STAYED, 1)
    with read_session(mail_context.engine) as session:
        hot = session.exec(select(Campaign).where(Campaign.survey_version_id == hot_id)).one()
        hot_people = session.exec(
            select(Person.email)
            .join(Invitation, Invitation.person_id == Person.id)
            .where(Invitation.campaign_id == hot.id)
        ).all()
    assert sorted(hot_people) == sorted(STAYED)  # no hot invitation at all for the dropout
    _answer_from_email(mail_context, smtp, STAYED[0], HOT_SEND_TIME + timedelta(hours=1))

    tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=3) - timedelta(minutes=5))
    assert LEFT not in smtp.handler.recipients()  # not before the third day at send time
    tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=3))
    assert smtp.handler.recipients()[LEFT] == 1
    assert "You stopped your training" in smtp.handler.messages_to(LEFT)[0]["subject"]

    tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=6, hours=1))
    tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=14))
    tick(context=mail_context, now=HOT_SEND_TIME + timedelta(days=40))
    assert smtp.handler.recipients()[LEFT] == 2  # the invitation and one reminder, no more
    assert "You stopped your training" in smtp.handler.messages_to(LEFT)[1]["subject"]

    assert _learner_hot_rate(mail_context) == {"invited": 3, "answered": 1, "rate": 1 / 3}
