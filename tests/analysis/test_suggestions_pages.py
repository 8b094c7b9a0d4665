"""The improvement pages in AppTest, on a real database: quality staff turn a suggestion into
an action, put a flagged comment in the register, and see overdue actions stand out; a
director reads the plan without any editing control."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from surveys.db import read_session, write_session
from surveys.improvement.actions import ActionInput, create_action
from surveys.models import Answer, Complaint, ImprovementAction, Response, utc_now
from surveys.staff.auth import StaffIdentity
from tests import factories

PAGES = Path(__file__).resolve().parents[2] / "analysis" / "pages"
QUALITY = StaffIdentity(1, "q@example.org", "Quentin", "quality", "fr")
DIRECTOR = StaffIdentity(2, "d@example.org", "Diane", "director", "fr")
COMPLAINT = "Impossible de joindre la hotline, personne n'a répondu."


def _answers(context) -> None:
    """Ten learners a month ago: support scored 2, overall 4; one complains in free text."""
    day = utc_now().date() - timedelta(days=30)
    with write_session(context.engine) as session:
        campaign = factories.campaign(session)
        for index in range(10):
            response = Response(
                campaign_id=campaign.id,
                survey_version_id=campaign.survey_version_id,
                submitted_on=day,
            )
            session.add(response)
            session.flush()
            session.add_all(
                [
                    Answer(response_id=response.id, question_id="support-responsiveness", number=2),
                    Answer(response_id=response.id, question_id="overall-satisfaction", number=4),
                ]
            )
            if index == 0:
                session.add(
                    Answer(
                        response_id=response.id,
                        question_id="free-difficulty-report",
                        text=COMPLAINT,
                    )
                )


def _open(name: str, who: StaffIdentity) -> AppTest:
    app = AppTest.from_file(str(PAGES / name), default_timeout=60)
    app.session_state["identity"] = who
    return app.run()


def test_a_suggestion_becomes_an_action_and_a_flagged_comment_enters_the_register(
    app_env,
) -> None:
    _answers(app_env)
    app = _open("improve_suggestions.py", QUALITY)
    assert not app.exception, [item.value for item in app.exception]
    [index] = [
        number
        for number, expander in enumerate(app.expander)
        if "Assistance technique" in expander.label
    ]
    app.text_input(key=f"sg_owner_{index}").input("Quentin Qualité")
    app.selectbox(key=f"sg_action_{index}").set_value("help-centre-hotline")
    submit = [button for button in app.button if "plan d'amélioration" in button.label]
    submit[index].click().run()
    assert [item.value for item in app.success], [item.value for item in app.error]
    assert app.selectbox(key="sg_flagged").value is not None
    app.button(key="sg_flag_record").click().run()
    with read_session(app_env.engine) as session:
        [action] = session.exec(select(ImprovementAction)).all()
        [complaint] = session.exec(select(Complaint)).all()
    assert (action.title, action.owner, action.theme) == (
        "Créer un centre d'aide et une hotline",
        "Quentin Qualité",
        "technical_support",
    )
    assert action.origin.startswith("suggestion:theme_low:learner:technical_support")
    assert (complaint.source, complaint.theme, complaint.details) == (
        "survey",
        "technical_support",
        COMPLAINT,
    )


def test_overdue_actions_stand_out_and_a_director_only_reads_the_plan(
    app_env,
) -> None:
    with write_session(app_env.engine) as session:
        create_action(
            session=session,
            actor="q",
            item=ActionInput(
                title="Acheter des micros",
                owner="Alix",
                theme="virtual_classroom",
                due_on=utc_now().date() - timedelta(days=5),
            ),
        )
    quality = _open("improve_plan.py", QUALITY)
    assert any("1 action(s) en retard" in item.value for item in quality.error)
    assert quality.get("form")  # quality staff can add and update actions
    director = _open("improve_plan.py", DIRECTOR)
    assert not director.exception
    assert any("1 action(s) en retard" in item.value for item in director.error)
    assert not director.get("form") and not director.button


def test_a_complaint_is_recorded_then_handled_step_by_step_on_the_register_page(
    app_env,
) -> None:
    app = _open("improve_complaints.py", QUALITY)
    app.text_input(key="complaint_summary").input("Micro du formateur inaudible")
    app.selectbox(key="complaint_theme").set_value("virtual_classroom")
    next(button for button in app.button if button.label == "Enregistrer").click().run()
    assert [item.value for item in app.success], [item.value for item in app.error]
    app = _open("improve_complaints.py", QUALITY)
    app.button(key="complaint_step_close").click().run()
    assert any("qu'après sa réponse" in item.value for item in app.error)
    app.text_area(key="complaint_answer").input("Casque fourni au formateur.")
    app.button(key="complaint_step_answer").click().run()
    app.button(key="complaint_step_close").click().run()
    with read_session(app_env.engine) as session:
        [complaint] = session.exec(select(Complaint)).all()
    assert (complaint.status, complaint.answer) == ("closed", "Casque fourni au formateur.")
    assert complaint.acknowledged_at is not None
