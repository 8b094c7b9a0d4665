"""Survey composition on a real database: compose, reorder, publish, new version, duplicate,
archive; published versions never change; validation speaks clear French (and English)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from question_banks.loader import get_template, load_catalog
from surveys.builder import drafts
from surveys.builder.checks import blocking, check_draft
from surveys.builder.composition import (
    CompositionError,
    PublishedVersionIsFrozen,
    SurveyNotPublishable,
    archive_survey,
    change_draft,
    check_survey,
    create_survey,
    create_survey_from_template,
    duplicate_survey,
    has_unpublished_changes,
    list_surveys,
    list_versions,
    publish_survey,
    restore_survey,
    update_survey_settings,
    version_questions,
)
from surveys.builder.custom_questions import create_custom_question, full_catalog
from surveys.db import read_session, write_session
from surveys.models import AuditLog, Campaign, Survey, SurveyVersion
from surveys.runtime import AppContext
from tests import factories

ACTOR = "qualite@example.org"
CATALOG = load_catalog()
TITLE = {"fr": "Satisfaction des stagiaires", "en": "Trainee satisfaction"}


def _blank(session: Session, **fields) -> Survey:
    return create_survey(
        session=session,
        actor=ACTOR,
        audience="learner",
        timing="hot",
        title=fields.pop("title", TITLE),
        **fields,
    )


def _with_questions(session: Session, *question_ids: str) -> Survey:
    survey = _blank(session)
    questions = CATALOG.select(question_ids)
    return change_draft(
        session=session,
        survey=survey,
        actor=ACTOR,
        change=lambda d: drafts.add_questions(d, questions, catalog=CATALOG),
    )


def _layout(survey: Survey) -> list[tuple[str, list[str]]]:
    return [(s["id"], [q["id"] for q in s["questions"]]) for s in survey.draft["sections"]]


def _edit(session: Session, survey: Survey, change) -> Survey:
    return change_draft(session=session, survey=survey, actor=ACTOR, change=change)


# --- create -------------------------------------------------------------------------------


def test_a_survey_from_a_template_takes_its_sections_texts_and_settings(
    context: AppContext,
) -> None:
    template = get_template("learner_hot")
    with write_session(context.engine) as session:
        survey = create_survey_from_template(session=session, template=template, actor=ACTOR)
        assert (survey.audience, survey.timing, survey.template_id) == (
            "learner",
            "hot",
            "learner_hot",
        )
        assert survey.title == "Votre avis sur la formation"
        assert drafts.question_ids(survey.draft) == list(template.question_ids)
        assert survey.draft["languages"] == ["fr", "en"]
        assert blocking(check_survey(survey, catalog=CATALOG)) == []


def test_a_survey_from_scratch_has_its_texts_languages_and_no_question(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        survey = _blank(
            session, intro={"fr": "Bonjour", "en": "Hello"}, languages=["fr"], anonymous=True
        )
        assert survey.draft["title"] == TITLE
        assert survey.draft["intro"] == {"fr": "Bonjour", "en": "Hello"}
        assert survey.draft["languages"] == ["fr"]
        assert survey.draft["sections"] == []
        assert survey.anonymous is True


def test_an_unknown_audience_is_refused_in_french(sqlite_context: AppContext) -> None:
    with write_session(sqlite_context.engine) as session, pytest.raises(CompositionError) as err:
        create_survey(session=session, actor=ACTOR, audience="investor", timing="hot", title=TITLE)
    assert str(err.value) == "Public inconnu « investor »."


# --- compose ------------------------------------------------------------------------------


def test_questions_are_grouped_in_a_section_per_theme_by_default(context: AppContext) -> None:
    with write_session(context.engine) as session:
        survey = _with_questions(
            session, "overall-satisfaction", "support-responsiveness", "overall-objectives-met"
        )
        assert _layout(survey) == [
            ("overall_satisfaction", ["overall-satisfaction", "overall-objectives-met"]),
            ("technical_support", ["support-responsiveness"]),
        ]
        assert survey.draft["sections"][1]["title"] == {
            "fr": "Assistance technique et pédagogique",
            "en": CATALOG.get_theme("technical_support").label.en,
        }


def test_a_question_cannot_be_added_twice(sqlite_context: AppContext) -> None:
    with write_session(sqlite_context.engine) as session:
        survey = _with_questions(session, "overall-satisfaction")
        question = CATALOG["overall-satisfaction"]
        with pytest.raises(CompositionError) as caught:
            _edit(session, survey, lambda d: drafts.add_question(d, question))
    assert caught.value.message("fr").startswith("La question « ")
    assert "fait déjà partie de l'enquête" in caught.value.message("fr")
    assert question.text.en in caught.value.message("en")


def test_a_custom_question_can_be_picked_like_a_bank_question(context: AppContext) -> None:
    data = {
        "type": "yes_no",
        "theme": "lms_ergonomics",
        "audiences": ["learner"],
        "timings": ["hot"],
        "text": {"fr": "Avez-vous reçu vos identifiants ?", "en": "Did you get your login?"},
    }
    with write_session(context.engine) as session:
        question = create_custom_question(session=session, data=data, actor=ACTOR)
        catalog = full_catalog(session=session)
        survey = _edit(
            session, _blank(session), lambda d: drafts.add_question(d, question, catalog=catalog)
        )
        version = publish_survey(session=session, survey=survey, catalog=catalog, actor=ACTOR)
        assert _layout(survey) == [("lms_ergonomics", [question.id])]
        assert version_questions(version.definition)[0]["text"]["fr"] == data["text"]["fr"]


def test_questions_move_within_and_across_sections(context: AppContext) -> None:
    with write_session(context.engine) as session:
        survey = _with_questions(
            session, "overall-satisfaction", "overall-objectives-met", "support-responsiveness"
        )
        survey = _edit(
            session, survey, lambda d: drafts.move_question(d, "overall-objectives-met", -1)
        )
        assert _layout(survey)[0][1] == ["overall-objectives-met", "overall-satisfaction"]
        # past the end of its section, a question goes to the start of the next one
        survey = _edit(
            session, survey, lambda d: drafts.move_question(d, "overall-satisfaction", 1)
        )
        assert _layout(survey) == [
            ("overall_satisfaction", ["overall-objectives-met"]),
            ("technical_support", ["overall-satisfaction", "support-responsiveness"]),
        ]
        survey = _edit(session, survey, lambda d: drafts.move_section(d, "technical_support", -1))
        assert [s for s, _ in _layout(survey)] == ["technical_support", "overall_satisfaction"]
        survey = _edit(session, survey, lambda d: drafts.group_by_theme(d, CATALOG))
        assert _layout(survey) == [
            ("overall_satisfaction", ["overall-satisfaction", "overall-objectives-met"]),
            ("technical_support", ["support-responsiveness"]),
        ]


def test_moving_the_first_question_up_changes_nothing() -> None:
    draft = drafts.add_questions(
        drafts.blank_draft(title=TITLE), CATALOG.select(["overall-satisfaction"]), catalog=CATALOG
    )
    assert drafts.move_question(draft, "overall-satisfaction", -1) == draft


def test_draft_functions_never_change_the_draft_they_are_given() -> None:
    draft = drafts.add_questions(
        drafts.blank_draft(title=TITLE),
        CATALOG.select(["overall-satisfaction", "reco-nps"]),
        catalog=CATALOG,
    )
    snapshot = repr(draft)
    drafts.move_question(draft, "reco-nps", -1)
    drafts.set_required(draft, "reco-nps", False)
    drafts.remove_question(draft, "overall-satisfaction")
    drafts.rename_section(draft, "recommendation", {"fr": "Autre", "en": "Other"})
    assert repr(draft) == snapshot


def test_a_section_holding_questions_is_not_removed_and_an_empty_one_is(
    sqlite_context: AppContext,
) -> None:
    with write_session(sqlite_context.engine) as session:
        survey = _with_questions(session, "overall-satisfaction")
        with pytest.raises(CompositionError) as caught:
            _edit(session, survey, lambda d: drafts.remove_section(d, "overall_satisfaction"))
        assert caught.value.message("fr") == (
            "La section « Satisfaction globale » contient encore des questions : "
            "déplacez-les ou retirez-les d'abord."
        )
        survey = _edit(session, survey, lambda d: drafts.add_section(d, {"fr": "Vide"}))
        survey = _edit(session, survey, lambda d: drafts.remove_section(d, "vide"))
        assert [s for s, _ in _layout(survey)] == ["overall_satisfaction"]


def test_required_and_optional_choices_are_frozen_with_the_version(context: AppContext) -> None:
    with write_session(context.engine) as session:
        survey = _with_questions(session, "overall-satisfaction", "free-improvements")
        survey = _edit(
            session, survey, lambda d: drafts.set_required(d, "overall-satisfaction", False)
        )
        survey = _edit(session, survey, lambda d: drafts.set_required(d, "free-improvements", True))
        version = publish_survey(session=session, survey=survey, catalog=CATALOG, actor=ACTOR)
        required = {q["id"]: q["required"] for q in version_questions(version.definition)}
    assert required == {"overall-satisfaction": False, "free-improvements": True}


def test_anonymous_or_named_is_a_setting_carried_by_each_version(context: AppContext) -> None:
    with write_session(context.engine) as session:
        survey = _with_questions(session, "overall-satisfaction", "free-improvements")
        named = publish_survey(session=session, survey=survey, catalog=CATALOG, actor=ACTOR)
        update_survey_settings(session=session, survey=survey, actor=ACTOR, anonymous=True)
        anonymous = publish_survey(session=session, survey=survey, catalog=CATALOG, actor=ACTOR)
        assert (named.anonymous, named.definition["anonymous"]) == (False, False)
        assert (anonymous.anonymous, anonymous.definition["anonymous"]) == (True, True)


def test_allowing_changes_after_submit_reaches_the_answer_form(sqlite_context: AppContext) -> None:
    from surveys.respondent.form import EDIT_AFTER_SUBMIT_KEY, build_form

    assert drafts.ALLOW_EDIT_KEY == EDIT_AFTER_SUBMIT_KEY
    with write_session(sqlite_context.engine) as session:
        survey = _with_questions(session, "overall-satisfaction", "free-improvements")
        survey = _edit(session, survey, lambda d: drafts.set_allow_edit(d, True))
        version = publish_survey(session=session, survey=survey, catalog=CATALOG, actor=ACTOR)
        assert build_form(version.definition).allow_edit_after_submit is True
        survey = _edit(session, survey, lambda d: drafts.set_allow_edit(d, False))
        assert drafts.ALLOW_EDIT_KEY not in survey.draft


# --- publish and versions -----------------------------------------------------------------


def test_publishing_freezes_the_draft_and_editing_makes_the_next_version(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        survey = _with_questions(session, "overall-satisfaction", "free-improvements")
        first = publish_survey(session=session, survey=survey, catalog=CATALOG, actor=ACTOR)
        campaign = factories.campaign(session, version=first)
        assert not has_unpublished_changes(session=session, survey=survey, catalog=CATALOG)
        survey = _edit(session, survey, lambda d: drafts.remove_question(d, "free-improvements"))
        survey = _edit(
            session, survey, lambda d: drafts.set_texts(d, title={"fr": "Nouveau", "en": "New"})
        )
        assert has_unpublished_changes(session=session, survey=survey, catalog=CATALOG)
        assert _layout(survey) == [("overall_satisfaction", ["overall-satisfaction"])]
        second = publish_survey(session=session, survey=survey, catalog=CATALOG, actor=ACTOR)
        survey_id, campaign_id, first_id, second_id = survey.id, campaign.id, first.id, second.id
    with read_session(context.engine) as session:
        versions = list_versions(session=session, survey_id=survey_id)
        assert [v.number for v in versions] == [1, 2]
        assert [q["id"] for q in version_questions(versions[0].definition)] == [
            "overall-satisfaction",
            "free-improvements",
        ]
        assert versions[0].definition["title"]["fr"] == TITLE["fr"]
        assert versions[1].definition["title"]["fr"] == "Nouveau"
        assert version_questions(versions[0].definition)[0]["text"] == (
            CATALOG["overall-satisfaction"].text.model_dump()
        )
        # the campaign still points at the version it used
        assert session.get(Campaign, campaign_id).survey_version_id == first_id != second_id
        actions = session.exec(
            select(AuditLog.action).where(AuditLog.target == f"survey:{survey_id}")
        ).all()
        assert actions.count("survey.publish") == 2


def test_publishing_an_unchanged_draft_is_refused(sqlite_context: AppContext) -> None:
    with write_session(sqlite_context.engine) as session:
        survey = _with_questions(session, "overall-satisfaction", "free-improvements")
        publish_survey(session=session, survey=survey, catalog=CATALOG, actor=ACTOR)
        with pytest.raises(CompositionError) as caught:
            publish_survey(session=session, survey=survey, catalog=CATALOG, actor=ACTOR)
    assert str(caught.value) == (
        "Rien n'a changé depuis la version 1 : il n'y a pas de nouvelle version à publier."
    )


def test_a_published_version_cannot_be_changed(context: AppContext) -> None:
    with write_session(context.engine) as session:
        version = factories.published_version(session)
        version_id = version.id
    with pytest.raises(PublishedVersionIsFrozen) as caught, write_session(context.engine) as s:
        frozen = s.get(SurveyVersion, version_id)
        frozen.definition = {**frozen.definition, "title": {"fr": "Modifié", "en": "Changed"}}
        s.add(frozen)
        s.flush()
    assert str(caught.value) == (
        "La version 1 est publiée : elle ne peut plus être modifiée. Modifiez le brouillon de "
        "l'enquête, puis publiez une nouvelle version."
    )
    assert caught.value.message("en").startswith("Version 1 is published: it can no longer")
    with read_session(context.engine) as session:
        assert session.get(SurveyVersion, version_id).definition["title"]["fr"] != "Modifié"


@pytest.mark.parametrize("attempt", ["edit_draft", "delete"])
def test_domain_functions_and_deletion_refuse_to_touch_a_version(
    sqlite_context: AppContext, attempt: str
) -> None:
    with write_session(sqlite_context.engine) as session:
        version_id = factories.published_version(session).id
    with (
        pytest.raises(PublishedVersionIsFrozen, match="La version 1 est publiée"),
        write_session(sqlite_context.engine) as session,
    ):
        version = session.get(SurveyVersion, version_id)
        if attempt == "edit_draft":
            change_draft(
                session=session,
                survey=version,
                actor=ACTOR,
                change=lambda d: drafts.set_texts(d, title={"fr": "x", "en": "x"}),
            )
        else:
            session.delete(version)
            session.flush()
    with read_session(sqlite_context.engine) as session:
        assert session.get(SurveyVersion, version_id) is not None


# --- validation ---------------------------------------------------------------------------


def _problems(draft: dict, language: str = "fr") -> list[str]:
    problems = check_draft(draft, catalog=CATALOG, audience="learner", timing="hot")
    return [problem.message(language) for problem in blocking(problems)]


def _base() -> dict:
    return drafts.add_questions(
        drafts.blank_draft(title=TITLE),
        CATALOG.select(["overall-satisfaction", "free-improvements"]),
        catalog=CATALOG,
    )


@pytest.mark.parametrize(
    ("breaking", "french", "english"),
    [
        (
            lambda d: drafts.blank_draft(title=TITLE),
            "L'enquête ne contient aucune question : ajoutez-en au moins une avant de publier.",
            "The survey has no question: add at least one before publishing.",
        ),
        (
            lambda d: drafts.rename_section(d, "overall_satisfaction", {}),
            "La question obligatoire « Dans l'ensemble, êtes-vous satisfait de cette formation ? » "
            "est dans une section sans titre : le répondant ne saurait pas à quoi elle se rapporte."
            " Donnez un titre à la section.",
            "The required question “Overall, are you satisfied with this training?” is in a "
            "section without a title: respondents would not know what it is about. Give the "
            "section a title.",
        ),
        (
            lambda d: drafts.set_texts(d, title={"fr": "Titre seul"}),
            "Traduction manquante : le titre de l'enquête en anglais.",
            "Missing translation: the survey title in English.",
        ),
        (
            lambda d: drafts.set_texts(d, intro={"en": "Only English"}),
            "Traduction manquante : l'introduction en français.",
            "Missing translation: the introduction in French.",
        ),
        (
            lambda d: drafts.rename_section(d, "free_expression", {"fr": "Vos idées"}),
            "Traduction manquante : le titre de la section « Vos idées » en anglais.",
            "Missing translation: the title of the section “Vos idées” in English.",
        ),
        (
            lambda d: drafts.add_section(d, {"fr": "Bonus", "en": "Bonus"}),
            "La section « Bonus » est vide : le répondant verrait une page sans question. "
            "Ajoutez-y des questions ou supprimez-la.",
            "The section “Bonus” is empty: respondents would see a page without questions. Add "
            "questions to it or delete it.",
        ),
    ],
    ids=[
        "no-questions",
        "required-in-untitled-section",
        "missing-title-translation",
        "missing-intro-translation",
        "missing-section-translation",
        "empty-section",
    ],
)
def test_each_problem_is_explained_in_french_and_english(breaking, french, english) -> None:
    draft = breaking(_base())
    assert _problems(draft, "fr") == [french]
    assert _problems(draft, "en") == [english]


def test_a_language_not_offered_needs_no_translation() -> None:
    draft = drafts.set_languages(drafts.set_texts(_base(), title={"fr": "Titre seul"}), ["fr"])
    assert _problems(draft) == []


def test_a_draft_with_problems_is_not_published_and_every_problem_is_listed(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        survey = _blank(session, title={"fr": "Sans anglais"})
        with pytest.raises(SurveyNotPublishable) as caught:
            publish_survey(session=session, survey=survey, catalog=CATALOG, actor=ACTOR)
        assert list_versions(session=session, survey_id=survey.id) == []
    assert caught.value.message("fr").splitlines() == [
        "L'enquête ne peut pas être publiée (2 problème(s) à corriger) :",
        "- L'enquête ne contient aucune question : ajoutez-en au moins une avant de publier.",
        "- Traduction manquante : le titre de l'enquête en anglais.",
    ]


def test_warnings_do_not_block_publication(sqlite_context: AppContext) -> None:
    with write_session(sqlite_context.engine) as session:
        survey = _with_questions(session, "overall-satisfaction", "company-needs-analysed")
        messages = [
            p.message("fr") for p in check_survey(survey, catalog=CATALOG) if not p.blocking
        ]
        version = publish_survey(session=session, survey=survey, catalog=CATALOG, actor=ACTOR)
        assert version.number == 1
    assert any("n'est pas prévue pour le public « Apprenant »" in m for m in messages)
    assert (
        "Aucune question ouverte : l'indicateur 30 demande de laisser une place à la libre "
        "expression." in messages
    )


# --- duplicate and archive ----------------------------------------------------------------


def test_duplicate_copies_every_setting_into_an_independent_unpublished_survey(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        original = create_survey_from_template(
            session=session, actor=ACTOR, template=get_template("company_cold")
        )
        original = _edit(
            session, original, lambda d: drafts.set_required(d, drafts.question_ids(d)[0], False)
        )
        update_survey_settings(session=session, survey=original, actor=ACTOR, anonymous=True)
        publish_survey(session=session, survey=original, catalog=CATALOG, actor=ACTOR)
        copy_ = duplicate_survey(session=session, survey=original, actor=ACTOR)
        assert copy_.id != original.id
        for name in ("title", "audience", "timing", "anonymous", "template_id", "draft", "status"):
            assert getattr(copy_, name) == getattr(original, name), name
        assert list_versions(session=session, survey_id=copy_.id) == []
        _edit(session, copy_, lambda d: drafts.remove_question(d, drafts.question_ids(d)[0]))
        assert len(drafts.question_ids(copy_.draft)) == len(drafts.question_ids(original.draft)) - 1


def test_archive_hides_a_survey_from_lists_and_keeps_its_data(context: AppContext) -> None:
    with write_session(context.engine) as session:
        version = factories.published_version(session)
        survey = session.get(Survey, version.survey_id)
        archive_survey(session=session, survey=survey, actor=ACTOR)
        assert survey.id not in [s.id for s in list_surveys(session=session)]
        assert survey.id in [s.id for s in list_surveys(session=session, include_archived=True)]
        assert [v.id for v in list_versions(session=session, survey_id=survey.id)] == [version.id]
        with pytest.raises(CompositionError, match="est archivée : restaurez-la"):
            _edit(session, survey, lambda d: drafts.set_texts(d, title=TITLE))
        restore_survey(session=session, survey=survey, actor=ACTOR)
        assert survey.id in [s.id for s in list_surveys(session=session)]
