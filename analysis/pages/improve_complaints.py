import streamlit as st

from analysis.pages.improve_forms import handle_complaint_form, new_complaint_form
from analysis.pages.improve_shared import period, theme_name
from analysis.pages.shared import downloads
from analysis.register import complaint_statistics, complaints_frame
from surveys.db import read_session
from surveys.improvement.complaints import list_complaints
from surveys.pages.common import context, require_role, tr

me = require_role("admin", "quality")
st.title(tr("improve.pages.complaints_title"))
st.caption(tr("improve.pages.complaints_intro"))
start, end = period("complaints_period")
with read_session(context().engine) as session:
    register = complaints_frame(list_complaints(session=session, start=start, end=end))
shown = register.assign(
    kind=register["kind"].map(lambda v: tr(f"improve.vocab.kind.{v}")),
    status=register["status"].map(lambda v: tr(f"improve.vocab.status.{v}")),
    theme=register["theme"].map(theme_name),
)
table = shown.drop(columns=["session_id", "response_id"])
st.dataframe(table, hide_index=True, key="complaints_table")
# the only way out for this text (config: client.disableDataExport): formula-safe files
downloads("registre", table, "complaints_downloads")
st.subheader(tr("improve.pages.statistics"))
statistics = complaint_statistics(register)
st.dataframe(
    statistics.assign(theme=statistics["theme"].map(theme_name)),
    hide_index=True,
    key="complaints_statistics",
)
new_complaint_form(me)
if not register.empty:
    handle_complaint_form(me, register)
