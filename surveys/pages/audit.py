import streamlit as st

from surveys.audit import list_entries
from surveys.config import DISPLAY_TIMEZONE
from surveys.db import read_session
from surveys.pages.common import context, localized_columns, require_role, tr

require_role("admin")
st.title(tr("audit.title"))
st.caption(tr("audit.intro"))
left, right = st.columns(2)
action = left.text_input(tr("audit.action"), key="audit_action")
actor = right.text_input(tr("audit.actor"), key="audit_actor")
with read_session(context().engine) as session:
    entries = list_entries(session=session, action=action.strip(), actor=actor.strip())
for entry in entries:
    entry["at"] = entry["at"].astimezone(DISPLAY_TIMEZONE)
    entry["details"] = str(entry["details"] or "")
if entries:
    st.dataframe(localized_columns(entries), hide_index=True, key="audit_table")
else:
    st.caption(tr("common.none"))
