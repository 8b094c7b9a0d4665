"""Session links without a browser: tokens, the campaign made ahead of time, the seat cap, the
emailed link (one per classmate typing, never a form), the limits, the command line's errors,
and response rates over the learners' own invitations."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from analysis.frames.read import read_campaigns
from surveys.config import paris_day
from surveys.db import read_session, write_session
from surveys.models import (
    AbuseEvent,
    Campaign,
    Invitation,
    OutboundMessage,
    utc_now,
)
from surveys.room import service
from surveys.room.links import normalise_room_token, room_token
from surveys.room.routes import room_routes
from surveys.room.sheets import SessionLinkError, kit_for_session
from surveys.runtime import AppContext
from tests import factories
from tests.factories import respondent_version as published_version
from tests.support.server import ROOT


def _setup(context: AppContext, *, anonymous: bool, learners: int = 3) -> tuple[str, list[str]]:
    with write_session(context.engine) as session:
        version = published_version(session, anonymous=anonymous, every_type=False)
        programme = factories.programme(session)
        training = factories.training_session(
            session, programme.id, end_date=paris_day(utc_now()) + timedelta(days=1)
        )
        factories.plan(session, version, programme.id)
        emails = []
        for _ in range(learners):
            person = factories.person(session)
            factories.enrol(session, person.id, training.id)
            emails.append(person.email)
        return training.code, emails


def _kit(context: AppContext, code: str):
    with write_session(context.engine) as session:
        return kit_for_session(
            session,
            code=code,
            timing="hot",
            session_secret=context.settings.session_secret,
            base_url="http://testserver",
        )


def test_short_tokens_forgive_case_and_look_alike_characters() -> None:
    token = room_token(salt="ab" * 16, session_secret="s" * 40)
    assert len(token) == 16 and normalise_room_token(token.upper()) == token
    assert normalise_room_token(token.replace("1", "l")) == token
    assert normalise_room_token("short") is None


def test_the_link_creates_the_campaign_ahead_and_the_planner_key_matches(
    context: AppContext,
) -> None:
    code, _ = _setup(context, anonymous=True)
    first, again = _kit(context, code), _kit(context, code)
    assert first == again  # the same link whenever staff ask
    with read_session(context.engine) as session:
        campaign = session.exec(select(Campaign)).one()
    assert campaign.status == "scheduled" and campaign.scheduled_at > utc_now()
    assert campaign.key.startswith("plan:")


def test_anonymous_seats_are_capped_at_the_learners_enrolled(context: AppContext) -> None:
    code, _ = _setup(context, anonymous=True, learners=3)
    kit = _kit(context, code)
    token = kit.url.rsplit("/", 1)[1]
    with write_session(context.engine) as session:
        room = service.find_room(session, token)
        seats = [service.open_seat(session, room, session_secret="x" * 40) for _ in range(4)]
    assert [seat is not None for seat in seats] == [True, True, True, False]
    with read_session(context.engine) as session:
        seat_rows = session.exec(select(Invitation).where(Invitation.person_id.is_(None))).all()
        frame = read_campaigns(session.connection())
    assert len(seat_rows) == 3
    assert int(frame["invited"].fillna(0).sum()) == 0  # seats are not people asked


def test_typing_an_address_queues_that_person_their_own_link_only(context: AppContext) -> None:
    code, (_mine, classmate, _other) = _setup(context, anonymous=False)
    kit = _kit(context, code)
    now, secret = utc_now(), context.settings.session_secret
    with write_session(context.engine) as session:
        room = service.find_room(session, kit.url.rsplit("/", 1)[1])
        assert (
            service.request_personal_link(
                session, room, "nobody@example.org", now=now, session_secret=secret
            )
            is None
        )
        tokens = [
            service.request_personal_link(
                session, room, classmate.upper(), now=now, session_secret=secret
            )
            for _ in range(5)
        ]
    assert tokens[0] is not None and tokens[3] is None  # at most 3 per person per half hour
    with read_session(context.engine) as session:
        invitation = session.exec(select(Invitation)).one()
        kinds = sorted(
            (row.kind, row.due_at <= utc_now())
            for row in session.exec(select(OutboundMessage)).all()
        )
    assert invitation.person_id is not None and invitation.status == "pending"
    # one email, now: the invitation (it carries the same personal link) is brought forward
    assert kinds == [("invitation", True)]


def test_invalid_session_links_count_in_their_own_scope(sqlite_context: AppContext) -> None:
    client = TestClient(Starlette(routes=room_routes(sqlite_context)))
    assert client.get("/s/0000000000000000").status_code == 404
    assert client.get("/p/" + "A" * 43).status_code == 404
    with read_session(sqlite_context.engine) as session:
        scopes = {row.scope for row in session.exec(select(AbuseEvent)).all()}
    assert scopes == {"invalid_session_link"}


def test_a_named_link_asks_for_the_email_and_a_device_keeps_its_anonymous_seat(
    sqlite_context: AppContext,
) -> None:
    code, _ = _setup(sqlite_context, anonymous=True, learners=2)
    kit = _kit(sqlite_context, code)
    client = TestClient(Starlette(routes=room_routes(sqlite_context)))
    path = "/s/" + kit.url.rsplit("/", 1)[1]
    first = client.get(path, follow_redirects=False)
    again = client.get(path, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]  # the cookie's seat
    count = client.get("/p/" + kit.projection_url.rsplit("/", 1)[1] + "/count.json").json()
    assert count == {"answered": 0, "expected": 2}


def test_the_command_refuses_an_unknown_session_with_exit_code_2(
    sqlite_context: AppContext, tmp_path
) -> None:
    env = {
        "DATABASE_URL": str(sqlite_context.settings.database_url),
        "SESSION_SECRET": sqlite_context.settings.session_secret,
        "PUBLIC_BASE_URL": "http://testserver",
        "DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-m", "surveys", "session-link", "--session", "NOPE"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Aucune session ne porte le code « NOPE »" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(SessionLinkError):
        _kit(sqlite_context, "NOPE")
