"""The page renderer shared by the answer route and the builder's preview."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any

import pytest

from question_banks.loader import get_template, load_catalog
from surveys.builder.composition import draft_from_template, freeze_definition
from surveys.respondent.form import FieldError, build_form
from surveys.respondent.rendering import (
    render_form_page,
    render_invalid_link_page,
    render_thanks_page,
)
from surveys.respondent.service import OrganisationInfo

ORGANISATION = OrganisationInfo(
    name="FormaSud",
    contact_email="contact@formasud.example.org",
    support_phone="05 61 00 00 00",
    retention_years=1,
)


@pytest.fixture(scope="module")
def definition() -> dict[str, Any]:
    frozen = freeze_definition(draft_from_template(get_template("learner_hot")), load_catalog())
    return {**frozen, "anonymous": False}


def questions_markup(page: str) -> str:
    return re.search(
        r'<input type="hidden" name="lang"[^>]*>(.*)<div class="actions">', page, re.S
    ).group(1)


def test_the_preview_is_the_respondents_page_without_token_or_guard(definition: dict) -> None:
    for section in range(len(definition["sections"])):
        respondent = render_form_page(
            definition,
            language="fr",
            section_index=section,
            action_url="/r/token",
            guard="g" * 64,
            organisation=ORGANISATION,
        )
        preview = render_form_page(
            definition,
            language="fr",
            section_index=section,
            answers={},
            errors={},
            preview=True,
            organisation=ORGANISATION,
        )
        assert questions_markup(preview) == questions_markup(respondent)
        assert 'name="guard"' not in preview and 'name="guard"' in respondent
        assert "Aperçu : les réponses saisies ici ne sont pas enregistrées." in unescape(preview)
        assert 'method="get"' in preview and 'method="post"' in respondent


@pytest.mark.parametrize(
    ("language", "progress"), [("fr", "Partie 2 sur 4"), ("en", "Part 2 of 4")]
)
def test_the_page_speaks_the_asked_language(definition: dict, language: str, progress: str) -> None:
    page = render_form_page(definition, language=language, section_index=1)
    assert f'<html lang="{language}">' in page and progress in page
    wording = definition["sections"][1]["questions"][0]["text"][language]
    assert wording in unescape(page)


def test_errors_are_listed_in_question_order_beside_their_fields_and_focus_the_first(
    definition: dict,
) -> None:
    errors = [
        FieldError("content-pace", "respondent.errors.required"),
        FieldError("overall-satisfaction", "respondent.errors.required"),
    ]
    page = render_form_page(definition, language="fr", section_index=0, errors=errors)
    links = re.findall(r'<li><a href="#([^"]+)">', page)
    assert links == ["q-overall-satisfaction-0", "q-content-pace-0"]
    assert page.count("autofocus") == 1
    assert re.search(r'id="q-overall-satisfaction-0"[^>]*autofocus', page)
    assert 'aria-describedby="q-content-pace-error"' in page
    assert page.count('class="error" id="q-content-pace-error"') == 1
    assert "<title>Erreur : " in page


def test_a_long_text_error_names_the_length_and_keeps_the_text(definition: dict) -> None:
    last = len(definition["sections"]) - 1
    error = FieldError(
        "free-improvements", "respondent.errors.too_long", {"limit": 5000, "length": 5321}
    )
    page = unescape(
        render_form_page(
            definition,
            language="en",
            section_index=last,
            errors=[error],
            answers={"free-improvements": "x" * 5321},
        )
    )
    assert "is 5,321 characters long" in page and "5,000 characters at most" in page
    assert "x" * 5321 in page and 'aria-invalid="true"' in page


def test_texts_from_the_definition_are_escaped(definition: dict) -> None:
    hostile = {**definition, "title": {"fr": "<script>alert(1)</script>", "en": "x"}}
    page = render_form_page(hostile, language="fr")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_thank_you_page_offers_changes_only_with_an_address(definition: dict) -> None:
    form = build_form(definition)
    plain = render_thanks_page(form, language="fr", organisation=ORGANISATION)
    assert "Merci !" in plain and "Modifier mes réponses" not in plain
    editable = render_thanks_page(
        form,
        language="fr",
        organisation=ORGANISATION,
        edit_url="/r/t?edit=1",
        editable_until=date(2026, 7, 3),
    )
    assert "jusqu&#39;au 3 juillet 2026" in editable and 'href="/r/t?edit=1"' in editable


@pytest.mark.parametrize("reason", ["unknown", "expired", "closed", "opted_out", "bogus"])
def test_invalid_link_pages_give_the_contact_and_nothing_else(reason: str) -> None:
    page = unescape(render_invalid_link_page(reason, language="fr", organisation=ORGANISATION))
    assert "FormaSud" in page and "mailto:contact@formasud.example.org" in page
    assert 'href="tel:0561000000"' in page
    assert "<form" not in page


def test_retention_is_said_in_years_with_the_right_plural(definition: dict) -> None:
    one = unescape(render_form_page(definition, language="fr", organisation=ORGANISATION))
    assert "conservés 1 an après la fin de votre dernière formation" in one
    three = OrganisationInfo(name="FormaSud", retention_years=3)
    english = render_form_page(definition, language="en", organisation=three)
    assert "kept for 3 years after the end of your last training" in english


def test_the_notice_says_who_sees_what_with_the_organisations_threshold(
    definition: dict,
) -> None:
    seven = OrganisationInfo(name="FormaSud", small_group_min=7)
    french = unescape(render_form_page(definition, language="fr", organisation=seven))
    assert "groupes d'au moins 7 répondants" in french
    assert "au moins 7 personnes ont répondu à la même enquête" in french
    assert "ne nomme aucun formateur" in french
    assert "Seuls l'équipe qualité et les administrateurs de FormaSud" in french
    english = unescape(render_form_page(definition, language="en", organisation=seven))
    assert "groups of at least 7 respondents" in english and "names no trainer" in english
    assert "only published in aggregate" not in english


def test_the_organisations_threshold_reaches_the_notice(sqlite_context) -> None:
    from sqlmodel import select

    from surveys.db import read_session, write_session
    from surveys.models import OrganisationSettings
    from surveys.respondent.service import organisation_info

    with write_session(sqlite_context.engine) as session:
        row = session.exec(select(OrganisationSettings)).first()
        row.small_group_min = 8
        session.add(row)
    with read_session(sqlite_context.engine) as session:
        assert organisation_info(session).small_group_min == 8
