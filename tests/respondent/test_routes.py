"""The respondent's routes over HTTP (Starlette test client, real database on both backends):
the form, saving and resuming, the final submit, bad input, the slow-down, unsubscribe."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from surveys.db import read_session, write_session
from surveys.models import (
    Answer,
    Campaign,
    Invitation,
    NamedResponse,
    OrganisationSettings,
    Person,
    Response,
    ResponseDraft,
    utc_now,
)
from surveys.respondent import answer_routes as routes_module
from surveys.respondent.form import SurveyForm
from surveys.respondent.routes import MAX_FORM_BYTES, respondent_routes
from surveys.respondent.security import form_guard, invalid_link_limit
from surveys.respondent.service import version_form
from surveys.runtime import AppContext
from tests.factories import (
    Invited,
    complete_answers,
    make_invited,
    section_fields,
)


@dataclass
class FakeClock:
    """Now, moved forward by `seconds` (the routes' clock)."""

    seconds: float = 0.0

    def __call__(self):
        return utc_now() + timedelta(seconds=self.seconds)


@dataclass
class Respondent:
    """A browser without JavaScript: it reads the page and posts the form."""

    client: TestClient
    context: AppContext
    invited: Invited
    form: SurveyForm
    clock: FakeClock = field(default_factory=FakeClock)

    @property
    def url(self) -> str:
        return f"/r/{self.invited.token}"

    def guard(self, section: int) -> str:
        return form_guard(
            session_secret=self.context.settings.session_secret,
            token=self.invited.token,
            purpose="section",
            section=section,
        )

    def post(self, section: int, fields: list[tuple[str, str]], action: str = "next", **extra):
        data = [
            ("guard", self.guard(section)),
            ("section", str(section)),
            ("lang", "fr"),
            ("action", action),
            *fields,
        ]
        data = extra.pop("override", data)
        return self.client.post(
            self.url,
            content=_encode(data),
            headers={"content-type": "application/x-www-form-urlencoded"},
            **extra,
        )

    def answer_section(self, section: int, action: str = "next"):
        return self.post(
            section, section_fields(self.form, section, complete_answers(self.form)), action
        )


def _encode(fields: list[tuple[str, str]]) -> bytes:
    return urlencode(fields).encode()


def build_respondent(context: AppContext, **options) -> Respondent:
    invited = make_invited(context, **options)
    with read_session(context.engine) as session:
        form = version_form(session, invited.version_id)
    clock = FakeClock()
    throttle = invalid_link_limit(limit=5, window_seconds=600)
    app = Starlette(routes=respondent_routes(context, throttle=throttle, clock=clock))
    return Respondent(TestClient(app, follow_redirects=False), context, invited, form, clock)


@pytest.fixture
def respondent(context: AppContext) -> Iterator[Respondent]:
    with write_session(context.engine) as session:
        organisation = session.get(OrganisationSettings, 1)
        organisation.name = "FormaSud"
        organisation.privacy_contact = "dpo@formasud.example.org"
        organisation.support_phone = "05 61 00 00 00"
        session.add(organisation)
    yield build_respondent(context)


def rows(context: AppContext, model) -> list:
    with read_session(context.engine) as session:
        return list(session.exec(select(model)).all())


def draft_answers(context: AppContext) -> dict | None:
    drafts = rows(context, ResponseDraft)
    return drafts[0].answers if drafts else None


def show_section(respondent: Respondent, index: int) -> str:
    """The page of section `index`, as if the person had stopped there."""
    with write_session(respondent.context.engine) as session:
        draft = session.exec(select(ResponseDraft)).first()
        draft = draft or ResponseDraft(invitation_id=respondent.invited.invitation_id)
        draft.current_section = index
        session.add(draft)
    return respondent.client.get(respondent.url).text


def checked_values(page: str, question_id: str) -> list[str]:
    pattern = rf'name="q\.{re.escape(question_id)}" value="([^"]+)" checked'
    return re.findall(pattern, page)


# ---- the page --------------------------------------------------------------------------------


def test_the_link_opens_the_first_section_in_french_with_the_safety_headers(
    respondent: Respondent,
) -> None:
    page = respondent.client.get(respondent.url)
    assert page.status_code == 200 and '<html lang="fr">' in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert "Partie 1 sur 5" in page.text and "<progress" in page.text
    assert "astérisque (*) sont obligatoires" in page.text
    external = re.findall(r'(?:src|href|action)="((?:https?:)?//[^"]*)"', page.text)
    assert external == []  # nothing loaded from (or linked to) another host


def test_opening_a_link_writes_nothing_and_the_first_save_records_it(
    respondent: Respondent,
) -> None:
    assert respondent.client.get(respondent.url).status_code == 200
    with read_session(respondent.context.engine) as session:
        assert session.get(Invitation, respondent.invited.invitation_id).opened_at is None
    assert respondent.answer_section(0).status_code == 303
    with read_session(respondent.context.engine) as session:
        assert session.get(Invitation, respondent.invited.invitation_id).opened_at is not None


def test_a_link_opens_while_another_process_holds_the_write_lock(sqlite_context) -> None:
    """A GET never waits for a writer: it completes while the lock is still held."""
    import sqlite3

    respondent = build_respondent(sqlite_context)
    holder = sqlite3.connect(sqlite_context.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE organisation_settings SET name = 'verrou' WHERE id = 1")
    try:
        page = respondent.client.get(respondent.url)
        assert page.status_code == 200 and "Partie 1 sur 5" in page.text
        assert holder.in_transaction  # the lock was held all along
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_scales_are_labelled_radio_groups_and_texts_show_their_limit(
    respondent: Respondent,
) -> None:
    pages = [show_section(respondent, index) for index in range(len(respondent.form.sections))]
    html = "\n".join(pages)
    assert 'type="range"' not in html
    for question_id in ("overall-satisfaction", "reco-nps", "reco-would-recommend"):
        block = re.search(rf'<fieldset[^>]*id="q-{question_id}-block".*?</fieldset>', html, re.S)
        assert block and "<legend>" in block.group(0)
        assert block.group(0).count('type="radio"') in (2, 5, 11)
    devices = re.search(r'<fieldset[^>]*id="q-access-devices-used-block".*?</fieldset>', html, re.S)
    assert devices.group(0).count('type="checkbox"') == 3
    assert 'maxlength="5000"' in html and "5\u202f000 caractères maximum." in html
    assert "N'indiquez pas de données personnelles" in unescape(html)
    labels = re.findall(r'<label for="q-reco-nps-(\d+)">([^<]+)</label>', html)
    assert labels[0][1] == "0 – Pas du tout probable" and len(labels) == 11


def test_the_first_page_carries_the_data_notice(respondent: Respondent) -> None:
    text = unescape(respondent.client.get(respondent.url).text)
    assert "Vos données personnelles" in text and "FormaSud" in text
    assert "Qualiopi" in text and "conservés 3 ans après la fin de votre dernière" in text
    assert "rectification" in text and "CNIL" in text and "dpo@formasud.example.org" in text
    assert "associées à votre nom" in text


def test_an_anonymous_survey_says_so_on_the_first_page(context: AppContext) -> None:
    anonymous = build_respondent(context, anonymous=True)
    text = unescape(anonymous.client.get(anonymous.url).text)
    assert "Enquête anonyme" in text and "sans aucun lien avec votre nom" in text
    assert "ni le jour ni l'heure" in text and "chiffrées avec une clé que seul votre lien" in text
    assert "associées à votre nom" not in text


def test_the_language_follows_the_invitation_and_can_be_switched(context: AppContext) -> None:
    english = build_respondent(context, language="en")
    page = english.client.get(english.url)
    assert '<html lang="en">' in page.text and "Part 1 of 5" in page.text
    assert 'href="?lang=fr" lang="fr" hreflang="fr">Français' in page.text
    french = english.client.get(english.url + "?lang=fr")
    assert '<html lang="fr">' in french.text and "Partie 1 sur 5" in french.text


# ---- never lose an answer --------------------------------------------------------------------


def test_missing_required_answers_are_listed_focused_and_what_was_given_is_saved(
    respondent: Respondent,
) -> None:
    response = respondent.post(0, [("q.overall-satisfaction", "4")])
    assert response.status_code == 422
    page = unescape(response.text)
    assert page.count("Répondez à la question « Les objectifs de la formation") == 2
    assert re.search(r'<div class="error-summary" role="alert"', page)
    assert re.search(r'id="q-overall-objectives-met-0"[^>]*autofocus', page)
    assert page.count("autofocus") == 1
    assert "<title>Erreur : " in page
    assert checked_values(page, "overall-satisfaction") == ["4"]
    assert draft_answers(respondent.context) == {"overall-satisfaction": 4}


def test_sections_go_back_and_forth_and_resume_where_the_person_stopped(
    respondent: Respondent,
) -> None:
    assert respondent.answer_section(0).status_code == 303
    page = respondent.client.get(respondent.url).text
    assert "Partie 2 sur 5" in page
    back = respondent.post(1, [("q.lms-getting-started", "2")], action="back")
    assert back.status_code == 303 and back.headers["location"] == respondent.url
    first = respondent.client.get(respondent.url).text
    assert "Partie 1 sur 5" in first and checked_values(first, "overall-satisfaction") == ["5"]
    respondent.answer_section(0)
    again = TestClient(respondent.client.app).get(respondent.url).text  # another device
    assert "Partie 2 sur 5" in again and checked_values(again, "lms-getting-started") == ["2"]


def test_the_whole_survey_submits_once_and_then_shows_thanks(respondent: Respondent) -> None:
    last = len(respondent.form.sections) - 1
    for index in range(last):
        assert respondent.answer_section(index).status_code == 303
    submitted = respondent.answer_section(last, action="submit")
    assert submitted.status_code == 303
    thanks = respondent.client.get(respondent.url)
    assert thanks.status_code == 200 and "Merci !" in thanks.text
    assert "Modifier mes réponses" not in thanks.text
    double = respondent.answer_section(last, action="submit")  # a double click
    assert double.status_code == 303 and double.headers["location"] == respondent.url
    assert len(rows(respondent.context, Response)) == 1
    assert len(rows(respondent.context, NamedResponse)) == 1
    answers = rows(respondent.context, Answer)
    assert {a.question_id for a in answers} == {q.id for q in respondent.form.questions}
    assert rows(respondent.context, ResponseDraft) == []


def test_submitting_with_an_earlier_section_incomplete_goes_back_to_it(
    respondent: Respondent,
) -> None:
    last = len(respondent.form.sections) - 1
    for index in range(1, last):
        respondent.answer_section(index)
    response = respondent.answer_section(last, action="submit")
    assert response.status_code == 422 and "Partie 1 sur 5" in response.text
    assert rows(respondent.context, Response) == []


def test_answers_can_be_changed_after_submitting_when_allowed(context: AppContext) -> None:
    person = build_respondent(context, allow_edit=True)
    last = len(person.form.sections) - 1
    for index in range(last):
        person.answer_section(index)
    person.answer_section(last, action="submit")
    thanks = person.client.get(person.url).text
    assert "Modifier mes réponses" in thanks and "jusqu&#39;au" in thanks
    edit = person.client.get(person.url + "?edit=1").text
    assert checked_values(edit, "overall-satisfaction") == ["5"]
    fields = section_fields(person.form, 0, complete_answers(person.form))
    fields = [(k, "1" if k == "q.overall-satisfaction" else v) for k, v in fields]
    assert person.post(0, fields).status_code == 303
    assert "Vous modifiez des réponses" in unescape(person.client.get(person.url).text)
    for index in range(1, last):
        person.answer_section(index)
    done = person.answer_section(last, action="submit")
    assert done.headers["location"] == person.url + "?changed=1"
    assert (
        "modifications ont bien été enregistrées"
        in person.client.get(done.headers["location"]).text
    )
    numbers = [a.number for a in rows(context, Answer) if a.question_id == "overall-satisfaction"]
    assert numbers == [1.0] and len(rows(context, Response)) == 1


# ---- bad input (nothing is written) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fields", "status", "message"),
    [
        ("unknown question id", [("q.not-a-question", "1")], 400, "ne fait pas partie"),
        ("question of another section", [("q.reco-nps", "9")], 400, "ne fait pas partie"),
        ("likert out of range", [("q.overall-satisfaction", "6")], 400, "pas proposée"),
        ("negative value", [("q.overall-satisfaction", "-1")], 400, "pas proposée"),
        (
            "two values for one answer",
            [("q.overall-satisfaction", "4"), ("q.overall-satisfaction", "5")],
            400,
            "pas proposée",
        ),
        ("choice not offered", [("q.content-pace", "warp_speed")], 400, "pas proposée"),
    ],
)
def test_malformed_sections_are_refused_with_a_clear_message_and_no_write(
    respondent: Respondent, name: str, fields: list, status: int, message: str
) -> None:
    valid = section_fields(respondent.form, 0, complete_answers(respondent.form))
    kept = [f for f in valid if f[0] not in {key for key, _ in fields}]
    response = respondent.post(0, kept + fields)
    assert response.status_code == status, name
    assert message in unescape(response.text) and "Rien n'a été enregistré" in unescape(
        response.text
    )
    assert draft_answers(respondent.context) is None


@pytest.mark.parametrize(
    ("name", "guard_of"),
    [
        ("no anti-forgery value", None),
        ("a made-up value", "forged"),
        ("the value of another section", "section-1"),
        ("the value of another link", "other-token"),
    ],
)
def test_forged_posts_are_refused_and_write_nothing(
    respondent: Respondent, name: str, guard_of: str | None
) -> None:
    secret = respondent.context.settings.session_secret
    guard = {
        None: "",
        "forged": "0" * 64,
        "section-1": respondent.guard(1),
        "other-token": form_guard(session_secret=secret, token="A" * 43, purpose="section"),
    }[guard_of]
    fields = section_fields(respondent.form, 0, complete_answers(respondent.form))
    data = [("guard", guard), ("section", "0"), ("action", "next"), *fields]
    response = respondent.post(0, [], override=data)
    assert response.status_code == 403, name
    assert "n'a pas pu être vérifié" in unescape(response.text)
    assert draft_answers(respondent.context) is None


def test_a_megabyte_of_text_is_refused_before_it_is_read_whole(respondent: Respondent) -> None:
    huge = [("q.free-improvements", "a" * (1024 * 1024))]
    response = respondent.post(3, huge)
    assert response.status_code == 413 and MAX_FORM_BYTES < 1024 * 1024
    assert "trop volumineuses" in unescape(response.text)
    assert draft_answers(respondent.context) is None


def test_a_text_over_5000_characters_is_refused_but_kept_on_screen(
    respondent: Respondent,
) -> None:
    last = len(respondent.form.sections) - 1
    text = "Trop long. " * 460  # 5,060 characters
    fields = section_fields(respondent.form, last, complete_answers(respondent.form))
    fields = [(k, text if k == "q.free-improvements" else v) for k, v in fields]
    response = respondent.post(last, fields, action="submit")
    assert response.status_code == 422
    page = unescape(response.text)
    assert "compte 5\u202f059 caractères" in page and "5\u202f000 caractères au plus" in page
    assert text.strip() in page  # what was typed is still there to shorten
    assert draft_answers(respondent.context) is None and rows(respondent.context, Response) == []


def test_html_in_a_text_answer_is_stored_verbatim_and_shown_as_text(
    respondent: Respondent,
) -> None:
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    last = len(respondent.form.sections) - 1
    fields = section_fields(respondent.form, last, complete_answers(respondent.form))
    fields = [(k, script if k == "q.free-improvements" else v) for k, v in fields]
    respondent.post(last, fields, action="back")
    page = show_section(respondent, last)
    assert script not in page
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    )
    for index in range(last):
        respondent.answer_section(index)
    respondent.post(last, fields, action="submit")
    stored = [
        a.text for a in rows(respondent.context, Answer) if a.question_id == "free-improvements"
    ]
    assert stored == [script]


