import streamlit as st
from sqlmodel import Session

from api.keys import ApiKeyError, create_key, list_keys, revoke_key
from surveys.config import paris_day
from surveys.db import read_session, write_session
from surveys.models import API_SCOPES, utc_now
from surveys.pages.common import choose_many, context, create_with_secret, plain, staff_page, tr

me = staff_page("api.keys.title", "api.keys.intro", roles=("admin",))
st.caption(tr("api.keys.documentation"))


def scope_label(scope: str) -> str:
    return tr(f"api.vocab.scope.{scope}")


with st.form("create_api_key", clear_on_submit=True):
    name = st.text_input(tr("api.keys.name"), key="api_key_name")
    scopes = choose_many(st, tr("api.keys.scopes"), API_SCOPES, "api_key_scopes", scope_label)
    submitted = st.form_submit_button(tr("api.keys.create"))


def _create(session: Session) -> tuple[str, str]:
    row, key = create_key(session=session, name=name, scopes=scopes, actor=me.email, now=utc_now())
    return row.name, key


if submitted:
    create_with_secret(_create, "api.keys.created", ApiKeyError)

with read_session(context().engine) as session:
    keys = list_keys(session=session)
if not keys:
    st.caption(tr("common.none"))
for item in keys:
    left, right = st.columns([5, 1])
    used = (
        tr("api.keys.last_used", day=item.last_used_on.strftime("%d/%m/%Y"))
        if item.last_used_on
        else tr("api.keys.never_used")
    )
    state = (
        tr("api.keys.revoked_on", day=paris_day(item.revoked_at).strftime("%d/%m/%Y"))
        if item.revoked_at
        else tr("api.keys.active")
    )
    rights = ", ".join(scope_label(scope) for scope in item.scopes)
    left.markdown(f"**{plain(item.name)}** · `{item.prefix}…` · {state} · {used}  \n{rights}")
    if item.revoked_at is None and right.button(tr("api.keys.revoke"), key=f"revoke_{item.id}"):
        with write_session(context().engine) as session:
            revoke_key(session=session, key_id=item.id, actor=me.email, now=utc_now())
        st.rerun()
