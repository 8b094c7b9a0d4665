"""The builder and plans pages in AppTest (build -> preview -> publish, clicks counted), the
staff-only preview route, and the proof that the preview is the answer page's own HTML."""

from __future__ import annotations

import difflib
import html
import re
import sqlite3
from pathlib import Path

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from question_banks.loader import load_catalog
from surveys.builder.composition import list_versions, preview_definition
from surveys.builder.custom_questions import full_catalog
from surveys.builder.drafts import question_ids
from surveys.builder.preview import (
    builder_routes,
    draft_preview_url,
    render_preview,
    version_preview_url,
)
from surveys.db import read_session, write_session
from surveys.models import Survey, SurveyPlan, SurveyVersion
from surveys.respondent.routes import respondent_routes
from surveys.runtime import AppContext
from surveys.staff.auth import SESSION_COOKIE, make_session_cookie
from tests import factories
from tests.factories import make_invited
from tests.support.staff_app import logged_in_app

BUILDER = "surveys/pages/builder.py"
PLANS = "surveys/pages/plans.py"
MOBILE_USE = load_catalog()["access-mobile-use"]


class Visitor:
    """A logged-in staff member in AppTest who counts the clicks they make."""

    def __init__(self, context: AppContext, role: str = "quality") -> None:
        self.app = logged_in_app(context, role, timeout=60)
        self.app.run()
        self.clicks = 0

    def open(self, path: str) -> AppTest:
        self.clicks += 1  # the page's entry in the menu
        return self.app.switch_page(path).run()

    def click(self, key: str) -> AppTest:
        self.clicks += 1
        return self.app.button(key=key).click().run()

    def tab(self, survey_id: int, label: str) -> AppTest:
        self.clicks += 1
        self.app.session_state[f"builder_tab_{survey_id}"] = label
        return self.app.run()

    def ok(self) -> None:
        assert not self.app.exception, [item.value for item in self.app.exception]


def _survey(context: AppContext, survey_id: int) -> Survey:
    with read_session(context.engine) as session:
        survey = session.get(Survey, survey_id)
        session.expunge(survey)
    return survey


def test_a_quality_user_builds_previews_and_publishes_a_survey(app_env: AppContext) -> None:
    visitor = Visitor(app_env)
    app = visitor.open(BUILDER)
    assert app.selectbox(key="builder_survey").value is None  # "new survey" comes first
    assert app.selectbox(key="builder_new_template").value == "learner_hot"
    visitor.click("builder_create")
    visitor.ok()
    survey_id = app.session_state["builder_survey"]
    q = f"builder_q_{survey_id}"

    # build: remove, reorder, required, add from the banks with the bank browser's filters
    visitor.click(f"{q}_org-information-before_remove")
    visitor.click(f"{q}_reco-nps_move_down")
    app.checkbox(key=f"{q}_free-improvements_required").check().run()
    app.selectbox(key=f"builder_pick_{survey_id}_theme").select("accessibility").run()
    app.multiselect(key=f"builder_pick_{survey_id}").select("access-mobile-use").run()
    visitor.click(f"builder_pick_{survey_id}_add")
    visitor.ok()
    draft = _survey(app_env, survey_id).draft
    ids = question_ids(draft)
    assert "org-information-before" not in ids
    assert ids.index("free-improvements") < ids.index("reco-nps")
    assert draft["sections"][-1] == {
        "id": "accessibility",
        "title": {"fr": "Accessibilité", "en": "Accessibility"},
        "questions": [{"id": "access-mobile-use", "required": MOBILE_USE.required}],
    }
    opinion = next(s for s in draft["sections"] if s["id"] == "opinion")
    assert {"id": "free-improvements", "required": True} in opinion["questions"]

    # preview: the answer page's own HTML, in each language
    visitor.tab(survey_id, "Aperçu")
    visitor.ok()
    shown = app.get("iframe")[0].proto.srcdoc
    with read_session(app_env.engine) as session:
        definition = preview_definition(
            session.get(Survey, survey_id), catalog=full_catalog(session=session)
        )
        expected = render_preview(
            session=session,
            definition=definition,
            language="fr",
            section_index=0,
            preview_url=draft_preview_url(survey_id),
        )
    assert shown == expected
    assert '<html lang="fr">' in shown and "Votre formation" in shown
    app.radio(key=f"builder_preview_{survey_id}_language").set_value("en").run()
    app.selectbox(key=f"builder_preview_{survey_id}_section").select(4).run()
    english = app.get("iframe")[0].proto.srcdoc
    assert '<html lang="en">' in english and "Accessibility" in english

    # publish: version 1 is exactly what the preview showed
    visitor.tab(survey_id, "Publication")
    assert app.button(key=f"builder_publish_{survey_id}").label == "Publier la version 1"
    visitor.click(f"builder_publish_{survey_id}")
    visitor.ok()
    assert app.success[0].value.startswith("Version publiée")
    with read_session(app_env.engine) as session:
        versions = list_versions(session=session, survey_id=survey_id)
        assert [(v.number, v.definition) for v in versions] == [(1, definition)]
    assert app.button(key=f"builder_publish_{survey_id}").disabled  # nothing new to publish


