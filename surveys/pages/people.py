import streamlit as st

from surveys.db import read_session
from surveys.models import STAKEHOLDER_TYPES
from surveys.overview import list_people, list_programmes, list_sessions
from surveys.pages.common import context, show_table, staff_page, tr, vocab
from surveys.pages.people_edit import add_form, edit_section

me = staff_page("people.title")
sessions_tab, people_tab, programmes_tab = st.tabs(
    [tr("people.sessions_tab"), tr("people.people_tab"), tr("people.programmes_tab")]
)
with read_session(context().engine) as session:
    with sessions_tab:
        rows = list_sessions(session=session)
        for row in rows:
            row["modality"] = vocab("modality", row["modality"])
        show_table(rows, "people_sessions")
    with programmes_tab:
        rows = list_programmes(session=session)
        for row in rows:
            row["kind"] = vocab("programme_kind", row["kind"])
        show_table(rows, "people_programmes")
with people_tab:
    kind = st.selectbox(
        tr("people.filter_type"),
        [None, *STAKEHOLDER_TYPES],
        key="people_kind",
        format_func=lambda value: "—" if value is None else vocab("stakeholder", value),
        placeholder=tr("common.choose"),
    )
    search = st.text_input(tr("people.search"), key="people_search")
    with read_session(context().engine) as session:
        people = list_people(session=session, stakeholder_type=kind, search=search)
    shown = [
        {**row, "type": vocab("role", row["type"]), "language": vocab("language", row["language"])}
        for row in people
    ]
    if shown:
        show_table(shown, "people_people", hidden=("id",))
    else:
        st.caption(tr("people.edit.no_match"))
    add_form(me)
    edit_section(me, people)