def test_posts_that_are_not_browser_forms_are_refused(respondent: Respondent) -> None:
    response = respondent.client.post(
        respondent.url, content=b'{"q.reco-nps": 10}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400 and draft_answers(respondent.context) is None


# ---- links that cannot be answered ------------------------------------------------------------


def test_a_tampered_link_gets_a_friendly_page_that_reveals_nothing(
    respondent: Respondent,
) -> None:
    token = respondent.invited.token
    tampered = token[:10] + ("a" if token[10] != "a" else "b") + token[11:]
    for response in (
        respondent.client.get(f"/r/{tampered}"),
        respondent.client.post(f"/r/{tampered}", data={"section": "0"}),
    ):
        assert response.status_code == 404
        text = unescape(response.text)
        assert "Ce lien n'est pas valide" in text and "FormaSud" in text
        assert "mailto:" in text and "05 61 00 00 00" in text
        assert "Votre avis sur la formation" not in text and "Martin" not in text
        assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("change", "title"),
    [
        ({"status": "closed"}, "Cette enquête est terminée"),
        ({"closes_at": "past"}, "Cette enquête est terminée"),
    ],
)
def test_a_closed_campaign_shows_a_friendly_page_and_refuses_answers(
    respondent: Respondent, change: dict, title: str
) -> None:
    values = {
        key: (utc_now() - timedelta(hours=1) if value == "past" else value)
        for key, value in change.items()
    }
    with write_session(respondent.context.engine) as session:
        session.execute(sa.update(Campaign).values(**values))
    page = respondent.client.get(respondent.url)
    assert page.status_code == 410 and title in unescape(page.text)
    assert "Votre avis sur la formation" not in page.text
    posted = respondent.answer_section(0)
    assert posted.status_code == 410 and draft_answers(respondent.context) is None


