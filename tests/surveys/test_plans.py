"""Survey plans on a real database: the default proposal, the rules, the plan in words."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import Session, select

from surveys.builder.composition import archive_survey, create_survey
from surveys.db import read_session, write_session
from surveys.models import Programme, Survey, SurveyPlan
from surveys.plans.service import (
    PlanError,
    PlanSpec,
    adopt_plans,
    check_plan,
    create_plan,
    deactivate_plan,
    describe_plan,
    describe_plans,
    list_plans,
    propose_default_plan,
    propose_financer_plan,
    review_plans,
    update_plan,
)
from surveys.runtime import AppContext
from tests import factories

ACTOR = "qualite@example.org"
TEMPLATES = (
    "learner_hot",
    "learner_cold",
    "learner_cold_skills_assessment",
    "company_cold",
    "trainer_debrief",
    "financer_annual",
)


def _publish_all(session: Session) -> dict[str, int]:
    """One published survey per ready-made template: template id -> survey id."""
    return {
        template: factories.published_version(session, template).survey_id for template in TEMPLATES
    }


def _messages(spec: PlanSpec, session: Session, language: str = "fr") -> list[str]:
    return [
        problem.message(language)
        for problem in check_plan(spec, session=session)
        if problem.blocking
    ]


@pytest.mark.parametrize(
    ("kind", "cold_days", "cold_template"),
    [
        ("training", 90, "learner_cold"),
        ("skills_assessment", 180, "learner_cold_skills_assessment"),
    ],
)
def test_the_default_plan_of_a_programme_follows_common_practice(
    context: AppContext, kind: str, cold_days: int, cold_template: str
) -> None:
    with write_session(context.engine) as session:
        surveys = _publish_all(session)
        programme = factories.programme(session, kind=kind)
        proposal = propose_default_plan(session=session, programme=programme)
        rows = [(p.audience, p.timing, p.offset_days, p.send_time, p.survey_id) for p in proposal]
        assert rows == [
            ("learner", "hot", 0, "17:00", surveys["learner_hot"]),
            ("learner", "cold", cold_days, "10:00", surveys[cold_template]),
            ("company", "cold", 90, "10:00", surveys["company_cold"]),
            ("trainer", "hot", 0, "17:00", surveys["trainer_debrief"]),
        ]
        assert {(p.reminder_offsets_days, p.close_after_days) for p in proposal} == {((3, 7), 30)}
        assert all(_messages(spec, session) == [] for spec in proposal)


def test_the_yearly_financer_plan_is_organisation_wide(context: AppContext) -> None:
    with write_session(context.engine) as session:
        surveys = _publish_all(session)
        spec = propose_financer_plan(session=session)
        assert (spec.programme_id, spec.audience, spec.timing, spec.survey_id) == (
            None,
            "financer",
            "annual",
            surveys["financer_annual"],
        )
        plan = create_plan(session=session, spec=spec, actor=ACTOR)
        assert [p.id for p in list_plans(session=session, programme_id=None)] == [plan.id]


def test_a_proposal_without_published_surveys_says_which_survey_is_missing(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        programme = factories.programme(session)
        proposal = propose_default_plan(session=session, programme=programme)
        assert [spec.survey_id for spec in proposal] == [None] * 4
        assert _messages(proposal[1], session) == [
            "Le plan « Apprenant, À froid » n'a pas d'enquête : publiez une enquête pour ce "
            "public et ce moment, puis choisissez-la."
        ]
        assert _messages(proposal[1], session, "en") == [
            "The plan “Learner, Cold (later)” has no survey: publish a survey for this "
            "audience and timing, then choose it."
        ]


def test_adopting_a_proposal_creates_the_valid_lines_and_reports_the_others(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        factories.published_version(session, "learner_hot")
        programme = factories.programme(session)
        created, refused = adopt_plans(
            session=session,
            actor=ACTOR,
            specs=propose_default_plan(session=session, programme=programme),
        )
        assert [(p.audience, p.timing) for p in created] == [("learner", "hot")]
        assert [(spec.audience, spec.timing) for spec, _ in refused] == [
            ("learner", "cold"),
            ("company", "cold"),
            ("trainer", "hot"),
        ]
        programme_id = programme.id
    with read_session(context.engine) as session:
        stored = session.exec(select(SurveyPlan)).all()
        assert [
            (row.programme_id, row.reminder_offsets_days, row.close_after_days) for row in stored
        ] == [(programme_id, [3, 7], 30)]


def test_an_archived_or_unpublished_survey_cannot_be_planned(context: AppContext) -> None:
    with write_session(context.engine) as session:
        programme = factories.programme(session)
        draft = create_survey(
            session=session,
            actor=ACTOR,
            audience="learner",
            timing="hot",
            title={"fr": "Brouillon", "en": "Draft"},
        )
        spec = PlanSpec(programme.id, draft.id, "learner", "hot")
        assert _messages(spec, session) == [
            "L'enquête « Brouillon » n'a jamais été publiée : publiez-la avant de l'utiliser "
            "dans un plan."
        ]
        published = factories.published_version(session, "learner_hot").survey_id
        plan = create_plan(session=session, spec=replace(spec, survey_id=published), actor=ACTOR)
        archive_survey(session=session, survey=session.get(Survey, published), actor=ACTOR)
        with pytest.raises(PlanError) as caught:
            create_plan(
                session=session, actor=ACTOR, spec=replace(spec, survey_id=published, offset_days=1)
            )
        assert (
            "L'enquête « Votre avis sur la formation » est archivée : choisissez une "
            "enquête active." in caught.value.message("fr")
        )
        # the plan made before the archive is kept, and its review shows the problem
        [review] = review_plans(session=session, programme_id=programme.id)
        assert review.plan_id == plan.id
        assert [p.key for p in review.problems] == ["builder.plans.problems.survey_archived"]


def _spec(session: Session, **changes) -> PlanSpec:
    survey_id = factories.published_version(session, "learner_hot").survey_id
    programme = factories.programme(session)
    return replace(PlanSpec(programme.id, survey_id, "learner", "hot"), **changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"send_time": "25:00"},
            "L'heure d'envoi « 25:00 » n'est pas valide : écrivez-la HH:MM, par exemple 17:00.",
        ),
        (
            {"reminder_offsets_days": (7, 3)},
            "Les relances (7, 3) doivent être des nombres de jours croissants, d'au moins 1, et "
            "tomber avant la clôture (30 jours).",
        ),
        (
            {"reminder_offsets_days": (3, 40)},
            "Les relances (3, 40) doivent être des nombres de jours croissants, d'au moins 1, et "
            "tomber avant la clôture (30 jours).",
        ),
        (
            {"close_after_days": 0},
            "La clôture doit intervenir entre 1 et 365 jours après l'envoi (ici : 0).",
        ),
        (
            {"offset_days": 10},
            "Une enquête à chaud part à la fin de la session, au plus 7 jours après (ici : 10).",
        ),
        (
            {"programme_id": None},
            "Une enquête à chaud ou à froid suit les sessions d'une formation : choisissez "
            "d'abord la formation.",
        ),
        (
            {"timing": "cold", "offset_days": 90},
            "L'enquête « Votre avis sur la formation » est prévue pour « Apprenant, À chaud », "
            "pas pour « Apprenant, À froid ».",
        ),
        (
            {"audience": "financer"},
            "L'enquête « Votre avis sur la formation » est prévue pour « Apprenant, À chaud », "
            "pas pour « Financeur, À chaud ».",
        ),
    ],
    ids=[
        "send-time",
        "reminders-order",
        "reminders-after-close",
        "close",
        "hot-offset",
        "no-programme",
        "timing-mismatch",
        "audience-mismatch",
    ],
)
def test_each_broken_rule_is_explained_in_french(
    sqlite_context: AppContext, changes: dict, message: str
) -> None:
    with write_session(sqlite_context.engine) as session:
        assert message in _messages(_spec(session, **changes), session)


def test_the_same_line_twice_is_refused(sqlite_context: AppContext) -> None:
    with write_session(sqlite_context.engine) as session:
        spec = _spec(session)
        plan = create_plan(session=session, spec=spec, actor=ACTOR)
        assert _messages(spec, session) == [
            "Le plan contient déjà l'enquête « Apprenant, À chaud » à 0 jours."
        ]
        deactivate_plan(session=session, plan=plan, actor=ACTOR)
        assert _messages(spec, session) == []


def test_a_skills_assessment_cold_survey_before_six_months_gets_a_warning(
    sqlite_context: AppContext,
) -> None:
    with write_session(sqlite_context.engine) as session:
        survey_id = factories.published_version(session, "learner_cold").survey_id
        programme = factories.programme(session, kind="skills_assessment")
        problems = check_plan(
            PlanSpec(programme.id, survey_id, "learner", "cold", 90), session=session
        )
    assert [(p.message("fr"), p.blocking) for p in problems] == [
        (
            "Pour un bilan de compétences, l'enquête à froid est attendue à 6 mois (180 jours) ; "
            "ici : 90 jours.",
            False,
        )
    ]


def test_update_plan_checks_the_new_settings(context: AppContext) -> None:
    with write_session(context.engine) as session:
        plan = create_plan(session=session, spec=_spec(session), actor=ACTOR)
        update_plan(
            session=session,
            plan=plan,
            actor=ACTOR,
            reminder_offsets_days=(2, 5, 9),
            send_time="16:30",
        )
        assert (plan.reminder_offsets_days, plan.send_time) == ([2, 5, 9], "16:30")
        with pytest.raises(PlanError, match="L'heure d'envoi « 9h » n'est pas valide"):
            update_plan(session=session, plan=plan, actor=ACTOR, send_time="9h")
        assert session.get(SurveyPlan, plan.id).send_time == "16:30"


@pytest.mark.parametrize(
    ("spec", "language", "sentence"),
    [
        (
            PlanSpec(1, 1, "learner", "hot"),
            "fr",
            "Apprenants : « Votre avis », envoyée le dernier jour de chaque session à 17:00 ; "
            "relances 3 et 7 jours après l'envoi tant que la personne n'a pas répondu ; clôture "
            "30 jours après l'envoi.",
        ),
        (
            PlanSpec(1, 1, "learner", "cold", 180, "10:00", (5, 10, 15), 45),
            "fr",
            "Apprenants : « Votre avis », envoyée 180 jours après la fin de chaque session à "
            "10:00 ; relances 5, 10 et 15 jours après l'envoi tant que la personne n'a pas "
            "répondu ; clôture 45 jours après l'envoi.",
        ),
        (
            PlanSpec(None, 1, "financer", "annual", 0, "10:00", (), 60),
            "fr",
            "Financeurs : « Votre avis », envoyée une fois par an à 10:00 (enquête annuelle de "
            "l'organisme) ; sans relance ; clôture 60 jours après l'envoi.",
        ),
        (
            PlanSpec(1, 1, "company", "cold", 90, "10:00"),
            "en",
            "Companies: “Your feedback”, sent 90 days after the end of each session at 10:00; "
            "reminders 3 and 7 days after sending as long as the person has not answered; "
            "closes 30 days after sending.",
        ),
    ],
)
def test_a_plan_reads_as_one_sentence(spec: PlanSpec, language: str, sentence: str) -> None:
    title = {"fr": "Votre avis", "en": "Your feedback"}
    assert describe_plan(spec, survey_title=title, language=language) == sentence


def test_the_plans_of_a_programme_read_as_sentences_for_the_auditor(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        _publish_all(session)
        programme = factories.programme(session, kind="skills_assessment")
        adopt_plans(
            session=session,
            actor=ACTOR,
            specs=propose_default_plan(session=session, programme=programme),
        )
        lines = describe_plans(session=session, programme_id=programme.id)
        assert session.get(Programme, programme.id).kind == "skills_assessment"
    assert len(lines) == 4
    assert any("envoyée 180 jours après la fin de chaque session à 10:00" in line for line in lines)
    assert lines[0].startswith(
        "Apprenants : « Votre avis sur la formation », envoyée le "
        "dernier jour de chaque session à 17:00"
    )
