"""The demo organisation: the announced counts, work left to do, and no duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select

from surveys.db import read_session, write_session
from surveys.demo import DemoAlreadyLoaded, load_demo
from surveys.models import (
    Campaign,
    Invitation,
    NamedResponse,
    Person,
    Programme,
    Response,
    StaffUser,
    TrainingSession,
    utc_now,
)
from surveys.runtime import AppContext
from tests.support.server import ROOT, run_cli


def _count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_demo_holds_a_believable_organisation(demo: AppContext) -> None:
    with read_session(demo.engine) as session:
        assert _count(session, Programme) == 6
        assert _count(session, TrainingSession) == 40
        people = dict(
            session.exec(
                select(Person.stakeholder_type, func.count()).group_by(Person.stakeholder_type)
            ).all()
        )
        assert people == {"learner": 600, "financer": 12, "trainer": 8, "company": 30}
        assert _count(session, StaffUser) == 3
        assert _count(session, Response) > 400


def test_demo_leaves_sending_and_reminding_to_do(demo: AppContext) -> None:
    today = utc_now().date()
    with read_session(demo.engine) as session:
        assert _count(session, TrainingSession, TrainingSession.end_date > today) >= 3
        unanswered = _count(session, Invitation, Invitation.status == "sent")
        assert unanswered > 50
        assert _count(session, Campaign, Campaign.closes_at > utc_now()) > 0


def test_demo_campaigns_are_open_or_closed_by_their_dates(demo: AppContext) -> None:
    """As the planner leaves them: none still "scheduled" once its sending time has passed."""
    now = utc_now()
    with read_session(demo.engine) as session:
        rows = session.exec(
            select(Campaign.status, Campaign.scheduled_at, Campaign.closes_at)
        ).all()
    statuses = {status for status, _, _ in rows}
    assert {"open", "closed"} <= statuses, statuses
    late = [start for status, start, _ in rows if status == "scheduled" and start <= now]
    assert not late, f"{len(late)} campaigns still scheduled after their start"
    for status, start, closes in rows:
        if status == "open":
            assert start <= now < closes
        elif status == "closed":
            assert closes <= now


def test_anonymous_and_named_responses_follow_their_survey(demo: AppContext) -> None:
    with read_session(demo.engine) as session:
        linked_anonymous = session.exec(
            select(func.count())
            .select_from(Response)
            .join(NamedResponse, NamedResponse.response_id == Response.id)
            .where(Response.anonymous.is_(True))
        ).one()
        assert linked_anonymous == 0


def test_loading_the_demo_twice_refuses_and_changes_nothing(demo: AppContext) -> None:
    with read_session(demo.engine) as session:
        before = _count(session, Person)
    with write_session(demo.engine) as session, pytest.raises(DemoAlreadyLoaded):
        load_demo(session=session, now=utc_now(), session_secret="x" * 40)
    with read_session(demo.engine) as session:
        assert _count(session, Person) == before


def test_demo_command_says_it_refuses_a_second_load(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    first = run_cli(env, "surveys", "demo", check=False)
    assert first.returncode == 0, first.stderr
    assert "admin@formasud.example.org" in first.stdout
    second = run_cli(env, "surveys", "demo", check=False)
    assert second.returncode == 3
    assert "seconde fois" in second.stderr