def test_repeated_invalid_links_from_one_address_are_slowed_down_but_valid_ones_open(
    respondent: Respondent,
) -> None:
    for number in range(5):
        assert respondent.client.get(f"/r/{'B' * 42}{number}").status_code == 404
    blocked = respondent.client.get(f"/r/{'C' * 43}")
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert "Trop de tentatives" in blocked.text
    assert respondent.client.post(f"/u/{'C' * 43}").status_code == 429
    assert respondent.client.get(respondent.url).status_code == 200  # a valid link always opens
    assert respondent.answer_section(0).status_code == 303
    respondent.clock.seconds += 601
    assert respondent.client.get(f"/r/{'C' * 43}").status_code == 404


def test_tokens_never_reach_the_logs(
    respondent: Respondent, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    token = respondent.invited.token
    respondent.client.get(respondent.url)
    respondent.answer_section(0)
    respondent.client.get(f"/r/{token[:-1]}Z")

    message = f"database unavailable while answering {token}: 'Très déçu'"

    def broken(**_kwargs):
        raise RuntimeError(message)

    monkeypatch.setattr(routes_module, "resolve_link", broken)
    failed = respondent.client.get(respondent.url)
    assert failed.status_code == 500 and "Erreur inattendue" in failed.text
    assert any(
        "respondent route answer_page failed with RuntimeError" in r.getMessage()
        and "routes.py" in r.getMessage()
        for r in caplog.records
    )
    # The test's own HTTP client (httpx) logs the URLs it requests; the server must not.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = "\n".join(
        r.getMessage() + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "")
        for r in server_side
    )
    assert token not in logged and token[:20] not in logged
    assert "Très déçu" not in logged  # an error's message may quote answers: not logged