def test_creating_from_a_template_and_publishing_takes_four_clicks(app_env: AppContext) -> None:
    visitor = Visitor(app_env)
    visitor.open(BUILDER)
    visitor.click("builder_create")
    survey_id = visitor.app.session_state["builder_survey"]
    visitor.tab(survey_id, "Publication")
    visitor.click(f"builder_publish_{survey_id}")
    visitor.ok()
    with read_session(app_env.engine) as session:
        assert session.exec(select(SurveyVersion.number)).all() == [1]
    assert visitor.clicks == 4  # menu entry, "Créer l'enquête", "Publication" tab, "Publier"


def test_an_english_reader_sees_the_publication_dates_in_english(app_env: AppContext) -> None:
    with write_session(app_env.engine) as session:
        survey_id = factories.published_version(session).survey_id
    # one run, no clicks: AppTest sends the widgets' choices back formatted outside the
    # script run (in French), which an English page does not offer
    app = logged_in_app(app_env, "quality", timeout=60, language="en")
    app.session_state["builder_survey"] = survey_id
    app.session_state[f"builder_tab_{survey_id}"] = "Publication"
    app.run().switch_page(BUILDER).run()
    assert not app.exception, [item.value for item in app.exception]
    english_day = r"\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"
    last = next(item.value for item in app.markdown if "Last published version" in item.value)
    assert re.search(rf"on {english_day}\.$", last), last
    table = app.dataframe[0].value
    published = str(table.iloc[0, 1])
    assert re.fullmatch(rf"{english_day} \d{{2}}:\d{{2}}", published), published


def test_a_survey_with_problems_lists_them_and_cannot_be_published(app_env: AppContext) -> None:
    visitor = Visitor(app_env)
    app = visitor.open(BUILDER)
    app.radio(key="builder_new_source").set_value("scratch").run()
    app.text_input(key="builder_new_title_fr").input("Enquête formateurs")
    visitor.click("builder_create")
    survey_id = app.session_state["builder_survey"]
    visitor.tab(survey_id, "Publication")
    visitor.ok()
    errors = [item.value for item in app.error]
    assert errors == [
        "L'enquête ne contient aucune question : ajoutez-en au moins une avant de publier.",
        "Traduction manquante : le titre de l'enquête en anglais.",
    ]
    assert app.button(key=f"builder_publish_{survey_id}").disabled


def test_a_custom_question_is_written_inline_and_joins_the_survey(app_env: AppContext) -> None:
    visitor = Visitor(app_env)
    app = visitor.open(BUILDER)
    visitor.click("builder_create")
    survey_id = app.session_state["builder_survey"]
    key = f"builder_custom_{survey_id}"
    app.selectbox(key=f"{key}_type").select("yes_no")
    app.selectbox(key=f"{key}_theme").select("lms_ergonomics")
    app.text_input(key=f"{key}_fr").input("Avez-vous reçu vos identifiants à temps ?")
    app.text_input(key=f"{key}_en").input("Did you get your login in time?")
    visitor.click(f"{key}_submit")
    visitor.ok()
    assert "Question personnalisée créée" in app.success[0].value
    ids = question_ids(_survey(app_env, survey_id).draft)
    assert ids[-1] == "custom-avez-vous-recu-vos-identifiants-a-temps"


