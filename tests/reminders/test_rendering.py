"""Email rendering and composition: every template in both languages, a real text part and an
HTML part, headers that survive any name, and staff-edited texts that cannot escape."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

import pytest

from reminders.rendering import (
    EMAIL_TEMPLATE_NAMES,
    EmailSource,
    EmailTemplateError,
    check_source,
    compose_message,
    default_source,
    new_message_id,
    plan_source,
    render_email,
    sample_facts,
)

NOW = datetime(2026, 6, 30, 15, tzinfo=UTC)


def compose(rendered, **changes):
    values = {
        "to_address": "camille@example.org",
        "to_name": "Camille Martin",
        "from_address": "qualite@formasud.example.org",
        "from_name": "Formasud",
        "unsubscribe_url": "https://surveys.example.org/u/TOKEN",
        "message_id": new_message_id("qualite@formasud.example.org"),
        "now": NOW,
        **changes,
    }
    return compose_message(rendered, **values)


def parsed(outgoing):
    return message_from_bytes(outgoing.data, policy=default)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", EMAIL_TEMPLATE_NAMES)
def test_every_template_renders_in_both_languages(name: str, language: str) -> None:
    rendered = render_email(default_source(name, language), sample_facts(language))
    assert rendered.subject and "\n" not in rendered.subject
    assert "https://example.org/r/exemple" in rendered.text
    assert 'href="https://example.org/r/exemple"' in rendered.html
    assert "https://example.org/u/exemple" in rendered.text
    assert f'<html lang="{language}">' in rendered.html
    assert "Camille" in rendered.text and "{{" not in rendered.text


def test_the_message_has_a_text_part_then_an_html_part_and_no_defect() -> None:
    rendered = render_email(default_source("invitation", "fr"), sample_facts("fr"))
    message = parsed(compose(rendered))
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert parts[0].get_content().replace("\r\n", "\n") == rendered.text
    assert "<p>" not in parts[0].get_content()
    assert not message.defects and not any(part.defects for part in parts)
    assert message["List-Unsubscribe"] == "<https://surveys.example.org/u/TOKEN>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Content-Language"] == "fr" and message["Subject"] == rendered.subject


def test_each_message_gets_its_own_message_id() -> None:
    ids = {new_message_id("qualite@formasud.example.org") for _ in range(1000)}
    assert len(ids) == 1000 and all(i.endswith("@formasud.example.org>") for i in ids)


def test_accented_names_and_subjects_travel_intact() -> None:
    facts = sample_facts(
        "fr",
        first_name="Éloïse",
        last_name="Lefèvre-Ñúñez",
        organisation_name="Organisme « Sud » & Cie",
    )
    rendered = render_email(default_source("reminder_2", "fr"), facts)
    message = parsed(
        compose(rendered, to_name="Éloïse Lefèvre-Ñúñez", from_name="Organisme « Sud » & Cie")
    )
    assert message["To"].addresses[0].display_name == "Éloïse Lefèvre-Ñúñez"
    assert message["From"].addresses[0].display_name == "Organisme « Sud » & Cie"
    assert message["Subject"].startswith("Dernier rappel")
    assert "Bonjour Éloïse," in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    "name", ['Eve"<spy@example.net>', "Eve\r\nBcc: spy@example.net", "Eve\nX-Injected: yes"]
)
def test_a_display_name_cannot_add_a_header_or_a_recipient(name: str) -> None:
    rendered = render_email(default_source("invitation", "fr"), sample_facts("fr"))
    message = parsed(compose(rendered, to_name=name))
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert [address.addr_spec for address in message["To"].addresses] == ["camille@example.org"]


def test_an_address_with_a_line_break_is_refused() -> None:
    rendered = render_email(default_source("invitation", "fr"), sample_facts("fr"))
    with pytest.raises(ValueError):
        compose(rendered, to_address="camille@example.org\r\nBcc: spy@example.net")


def test_names_cannot_inject_markup_in_the_html_part() -> None:
    facts = sample_facts(
        "fr", first_name="<script>alert(1)</script>", organisation_name="<b>Org</b>"
    )
    rendered = render_email(default_source("invitation", "fr"), facts)
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<b>Org</b>" not in rendered.html


def test_a_greeting_without_a_first_name_stays_polite() -> None:
    rendered = render_email(default_source("invitation", "fr"), sample_facts("fr", first_name=""))
    assert rendered.text.startswith("Bonjour,")


def test_a_plan_text_replaces_the_default_only_where_it_was_edited() -> None:
    overrides = {
        "fr": {
            "invitation": {
                "subject": "Votre avis, {{ first_name }} ?",
                "body": "{{ greeting }}\n\nUn mot sur « {{ survey_title }} ».",
            }
        }
    }
    edited = plan_source(overrides, "invitation", "fr")
    rendered = render_email(edited, sample_facts("fr"))
    assert rendered.subject == "Votre avis, Camille ?"
    assert "Un mot sur" in rendered.text and "https://example.org/r/exemple" in rendered.text
    assert plan_source(overrides, "invitation", "en") == default_source("invitation", "en")
    assert plan_source(overrides, "reminder_1", "fr") == default_source("reminder_1", "fr")


@pytest.mark.parametrize(
    "body",
    [
        "{{ prenom }}",
        "{% if %}",
        "{{ ''.__class__.__mro__ }}",
        "{{ greeting.__class__.__subclasses__() }}",
    ],
)
def test_an_edited_text_that_cannot_render_safely_is_refused(body: str) -> None:
    with pytest.raises(EmailTemplateError):
        check_source(EmailSource(subject="Objet", body=body), "fr")


def test_a_subject_on_two_lines_is_refused() -> None:
    with pytest.raises(EmailTemplateError):
        check_source(EmailSource(subject="Objet\nBcc: x@example.net", body="Texte"), "fr")