# ---- unsubscribe --------------------------------------------------------------------------------


def opted_out(context: AppContext, invited: Invited) -> bool:
    with read_session(context.engine) as session:
        return session.get(Person, invited.person_id).opted_out_at is not None


def test_the_unsubscribe_page_asks_then_confirms(respondent: Respondent) -> None:
    url = f"/u/{respondent.invited.token}"
    page = respondent.client.get(url)
    assert page.status_code == 200 and "Me désinscrire" in page.text
    assert not opted_out(respondent.context, respondent.invited)
    guard = re.search(r'name="guard" value="([^"]+)"', page.text).group(1)
    done = respondent.client.post(url, data={"guard": guard, "lang": "fr"})
    assert done.status_code == 200 and "Vous êtes désinscrit·e" in done.text
    assert opted_out(respondent.context, respondent.invited)
    assert respondent.client.get(respondent.url).status_code == 410


def test_one_click_unsubscribe_follows_rfc_8058(respondent: Respondent) -> None:
    response = respondent.client.post(
        f"/u/{respondent.invited.token}",
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert opted_out(respondent.context, respondent.invited)


def test_an_unsubscribe_post_without_its_guard_is_refused(respondent: Respondent) -> None:
    response = respondent.client.post(f"/u/{respondent.invited.token}", data={"guard": "x"})
    assert response.status_code == 403
    assert not opted_out(respondent.context, respondent.invited)
    unknown = respondent.client.post(f"/u/{'C' * 43}", content=b"List-Unsubscribe=One-Click")
    assert unknown.status_code == 404


def test_the_notice_states_the_retention_rule_from_the_organisations_setting(
    respondent: Respondent,
) -> None:
    """One rule everywhere: the purge's (end of the last training), with the setting's years."""
    with write_session(respondent.context.engine) as session:
        organisation = session.get(OrganisationSettings, 1)
        organisation.retention_years = 7
        session.add(organisation)
    french = unescape(respondent.client.get(respondent.url).text)
    english = unescape(respondent.client.get(respondent.url + "?lang=en").text)
    assert "conservés 7 ans après la fin de votre dernière formation" in french
    assert "kept for 7 years after the end of your last training" in english
    assert "fin de l'enquête" not in french and "after the survey ends" not in english
