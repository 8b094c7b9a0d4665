import streamlit as st

from surveys.config import paris_day
from surveys.db import read_session
from surveys.models import utc_now
from surveys.overview import headline, list_sessions, upcoming_sessions
from surveys.pages.common import context, localized_columns, require_role, tr, vocab

require_role("admin", "quality", "director")
st.title(tr("home.title"))
with read_session(context().engine) as session:
    figures = headline(session=session)
    upcoming = upcoming_sessions(session=session, today=paris_day(utc_now()))
    recent = list_sessions(session=session, ending_to=paris_day(utc_now()), limit=8)

columns = st.columns(4)
columns[0].metric(tr("home.programmes"), figures.programmes)
columns[1].metric(tr("home.sessions"), figures.sessions)
columns[2].metric(tr("home.people"), figures.people)
columns[3].metric(tr("home.responses"), figures.responses)

st.subheader(tr("home.by_type"))
st.dataframe(
    [
        {tr("columns.type"): vocab("stakeholder", kind), tr("home.people"): count}
        for kind, count in sorted(figures.people_by_type.items())
    ],
    hide_index=True,
    key="home_by_type",
)
for heading, rows, key in (
    (tr("home.upcoming"), upcoming, "home_upcoming"),
    (tr("home.recent"), recent, "home_recent"),
):
    st.subheader(heading)
    for row in rows:
        row["modality"] = vocab("modality", row["modality"])
    if rows:
        st.dataframe(localized_columns(rows), hide_index=True, key=key)
    else:
        st.caption(tr("common.none"))