def test_duplicate_opens_the_copy_and_archive_hides_it(app_env: AppContext) -> None:
    visitor = Visitor(app_env)
    app = visitor.open(BUILDER)
    visitor.click("builder_create")
    original = app.session_state["builder_survey"]
    visitor.tab(original, "Publication")
    visitor.click(f"builder_duplicate_{original}")
    copy_id = app.session_state["builder_survey"]
    assert copy_id != original
    assert _survey(app_env, copy_id).draft == _survey(app_env, original).draft
    visitor.tab(copy_id, "Publication")
    visitor.click(f"builder_status_{copy_id}")
    visitor.ok()
    assert _survey(app_env, copy_id).status == "archived"
    assert app.selectbox(key="builder_survey").value is None  # archived: out of the list
    assert len(app.selectbox(key="builder_survey").options) == 2  # "new" and the original


def test_the_plans_page_proposes_a_default_plan_and_adopts_it(app_env: AppContext) -> None:
    with write_session(app_env.engine) as session:
        factories.published_version(session, "learner_hot")
        programme_id = factories.programme(session, code="DEV-WEB").id
    visitor = Visitor(app_env)
    app = visitor.open(PLANS)
    app.selectbox(key="plans_programme").select(programme_id).run()
    visitor.ok()
    sentences = [item.value for item in app.markdown if item.value.startswith("- ")]
    assert sentences[0].startswith(
        "- Apprenants : « Votre avis sur la formation », envoyée le dernier jour de chaque "
        "session à 17:00 ; relances 3 et 7 jours après l'envoi"
    )
    missing = [item.value for item in app.error]
    assert any(m.startswith("Le plan « Apprenant, À froid » n'a pas d'enquête") for m in missing)
    visitor.click("plans_adopt")
    visitor.ok()
    with read_session(app_env.engine) as session:
        plans = session.exec(select(SurveyPlan)).all()
    assert [(p.programme_id, p.audience, p.timing) for p in plans] == [
        (programme_id, "learner", "hot")
    ]
    assert "1 ligne(s) de plan créée(s)." in [item.value for item in app.success]


def test_a_plan_without_a_survey_is_refused_with_a_clear_message(app_env: AppContext) -> None:
    visitor = Visitor(app_env)
    app = visitor.open(PLANS)
    visitor.click("plans_form_submit")
    visitor.ok()
    assert app.error[0].value.splitlines()[0] == "Le plan n'a pas été enregistré (1 problème(s)) :"
    assert "n'a pas d'enquête : publiez une enquête pour ce public" in app.error[0].value


# --- the preview route and the proof of "same HTML" ---------------------------------------


def _client(context: AppContext, role: str | None = None) -> TestClient:
    """The preview and answer routes; logged in as a staff member of `role` if given."""
    routes = builder_routes(context) + respondent_routes(context)
    client = TestClient(Starlette(routes=routes), follow_redirects=False)
    if role is not None:
        with write_session(context.engine) as session:
            user = factories.staff(session, role=role)
            cookie = make_session_cookie(user, secret=context.settings.session_secret)
        client.cookies.set(SESSION_COOKIE, cookie)
    return client


def _comparable(page: str) -> str:
    """The page without what a preview cannot share with an answer link: the banner, the
    anti-forgery value, where the form goes, and the addresses of the language links."""
    page = re.sub(r'<p class="notice preview-banner">.*?</p>', "", page)
    page = re.sub(r'<input type="hidden" name="guard" value="[^"]*">', "", page)
    page = re.sub(r'<form id="answer-form" method="\w+" action="[^"]*"', "<form FORM", page)
    return re.sub(r'href="[^"]*[?&]lang=(\w+)[^"]*"', r'href="LANG=\1"', page)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_preview_and_the_answer_page_give_the_same_html_for_a_version(
    context: AppContext, language: str
) -> None:
    invited = make_invited(context, language=language)
    answer = _client(context).get(f"/r/{invited.token}")
    preview = _client(context, "quality").get(
        f"{version_preview_url(invited.version_id)}?lang={language}&section=0"
    )
    with read_session(context.engine) as session:
        definition = session.get(SurveyVersion, invited.version_id).definition
        embedded = render_preview(
            session=session,
            definition=definition,
            language=language,
            section_index=0,
            preview_url=version_preview_url(invited.version_id),
        )
    assert answer.status_code == preview.status_code == 200
    assert preview.text == embedded  # the route and the builder page show the same thing
    assert preview.text != answer.text
    assert _comparable(preview.text) == _comparable(answer.text)
    changed = [
        line
        for line in difflib.ndiff(answer.text.splitlines(), preview.text.splitlines())
        if line[:1] in "+-"
    ]
    assert len(changed) <= 8, changed  # banner, guard, form target, language link: no more


