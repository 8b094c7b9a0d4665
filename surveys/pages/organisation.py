import streamlit as st

from surveys.db import read_session, write_session
from surveys.organisation import (
    NUMBER_FIELDS,
    TEXT_FIELDS,
    OrganisationError,
    get_organisation,
    update_organisation,
)
from surveys.pages.common import context, lang, staff_page, tr

me = staff_page("organisation.title", roles=("admin",))
with read_session(context().engine) as session:
    current = get_organisation(session=session)

with st.form("organisation_form"):
    changes = {
        field: st.text_input(
            tr(f"organisation.{field}"), value=getattr(current, field), key=f"organisation_{field}"
        )
        for field in TEXT_FIELDS
    }
    for field, (minimum, maximum, key) in NUMBER_FIELDS.items():
        changes[field] = st.number_input(
            tr(f"organisation.{field}"),
            min_value=minimum,
            max_value=maximum,
            value=getattr(current, field),
            key=f"organisation_{key}",
        )
    submitted = st.form_submit_button(tr("organisation.submit"))
if submitted:
    try:
        with write_session(context().engine) as session:
            update_organisation(session=session, changes=changes, actor=me.email)
        st.success(tr("common.saved"))
    except OrganisationError as error:
        st.error(error.message(lang()))
