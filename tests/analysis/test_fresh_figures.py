"""The analysis frames are cached by data version: built once per version, rebuilt after any
write they depend on (from this process or another), so a page never shows a stale figure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis.frames import load_frames
from analysis.frames.cache import FramesCache
from question_banks.loader import get_template, load_catalog
from surveys import runtime
from surveys.db import write_session
from surveys.models import Invitation, OrganisationSettings, Person, utc_now
from surveys.pages.common import TEST_COOKIE_KEY
from surveys.runtime import AppContext
from surveys.staff.auth import make_session_cookie
from tests import factories
from tests.conftest import TEST_SECRET

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def a_question_id() -> str:
    return get_template("learner_hot", catalog=load_catalog()).sections[0].questions[0]


def add_response(context: AppContext, question_id: str, number: float = 2) -> None:
    with write_session(context.engine) as session:
        factories.answered(session, question_id, number=number)


def test_frames_are_built_once_per_data_version_and_again_after_a_write(
    context: AppContext,
) -> None:
    builds: list[int] = []

    def build(engine: sa.Engine, kept):
        builds.append(1)
        return load_frames(engine=engine, kept=kept)

    cache, question = FramesCache(build), a_question_id()
    add_response(context, question)
    first = cache.get(context.engine)
    assert cache.get(context.engine) is first and len(builds) == 1  # same version: no rebuild
    add_response(context, question)
    second = cache.get(context.engine)
    assert len(builds) == 2
    assert second.answers["response_id"].nunique() == first.answers["response_id"].nunique() + 1


def test_the_data_version_moves_with_status_changes_and_erasure(context: AppContext) -> None:
    cache = FramesCache()
    with write_session(context.engine) as session:
        item = factories.campaign(session)
        person = factories.person(session)
        session.add(
            Invitation(
                campaign_id=item.id, person_id=person.id, token_hash="h" * 64, token_salt="s"
            )
        )
    versions = [cache.version(context.engine)]
    with write_session(context.engine) as session:
        session.execute(sa.update(Invitation).values(status="sent", sent_at=utc_now()))
    versions.append(cache.version(context.engine))
    with write_session(context.engine) as session:
        session.execute(sa.update(Invitation).values(status="completed"))
    versions.append(cache.version(context.engine))
    with write_session(context.engine) as session:
        session.execute(sa.update(Person).values(erased_at=utc_now()))
    versions.append(cache.version(context.engine))
    assert len(set(versions)) == len(versions)  # each write gave a new version
    assert cache.version(context.engine) == versions[-1]  # and reading changes nothing


def solicited(frames) -> int:
    table = frames.solicitations
    return int(table["solicited"].fillna(0).sum()) if "solicited" in table else 0


def test_a_sent_invitation_keeps_the_answer_frame_and_refreshes_the_rest(
    context: AppContext,
) -> None:
    """During a mail campaign each message sent moves the version: the answer frame (every
    answer) is kept, the solicitations are read again; a new answer rebuilds everything."""
    cache, question = FramesCache(), a_question_id()
    add_response(context, question)
    with write_session(context.engine) as session:
        item, person = factories.campaign(session), factories.person(session)
        session.add(
            Invitation(
                campaign_id=item.id, person_id=person.id, token_hash="h" * 64, token_salt="s"
            )
        )
    before = cache.get(context.engine)
    with write_session(context.engine) as session:
        session.execute(sa.update(Invitation).values(status="sent", sent_at=utc_now()))
    after = cache.get(context.engine)
    assert after is not before and after.answers is before.answers
    assert solicited(before) + 1 == solicited(after)

    add_response(context, question)
    rebuilt = cache.get(context.engine)
    assert rebuilt.answers is not after.answers
    assert rebuilt.answers["response_id"].nunique() == after.answers["response_id"].nunique() + 1


@pytest.fixture
def app_env(sqlite_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setenv("DATABASE_URL", sqlite_context.settings.database_url)
    monkeypatch.setenv("DATA_DIR", str(sqlite_context.settings.data_dir))
    monkeypatch.setenv("SESSION_SECRET", TEST_SECRET)
    monkeypatch.setenv("DISPATCHER", "off")
    # one response at a time: the small-group rule would withhold the whole dashboard
    monkeypatch.setenv("SMALL_GROUP_MIN", "1")
    with sqlite_context.engine.begin() as connection:
        connection.execute(sa.update(OrganisationSettings.__table__).values(small_group_min=1))
    runtime.app_context.cache_clear()
    st.cache_data.clear()
    yield sqlite_context
    runtime.app_context.cache_clear()


def responses_shown(app: AppTest) -> int:
    return int(app.metric[0].value)


def test_a_write_then_a_render_shows_the_new_figure(app_env: AppContext) -> None:
    question = a_question_id()
    add_response(app_env, question)
    with write_session(app_env.engine) as session:
        cookie = make_session_cookie(factories.staff(session, role="director"), secret=TEST_SECRET)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state[TEST_COOKIE_KEY] = cookie
    app.run()
    app.switch_page("analysis/pages/dashboard.py").run()
    assert not app.exception
    before = responses_shown(app)
    app.switch_page("analysis/pages/dashboard.py").run()
    assert responses_shown(app) == before  # a reload with nothing written: the same figure
    add_response(app_env, question)  # as a respondent's submit would, in another process
    app.switch_page("analysis/pages/dashboard.py").run()
    assert not app.exception
    assert responses_shown(app) == before + 1
