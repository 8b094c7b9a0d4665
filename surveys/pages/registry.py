"""Page declarations as data: each package's `pages/__init__.py` lists its pages here-shaped,
and `streamlit_app.py` builds the navigation from them for the logged-in role."""

from __future__ import annotations

from dataclasses import dataclass

ALL_STAFF = ("admin", "quality", "director")
DESIGNERS = ("admin", "quality")
SECTION_ORDER = (
    "nav.section_main",
    "nav.section_design",
    "nav.section_send",
    "nav.section_improve",
    "nav.section_admin",
)


@dataclass(frozen=True)
class PageSpec:
    path: str  # from the project root
    title_key: str
    roles: tuple[str, ...]
    section_key: str
    icon: str
    order: int = 50  # position within its section
    url_path: str = ""  # empty: Streamlit names the URL after the file
