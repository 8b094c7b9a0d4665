import streamlit as st

from surveys.db import read_session, write_session
from surveys.organisation import OrganisationError, get_organisation, update_organisation
from surveys.pages.common import context, lang, require_role, tr

me = require_role("admin")
st.title(tr("organisation.title"))
with read_session(context().engine) as session:
    current = get_organisation(session=session)

with st.form("organisation_form"):
    changes = {
        field: st.text_input(
            tr(f"organisation.{field}"), value=getattr(current, field), key=f"organisation_{field}"
        )
        for field in (
            "name",
            "contact_email",
            "support_email",
            "support_phone",
            "privacy_contact",
            "address",
        )
    }
    changes["retention_years"] = st.number_input(
        tr("organisation.retention_years"),
        min_value=1,
        max_value=10,
        value=current.retention_years,
        key="organisation_retention",
    )
    changes["small_group_min"] = st.number_input(
        tr("organisation.small_group_min"),
        min_value=3,
        max_value=50,
        value=current.small_group_min,
        key="organisation_small_group",
    )
    submitted = st.form_submit_button(tr("organisation.submit"))
if submitted:
    try:
        with write_session(context().engine) as session:
            update_organisation(session=session, changes=changes, actor=me.email)
        st.success(tr("common.saved"))
    except OrganisationError as error:
        st.error(error.message(lang()))
