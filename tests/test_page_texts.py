"""No text that should never reach a person does: every staff page, for every role that may
see it, in French and in English, on the demo organisation.

Fails on `None`, `nan`, raw catalogue keys, snake_case identifiers, raw question types,
long floats, ISO timestamps, decimal points on French pages, the components' own English
placeholders, and English words on French pages (French words on English pages).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from streamlit_app import pages_for
from surveys import runtime
from surveys.db import create_db_engine, write_session
from surveys.demo import load_demo
from surveys.models import utc_now
from surveys.pages.common import TEST_COOKIE_KEY
from surveys.runtime import AppContext, prepare_database
from surveys.staff.auth import make_session_cookie
from tests import factories
from tests.conftest import TEST_SECRET, make_settings
from tests.support.page_texts import leaks, page_texts

pytestmark = pytest.mark.slow

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
ROLES = ("admin", "quality", "director")
LANGUAGES = ("fr", "en")
RENDERED: set[tuple[str, str, str]] = set()


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'app.db'}"
    settings = make_settings(folder, url, DATA_DIR=str(folder))
    context = AppContext(settings=settings, engine=create_db_engine(url))
    prepare_database(context)
    with write_session(context.engine) as session:
        load_demo(session=session, now=utc_now(), session_secret=TEST_SECRET)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "DATABASE_URL": url,
            "DATA_DIR": str(folder),
            "SESSION_SECRET": TEST_SECRET,
            "DISPATCHER": "off",
            "DEMO_DATA": "off",
        }.items():
            patch.setenv(name, value)
        runtime.app_context.cache_clear()
        st.cache_resource.clear()
        st.cache_data.clear()
        yield context
        runtime.app_context.cache_clear()
        st.cache_resource.clear()
        st.cache_data.clear()


def _cookie_for(context: AppContext, role: str, language: str) -> str:
    with write_session(context.engine) as session:
        user = factories.staff(session, role=role, language=language, full_name="Camille Martin")
        return make_session_cookie(user, secret=TEST_SECRET)


def _open(cookie: str, path: str) -> AppTest:
    """A fresh app per page: AppTest calls the previous page's `format_func`s outside a
    script run (where the reader's language is unknown) when switching pages."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state[TEST_COOKIE_KEY] = cookie
    return app.run().switch_page(path).run()


def _examples(problems: list[tuple[str, str]], per_rule: int = 4) -> list[tuple[str, str]]:
    kept: dict[str, list[str]] = {}
    for rule, text in problems:
        if text not in kept.setdefault(rule, []) and len(kept[rule]) < per_rule:
            kept[rule].append(text)
    return [(rule, text) for rule, texts in kept.items() for text in texts]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_text_that_should_never_reach_a_person(
    demo_env: AppContext, role: str, language: str
) -> None:
    cookie = _cookie_for(demo_env, role, language)
    found: dict[str, list[tuple[str, str]]] = {}
    for spec in pages_for(role):
        app = _open(cookie, spec.path)
        assert not app.exception, (spec.path, [item.value for item in app.exception])
        texts = list(page_texts(app._tree))
        assert texts, f"{spec.path} rendered nothing"
        if problems := leaks(texts, language):
            found[spec.path] = _examples(problems)
        RENDERED.add((spec.path, role, language))
    assert not found, "\n".join(
        f"{path}: {rule}: {text!r}" for path, items in found.items() for rule, text in items
    )


def test_the_check_covered_every_page_role_and_language(request: pytest.FixtureRequest) -> None:
    expected = {(s.path, r, lang) for r in ROLES for s in pages_for(r) for lang in LANGUAGES}
    pages = {path for path, _, _ in expected}
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    message = (
        f"\nleak check: {len({p for p, _, _ in RENDERED})} pages x {len(ROLES)} roles x "
        f"{len(LANGUAGES)} languages: {len(RENDERED)} renders of {len(expected)} "
        f"(page, role, language) pairs allowed, {len(pages)} pages declared"
    )
    if reporter is not None:
        reporter.write_line(message)
    assert expected == RENDERED
