"""The one server: Streamlit staff pages + plain-HTML routes, on one port.

`streamlit run streamlit_app.py` finds the module-level `app`. The page code below runs only
inside a Streamlit session (`st.runtime.exists()`); the routes and the lifespan run in the
server process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import streamlit as st

from surveys.runtime import app_context, prepare_database
from surveys.web import staff_routes


@dataclass(frozen=True)
class PageSpec:
    path: str
    title_key: str
    roles: tuple[str, ...]
    section_key: str
    icon: str


ALL_STAFF = ("admin", "quality", "director")
DESIGNERS = ("admin", "quality")
PAGES = (
    PageSpec("surveys/pages/home.py", "nav.home", ALL_STAFF, "nav.section_main", ":material/home:"),
    PageSpec("question_banks/pages/browse.py", "nav.banks", DESIGNERS, "nav.section_design",
             ":material/quiz:"),
    PageSpec("surveys/pages/people.py", "nav.people", DESIGNERS, "nav.section_design",
             ":material/groups:"),
    PageSpec("surveys/pages/users.py", "nav.users", ("admin",), "nav.section_admin",
             ":material/manage_accounts:"),
    PageSpec("surveys/pages/organisation.py", "nav.organisation", ("admin",),
             "nav.section_admin", ":material/apartment:"),
)


def pages_for(role: str) -> list[PageSpec]:
    return [spec for spec in PAGES if role in spec.roles]


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    prepare_database(app_context())
    yield


app = st.App(__file__, routes=staff_routes(app_context()), lifespan=lifespan)


def run_staff_pages() -> None:
    from surveys.i18n import t
    from surveys.pages.common import current_identity

    found = current_identity()
    if found is None:
        st.session_state.pop("identity", None)
        st.navigation([st.Page("surveys/pages/login.py", title=t("login.title"))],
                      position="hidden").run()
        return
    st.session_state["identity"] = found
    sections: dict[str, list[st.Page]] = {}
    for spec in pages_for(found.role):
        page = st.Page(spec.path, title=t(spec.title_key, found.language), icon=spec.icon)
        sections.setdefault(t(spec.section_key, found.language), []).append(page)
    with st.sidebar:
        st.caption(t("common.logged_in_as", found.language, name=found.full_name or found.email,
                     role=t(f"vocab.role.{found.role}", found.language)))
        st.link_button(t("common.logout", found.language), "/auth/logout")
    st.navigation(sections).run()


if st.runtime.exists():
    st.set_page_config(page_title="Enquêtes qualité", layout="wide")
    run_staff_pages()
