"""What every staff page needs: the app context, the logged-in person, translations, guards.

The login lives in a signed HttpOnly cookie set by the `/auth/login` route. Tests (AppTest
has no cookies) put the same signed value in `st.session_state["staff_session_cookie"]`: it
goes through the same signature, expiry and revocation checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import pandas as pd
import streamlit as st

from surveys.db import read_session, write_session
from surveys.formatting import display_frame
from surveys.i18n import TranslatableError, catalog, label, t
from surveys.runtime import AppContext, app_context
from surveys.spreadsheet import neutralise_formula
from surveys.staff.auth import SESSION_COOKIE, StaffIdentity, identity_from_cookie

TEST_COOKIE_KEY = "staff_session_cookie"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


@st.cache_resource
def context() -> AppContext:
    return app_context()


def _cookie() -> str | None:
    cookie = st.context.cookies.get(SESSION_COOKIE) if st.context.cookies else None
    return cookie or st.session_state.get(TEST_COOKIE_KEY)


def current_identity() -> StaffIdentity | None:
    settings = context().settings
    with read_session(context().engine) as session:
        return identity_from_cookie(
            session=session,
            cookie=_cookie(),
            secret=settings.session_secret,
            max_age_hours=settings.session_hours,
        )


def identity() -> StaffIdentity:
    """The logged-in staff member (set by the navigation before any page runs)."""
    return st.session_state["identity"]


def lang() -> str:
    found = st.session_state.get("identity")
    return found.language if found else "fr"


def tr(key: str, **params: Any) -> str:
    return t(key, lang(), **params)


def vocab(kind: str, value: str) -> str:
    return label(kind, value, lang())


def require_role(*roles: str) -> StaffIdentity:
    """Stop the page unless the logged-in person has one of `roles` (defence in depth:
    the navigation already leaves other pages out)."""
    found = st.session_state.get("identity")
    if found is None or found.role not in roles:
        st.error(t("common.not_allowed", lang()))
        st.stop()
    show_flash()  # what the previous action did, said once at the top of the page
    return found


EDITORS = ("admin", "quality")
READERS = ("admin", "quality", "director")


def staff_page(
    title: str, intro: str = "", roles: tuple[str, ...] = EDITORS, **params: Any
) -> StaffIdentity:
    """The top of a staff page: the role guard, the title and (when given) the intro line
    (`params` fill its placeholders). Returns the logged-in member."""
    found = require_role(*roles)
    st.title(tr(title))
    if intro:
        st.caption(tr(intro, **params))
    return found


Naming = Callable[[Any], Any] | str


def _namer(show: Naming) -> Callable[[Any], Any]:
    """`show` names an option: a function, or a catalogue prefix (the option's label is the
    entry `<prefix>.<option>`, e.g. "vocab.role")."""
    return (lambda value: tr(f"{show}.{value}")) if isinstance(show, str) else show


def choose(
    where: Any,
    label: str,
    options: Sequence[Any],
    key: str,
    show: Naming = str,
    **extra: Any,
) -> Any:
    """A select box (on `st` or a column) with the house placeholder; `show` names an option."""
    return where.selectbox(
        label, options, key=key, format_func=_namer(show), placeholder=tr("common.choose"), **extra
    )


def choose_many(
    where: Any,
    label: str,
    options: Sequence[Any],
    key: str,
    show: Naming = str,
    **extra: Any,
) -> list[Any]:
    """A multi-select box (on `st` or a column) with the house placeholder, no "select all"."""
    return where.multiselect(
        label,
        options,
        key=key,
        format_func=_namer(show),
        placeholder=tr("common.choose_many"),
        select_all=False,
        **extra,
    )


def explained_button(
    where: Any, name: str, key: str, on_click: Callable[..., Any], *args: Any, **kwargs: Any
) -> bool:
    """A button labelled `name` (a catalogue key) with its `<name>_help` text as help, running
    `on_click(*args, **kwargs)` when clicked."""
    return where.button(
        tr(name), key=key, help=tr(f"{name}_help"), on_click=on_click, args=args, kwargs=kwargs
    )


def choose_or_any(
    where: Any,
    label: str,
    values: Sequence[Any],
    key: str,
    show: Naming = str,
    **extra: Any,
) -> Any:
    """A filter's select box: "—" first (None: no filter), then `values` named by `show`."""
    name = _namer(show)
    return choose(
        where, label, [None, *values], key, lambda v: "—" if v is None else name(v), **extra
    )


def localized_columns(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rename row keys with the `columns.*` labels for display."""
    return [{tr(f"columns.{key}"): value for key, value in row.items()} for row in rows]


def column_name(column: str, *areas: str) -> str:
    """A column header in the reader's language: the first key found among
    `<area>.columns.<column>` for each area (an area ending with "." is a full prefix), then
    `columns.<column>` and `analysis.columns.<column>`; an already-human header is kept."""
    names = catalog(lang())
    prefixes = [a if a.endswith(".") else f"{a}.columns." for a in areas]
    for prefix in (*prefixes, "columns.", "analysis.columns."):
        if prefix + column in names:
            return names[prefix + column]
    return column


def show_table(
    data: pd.DataFrame | list[dict[str, Any]],
    key: str,
    *areas: str,
    hidden: tuple[str, ...] = (),
    style: Any = None,
) -> None:
    """A table as people read it: human headers, formats of the reader's language (3,78 ;
    27/03/2026 ; 17:05 Paris time), empty cells for missing values, formula-safe text."""
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    frame = display_frame(frame.drop(columns=[c for c in hidden if c in frame]), lang())
    frame = frame.map(neutralise_formula) if not frame.empty else frame
    frame = frame.rename(columns={c: column_name(str(c), *areas) for c in frame.columns})
    shown = frame.style.apply(style, axis=0) if style is not None else frame
    st.dataframe(shown, hide_index=True, key=key)


def stop_page(message: str, say: Callable[[str], Any] = st.info) -> NoReturn:
    """Say why the page ends here (`say`: st.info, st.caption, st.warning...) and end it."""
    say(message)
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover - it raises


def done(message: str, *clear: str) -> None:
    """After an action: say what was done (a toast shown after the rerun), empty the widgets
    `clear` on purpose (the form is ready for the next entry), and rerun."""
    st.session_state["_flash"] = message
    for key in clear:
        st.session_state.pop(key, None)
    st.rerun()


def show_flash() -> None:
    """The message left by `done` before the rerun, once."""
    message = st.session_state.pop("_flash", None)
    if message:
        st.toast(message, icon=":material/check_circle:")
        st.success(message)


def plain(text: str) -> str:
    """Text shown through st.markdown with no markup, link, image or LaTeX taking effect:
    respondents' words are shown to staff as they typed them, never interpreted."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def create_with_secret(
    create: Callable[[Any], tuple[str, str]], created: str, refusal: type[TranslatableError]
) -> None:
    """Run `create(session)`, which returns the new thing's name and its secret: say it was
    created (message `created`) and show the secret, this once; a `refusal` is said instead."""
    try:
        with write_session(context().engine) as session:
            name, secret = create(session)
        st.success(tr(created, name=name))
        st.code(secret, language=None)
    except refusal as error:
        st.error(error.message(lang()))
