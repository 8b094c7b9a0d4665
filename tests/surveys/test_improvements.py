"""The improvement plan (indicator 32): actions, statuses, notes, overdue listing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from analysis.register import actions_frame, plan_totals
from surveys.db import read_session, write_session
from surveys.improvement.actions import (
    ActionError,
    action_from_complaint,
    create_action,
    is_overdue,
    list_actions,
    overdue_actions,
    set_action_status,
    update_action,
)
from surveys.models import ImprovementAction
from surveys.runtime import AppContext
from tests import factories

NOW = datetime(2026, 4, 15, 8, 0, tzinfo=UTC)
TODAY = NOW.date()
HOTLINE = factories.action_input(due_on=date(2026, 6, 30), origin="suggestion:theme_low")


def test_an_action_is_planned_with_its_owner_due_date_and_origin(context: AppContext) -> None:
    with write_session(context.engine) as session:
        create_action(session=session, item=HOTLINE, actor="q", now=NOW)
    with read_session(context.engine) as session:
        [action] = list_actions(session=session)
    assert (action.title, action.owner, action.due_on, action.status, action.origin) == (
        "Créer une hotline",
        "Quentin Qualité",
        date(2026, 6, 30),
        "planned",
        "suggestion:theme_low",
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": " "}, "intitulé"),
        ({"owner": ""}, "responsable"),
        ({"due_on": None}, "échéance"),
        ({"theme": "weather"}, "Thème inconnu"),
        ({"title": "x" * 201}, "200 caractères"),
    ],
)
def test_an_incomplete_action_is_refused_with_a_clear_message(
    context: AppContext, change: dict, message: str
) -> None:
    with write_session(context.engine) as session, pytest.raises(ActionError) as refusal:
        create_action(session=session, item=replace(HOTLINE, **change), actor="q", now=NOW)
    assert message in str(refusal.value)


def test_an_action_from_a_complaint_keeps_its_theme_and_points_back_to_it(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        complaint = factories.complaint(
            session,
            now=NOW,
            theme="virtual_classroom",
            summary="Son coupé en classe virtuelle",
            received_on=date(2026, 4, 1),
        )
        action = action_from_complaint(
            session=session,
            complaint_id=complaint.id,
            owner="Claire",
            due_on=date(2026, 5, 1),
            actor="q",
        )
        assert (action.theme, action.origin, action.complaint_id, action.title) == (
            "virtual_classroom",
            f"complaint:{complaint.id}",
            complaint.id,
            "Son coupé en classe virtuelle",
        )


def test_done_records_the_day_and_reopening_clears_it(context: AppContext) -> None:
    with write_session(context.engine) as session:
        action = create_action(session=session, item=HOTLINE, actor="q", now=NOW)
        set_action_status(
            session=session, action_id=action.id, status="in_progress", actor="q", today=TODAY
        )
        assert action.done_on is None
        factories.action_status(session, action, "done", TODAY, done_on=date(2026, 4, 10))
        assert (action.status, action.done_on) == ("done", date(2026, 4, 10))
        set_action_status(
            session=session, action_id=action.id, status="in_progress", actor="q", today=TODAY
        )
        assert action.done_on is None


@pytest.mark.parametrize(
    ("status", "done_on", "message"),
    [("done", date(2026, 4, 16), "dans le futur"), ("finished", None, "État inconnu")],
)
def test_a_wrong_status_change_is_refused(
    context: AppContext, status: str, done_on: date | None, message: str
) -> None:
    with write_session(context.engine) as session:
        action = create_action(session=session, item=HOTLINE, actor="q", now=NOW)
        with pytest.raises(ActionError, match=message):
            set_action_status(
                session=session,
                action_id=action.id,
                status=status,
                actor="q",
                today=TODAY,
                done_on=done_on,
            )
        assert action.status == "planned"


def test_notes_are_appended_with_their_date_and_never_rewritten(context: AppContext) -> None:
    with write_session(context.engine) as session:
        action = create_action(session=session, item=HOTLINE, actor="q", now=NOW)
        for day, changes in (
            (date(2026, 4, 16), {"add_note": "Devis demandé"}),
            (date(2026, 4, 20), {"owner": "Alix", "add_note": "Prestataire choisi"}),
        ):
            update_action(session=session, action_id=action.id, actor="q", today=day, **changes)
        assert action.notes == "2026-04-16 — Devis demandé\n2026-04-20 — Prestataire choisi"
        assert action.owner == "Alix"


def _action(status: str, due: date | None) -> ImprovementAction:
    return ImprovementAction(id=1, title="a", status=status, due_on=due)


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        ("planned", date(2026, 4, 14), True),
        ("in_progress", date(2026, 1, 1), True),
        ("in_progress", TODAY, False),
        ("planned", None, False),
        ("done", date(2026, 1, 1), False),
        ("abandoned", date(2026, 1, 1), False),
    ],
)
def test_only_open_actions_past_their_due_date_are_overdue(
    status: str, due: date | None, overdue: bool
) -> None:
    assert is_overdue(_action(status, due), today=TODAY) is overdue


def test_the_plan_lists_open_actions_by_due_date_and_counts_what_is_overdue(
    context: AppContext,
) -> None:
    with write_session(context.engine) as session:
        for title, due in (
            ("late", date(2026, 3, 1)),
            ("later", date(2026, 9, 1)),
            ("soon", date(2026, 5, 1)),
        ):
            create_action(
                session=session, item=replace(HOTLINE, title=title, due_on=due), actor="q", now=NOW
            )
        done = create_action(
            session=session,
            item=replace(HOTLINE, title="done", due_on=date(2026, 1, 1)),
            actor="q",
            now=NOW,
        )
        set_action_status(session=session, action_id=done.id, status="done", actor="q", today=TODAY)
    with read_session(context.engine) as session:
        actions = list_actions(session=session)
    assert [action.title for action in actions] == ["late", "soon", "later", "done"]
    assert [action.title for action in overdue_actions(actions, today=TODAY)] == ["late"]
    frame = actions_frame(actions, today=TODAY)
    assert frame.loc[0, "days_overdue"] == 45
    assert plan_totals(frame) == {
        "planned": 3,
        "in_progress": 0,
        "done": 1,
        "abandoned": 0,
        "overdue": 1,
        "count": 4,
    }