def test_the_preview_route_is_for_quality_staff_only(context: AppContext) -> None:
    with write_session(context.engine) as session:
        version_id = factories.published_version(session).id
    url = version_preview_url(version_id)
    anonymous = _client(context).get(url)
    assert anonymous.status_code == 403
    assert "réservé à l'équipe qualité" in html.unescape(anonymous.text)
    assert _client(context, "director").get(url).status_code == 403
    forged = _client(context)
    forged.cookies.set(SESSION_COOKIE, "forged")
    assert forged.get(url).status_code == 403
    assert _client(context, "admin").get(url).status_code == 200
    assert _client(context, "quality").get(version_preview_url(9999)).status_code == 404


def test_the_preview_pages_through_sections_and_ends_on_the_closing_text(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        survey_id = factories.published_version(session).survey_id
    client = _client(context, "quality")
    url = draft_preview_url(survey_id)
    second = client.get(f"{url}?lang=fr&section=0&action=next")
    assert "(partie 2 sur 4)" in second.text
    back = client.get(f"{url}?lang=en&section=1&action=back")
    assert "(part 1 of 4)" in back.text
    end = client.get(f"{url}?lang=fr&section=3&action=submit")
    assert "Merci pour votre participation" in end.text
    assert 'action="/preview/survey/' in second.text and 'name="guard"' not in second.text


# --- a real browser: what a new quality user goes through ----------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_a_quality_user_creates_and_publishes_a_survey_in_four_clicks(tmp_path: Path) -> None:
    from tests.support.browser import chromium
    from tests.support.server import run_cli, server_env, start_server

    env = server_env(tmp_path)
    run_cli(env, "surveys", "demo")
    server = start_server(env)
    clicks = 0

    def click(locator) -> None:  # type: ignore[no-untyped-def]
        nonlocal clicks
        locator.click(timeout=60_000)
        clicks += 1

    try:
        with chromium() as browser:
            page = browser.new_context(locale="fr-FR").new_page()
            page.goto(f"{server.base_url}/auth/login")  # logging in is not part of the task
            page.get_by_label("Adresse e-mail").fill("qualite@formasud.example.org")
            page.get_by_label("Mot de passe").fill("Demo-qualite-2026")
            page.get_by_role("button", name="Se connecter").click()
            click(page.get_by_role("link", name="Concevoir une enquête"))
            click(page.get_by_role("button", name="Créer l'enquête"))
            page.get_by_text("Enquête créée").wait_for(timeout=60_000)
            click(page.get_by_role("tab", name="Publication"))
            click(page.get_by_role("button", name="Publier la version 1"))
            # the lasting state, not the one-off success message a quick rerun may replace
            page.get_by_text("Le brouillon est identique à la dernière version publiée.").wait_for(
                timeout=60_000
            )
            assert clicks == 4
            # the preview tab shows the answer page itself, styled by its own stylesheet
            page.get_by_role("tab", name="Aperçu").click()
            frame = page.frame_locator("iframe[title^='Aperçu du formulaire']")
            frame.get_by_role("heading", name="Votre formation").wait_for(timeout=60_000)
            banner = frame.get_by_text("Aperçu : les réponses saisies ici ne sont pas")
            assert banner.evaluate("node => getComputedStyle(node).borderTopStyle") == "dashed"
    finally:
        server.stop()
    with sqlite3.connect(tmp_path / "app.db") as database:
        newest = database.execute(
            "SELECT survey.title, survey_version.number FROM survey_version "
            "JOIN survey ON survey.id = survey_version.survey_id ORDER BY survey_version.id DESC"
        ).fetchone()
    assert newest == ("Votre avis sur la formation", 1)
