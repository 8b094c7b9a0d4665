"""The one server: Streamlit staff pages + plain-HTML routes, on one port.

`streamlit run streamlit_app.py` finds the module-level `app`. The page code below runs only
inside a Streamlit session (`st.runtime.exists()`); the routes and the lifespan run in the
server process. In front of everything, `surveys.http.guards.ServerGuard` caps request bodies,
refuses the staff websocket to other origins, forbids framing by other sites, and leaves
`X-Forwarded-For` to TRUSTED_PROXIES alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from analysis.pages import PAGES as analysis_pages
from analysis.warmup import start_warm_up
from api.pages import PAGES as api_pages
from api.routes import api_routes
from reminders.pages import PAGES as reminders_pages
from reminders.worker import start_dispatcher_process
from surveys.builder.preview import builder_routes
from surveys.http.guards import ServerGuard
from surveys.http.nodelay import disable_nagle_on_listeners
from surveys.http.public_url import record_public_base_url, server_base_url
from surveys.maintenance import DailyJobs
from surveys.pages import PAGES as surveys_pages
from surveys.pages.registry import SECTION_ORDER, PageSpec
from surveys.respondent.routes import respondent_routes
from surveys.room.routes import room_routes
from surveys.runtime import app_context, prepare_database
from surveys.staff.auth import StaffIdentity
from surveys.staff.routes import staff_routes

PAGES: tuple[PageSpec, ...] = (
    *surveys_pages,
    *reminders_pages,
    *analysis_pages,
    *api_pages,
)


def pages_for(role: str) -> list[PageSpec]:
    allowed = [spec for spec in PAGES if role in spec.roles]
    return sorted(allowed, key=lambda s: (SECTION_ORDER.index(s.section_key), s.order))


def public_base_url() -> str:
    """PUBLIC_BASE_URL, or this server's own port when it is unset."""
    return server_base_url(app_context().settings, int(st.get_option("server.port")))


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    # Before the first connection is accepted: no response waits 40 ms for a delayed ACK.
    disable_nagle_on_listeners(int(st.get_option("server.port")))
    context = app_context()
    prepare_database(context)
    # Workers started without PUBLIC_BASE_URL write their links under this base.
    record_public_base_url(context.engine, public_base_url())
    # Imports, catalogs, the analysis frames: paid now, not by the first staff visit.
    start_warm_up(context)
    # The embedded email dispatcher (DISPATCHER=on): `python -m reminders run` as this
    # server's child process, at a lower priority (respondents first); it stops between two
    # messages on shutdown. Extra workers may run beside it: rows are claimed, never sent twice.
    dispatcher = start_dispatcher_process() if context.settings.dispatcher else None
    daily_jobs = DailyJobs(context)  # the retention purge, once a day
    daily_jobs.start()
    try:
        yield
    finally:
        await asyncio.to_thread(daily_jobs.stop)
        if dispatcher is not None:
            await asyncio.to_thread(dispatcher.stop)


app = st.App(
    __file__,
    routes=[
        *staff_routes(app_context()),
        *respondent_routes(app_context()),
        *room_routes(app_context()),
        *builder_routes(app_context()),
        *api_routes(app_context()),
    ],
    lifespan=lifespan,
    middleware=[Middleware(ServerGuard, public_base_url=public_base_url())],
)


def run_staff_pages() -> None:
    from analysis.pages.shared import forget_data_version
    from surveys.i18n import t
    from surveys.pages.common import current_identity

    forget_data_version()  # each run reads the data version once (analysis pages)
    found = current_identity()
    if found is None:
        st.session_state.pop("identity", None)
        st.navigation(
            [st.Page("surveys/pages/login.py", title=t("login.title"))], position="hidden"
        ).run()
        return
    st.session_state["identity"] = found
    sections: dict[str, list[st.Page]] = {}
    for spec in pages_for(found.role):
        page = st.Page(
            spec.path,
            title=t(spec.title_key, found.language),
            icon=spec.icon,
            url_path=spec.url_path or None,
        )
        sections.setdefault(t(spec.section_key, found.language), []).append(page)
    with st.sidebar:
        st.caption(
            t(
                "common.logged_in_as",
                found.language,
                name=found.full_name or found.email,
                role=t(f"vocab.role.{found.role}", found.language),
            )
        )
        language_switch(found)
        st.link_button(t("common.logout", found.language), "/auth/logout")
    # expanded: every page stays listed (the default hides pages past 12 behind "View N more")
    st.navigation(sections, expanded=True).run()


def language_switch(found: StaffIdentity) -> None:
    """French / English for this staff member, kept with the account (audited)."""
    from surveys.db import write_session
    from surveys.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, t
    from surveys.pages.common import context
    from surveys.staff.accounts import set_user_language

    chosen = st.segmented_control(
        t("common.language", found.language),
        SUPPORTED_LANGUAGES,
        default=found.language,
        format_func=LANGUAGE_NAMES.get,
        key="staff_language",
    )
    if chosen and chosen != found.language:
        with write_session(context().engine) as session:
            set_user_language(
                session=session, user_id=found.user_id, language=chosen, actor=found.email
            )
        st.session_state.pop("identity", None)
        st.rerun()


if st.runtime.exists():
    st.set_page_config(page_title="Enquêtes qualité", layout="wide")
    run_staff_pages()
