import streamlit as st

from surveys.config import default_period, paris_day
from surveys.db import read_session
from surveys.formatting import day, integer
from surveys.models import utc_now
from surveys.overview import headline, list_sessions, responses_between, upcoming_sessions
from surveys.pages.common import (
    READERS,
    context,
    lang,
    show_table,
    staff_page,
    tr,
    vocab,
)

staff_page("home.title", roles=READERS)
today = paris_day(utc_now())
start, end = default_period(today)
with read_session(context().engine) as session:
    figures = headline(session=session)
    in_period = responses_between(session=session, start=start, end=end)
    upcoming = upcoming_sessions(session=session, today=today)
    recent = list_sessions(session=session, ending_to=today, limit=8)

columns = st.columns(4)
columns[0].metric(tr("home.programmes"), integer(figures.programmes, lang()))
columns[1].metric(tr("home.sessions"), integer(figures.sessions, lang()))
columns[2].metric(tr("home.people"), integer(figures.people, lang()))
columns[3].metric(tr("home.responses"), integer(figures.responses, lang()))
# Home counts every response ever received; the dashboard opens on the last twelve months.
st.caption(
    tr(
        "home.responses_period",
        count=integer(in_period, lang()),
        start=day(start, lang()),
        end=day(end, lang()),
    )
)

st.subheader(tr("home.by_type"))
show_table(
    [
        {"type": vocab("stakeholder", kind), "people": count}
        for kind, count in sorted(figures.people_by_type.items())
    ],
    "home_by_type",
    "home",
)
for heading, rows, key in (
    (tr("home.upcoming"), upcoming, "home_upcoming"),
    (tr("home.recent"), recent, "home_recent"),
):
    st.subheader(heading)
    for row in rows:
        row["modality"] = vocab("modality", row["modality"])
    if rows:
        show_table(rows, key)
    else:
        st.caption(tr("common.none"))
