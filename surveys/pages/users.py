import streamlit as st

from surveys.db import read_session, write_session
from surveys.formatting import moment
from surveys.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES
from surveys.models import utc_now
from surveys.pages.common import choose, context, lang, require_role, tr, vocab
from surveys.staff.accounts import (
    AccountError,
    create_user,
    list_users,
    set_user_active,
    unlock_user,
)

me = require_role("admin")
LEAST_PRIVILEGE_FIRST = ("director", "quality", "admin")
st.title(tr("users.title"))


def change(action, user_id: int) -> None:
    with write_session(context().engine) as session:
        action(session=session, user_id=user_id, actor=me.email)


with read_session(context().engine) as session:
    users = list_users(session=session)
now = utc_now()
for user in users:
    locked = user.locked_until is not None and user.locked_until > now
    state = tr("users.locked") if locked else (tr("users.active") if user.is_active else "—")
    left, middle, right = st.columns([4, 2, 2])
    last = moment(user.last_login_at, lang()) if user.last_login_at else tr("users.never")
    left.markdown(
        f"**{user.email}** · {vocab('role', user.role)} · {state} · "
        f"{tr('users.last_login_line', when=last)}"
    )
    if locked and middle.button(tr("users.unlock"), key=f"unlock_{user.id}"):
        change(unlock_user, user.id)
        st.toast(tr("users.unlocked", email=user.email))
        st.rerun()
    if user.id != me.user_id:
        toggle = tr("users.deactivate") if user.is_active else tr("users.activate")
        if right.button(toggle, key=f"toggle_{user.id}"):
            with write_session(context().engine) as session:
                set_user_active(
                    session=session, user_id=user.id, active=not user.is_active, actor=me.email
                )
            done = "users.deactivated" if user.is_active else "users.activated"
            st.toast(tr(done, email=user.email))
            st.rerun()

st.subheader(tr("users.create"))
# The form clears after a submit on purpose: a password never stays on screen.
with st.form("create_user_form", clear_on_submit=True):
    entry = {  # each field of the account, read from its widget
        "email": st.text_input(tr("users.email"), key="new_user_email"),
        "full_name": st.text_input(tr("users.name"), key="new_user_name"),
        "role": choose(
            st,
            tr("users.role"),
            LEAST_PRIVILEGE_FIRST,
            "new_user_role",
            "vocab.role",
            help=tr("users.role_help"),
        ),
        "language": choose(
            st, tr("users.language"), SUPPORTED_LANGUAGES, "new_user_language", LANGUAGE_NAMES.get
        ),
        "password": st.text_input(tr("users.password"), type="password", key="new_user_password"),
    }
    submitted = st.form_submit_button(tr("users.submit"))
if submitted:
    try:
        with write_session(context().engine) as session:
            create_user(session=session, actor=me.email, **entry)
        st.success(tr("users.created", email=entry["email"]))
    except AccountError as error:
        st.error(error.message(lang()))
