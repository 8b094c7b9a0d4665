import streamlit as st

from surveys.db import read_session, write_session
from surveys.models import utc_now
from surveys.overview import list_people
from surveys.pages.common import choose, context, staff_page, stop_page, tr, vocab
from surveys.privacy import (
    PrivacyError,
    erase_person,
    export_as_csv,
    export_as_json,
    export_person,
)

me = staff_page("privacy.title", "privacy.intro")
search = st.text_input(tr("people.search"), key="privacy_search")
if len(search.strip()) < 2:
    stop_page(tr("privacy.type_to_search"))
with read_session(context().engine) as session:
    found = list_people(session=session, search=search, limit=50)
if not found:
    stop_page(tr("common.none"), st.warning)
chosen = choose(
    st,
    tr("privacy.person"),
    found,
    "privacy_person",
    lambda p: f"{p['name']} — {p['email']} ({vocab('role', p['type'])})",
)
if st.button(tr("privacy.prepare_export"), key="privacy_export"):
    with write_session(context().engine) as session:
        export = export_person(session=session, person_id=chosen["id"], actor=me.email)
    st.session_state["privacy_export_data"] = (chosen["id"], export)
prepared = st.session_state.get("privacy_export_data")
if prepared and prepared[0] == chosen["id"]:
    formats = (("json", export_as_json, "application/json"), ("csv", export_as_csv, "text/csv"))
    for column, (suffix, written, mime) in zip(st.columns(2), formats, strict=True):
        column.download_button(
            suffix.upper(),
            written(prepared[1]),
            f"personne-{chosen['id']}.{suffix}",
            mime=mime,
            key=f"privacy_{suffix}",
        )

st.subheader(tr("privacy.erase_title"))
st.warning(tr("privacy.erase_warning"))
confirm = st.text_input(tr("privacy.erase_confirm", email=chosen["email"]), key="privacy_confirm")
if st.button(
    tr("privacy.erase"),
    type="primary",
    key="privacy_erase",
    disabled=confirm.strip().lower() != (chosen["email"] or "").lower(),
):
    try:
        with write_session(context().engine) as session:
            erase_person(
                session=session,
                person_id=chosen["id"],
                actor=me.email,
                now=utc_now(),
                mailbox_dir=context().settings.mailbox_dir,
            )
        st.session_state.pop("privacy_export_data", None)
        st.success(tr("privacy.erased"))
    except PrivacyError as error:
        st.error(str(error))
