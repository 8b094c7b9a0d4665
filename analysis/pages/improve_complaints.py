import streamlit as st

from analysis.pages.figures import downloads
from analysis.pages.improve_forms import handle_complaint_form, new_complaint_form
from analysis.pages.improve_shared import improve_page, theme_name
from analysis.register import complaint_statistics, complaints_frame
from surveys.db import read_session
from surveys.improvement.complaints import list_complaints
from surveys.pages.common import context, show_table, tr, vocab

me, start, end = improve_page("complaints", "complaints_period")
with read_session(context().engine) as session:
    register = complaints_frame(list_complaints(session=session, start=start, end=end))
shown = register.assign(
    kind=register["kind"].map(lambda v: tr(f"improve.vocab.kind.{v}")),
    source=register["source"].map(lambda v: tr(f"improve.vocab.source.{v}")),
    stakeholder_type=register["stakeholder_type"].map(lambda v: vocab("role", v) if v else ""),
    status=register["status"].map(lambda v: tr(f"improve.vocab.status.{v}")),
    theme=register["theme"].map(theme_name),
)
show_table(shown, "complaints_table", "improve", hidden=("session_id", "response_id"))
# the only way out for this text (config: client.disableDataExport): formula-safe files
downloads("registre", shown.drop(columns=["session_id", "response_id"]), "complaints_downloads")
st.subheader(tr("improve.pages.statistics"))
statistics = complaint_statistics(register)
show_table(
    statistics.assign(
        theme=statistics["theme"].map(theme_name),
        kind=statistics["kind"].map(lambda v: tr(f"improve.vocab.kind.{v}")),
    ),
    "complaints_statistics",
    "improve",
)
new_complaint_form(me)
if not register.empty:
    handle_complaint_form(me, register)
